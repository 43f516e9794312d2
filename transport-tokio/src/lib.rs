//! An XML-RPC client and server on tokio, driving the sans-IO machines of
//! [`xmlrpc_proto`].
//!
//! # What this is not
//! No protocol logic lives here: HTTP framing, deadlines, limits, the codec
//! and routing are all `xmlrpc-proto`'s. This crate moves bytes between
//! sockets and those machines, sleeps until the deadlines they report, and
//! runs handlers the tokio way. **After every input it calls `poll_output`
//! until the machine says `Wait` or `Closed`** (the drain rule).
//!
//! # Transports
//! `http://` over TCP, `unix:///path.sock` over unix sockets, and `https://`
//! through rustls (ring provider) behind the `tls` feature.
//!
//! # Settings of this crate
//! HTTP limits and deadlines (head, body, idle, sizes) are the core's
//! `ServerConfig` / `ClientConfig`; these are the transport's own:
//!
//! | setting | default | when it bites |
//! |---|---|---|
//! | [`ServerBuilder::max_connections`] | 1024 | further connections wait in the kernel's accept backlog |
//! | [`ServerBuilder::shutdown_grace`] | 10 s | calls still running after it lose their connection |
//! | [`ServerBuilder::write_timeout`] | 60 s | a peer not reading its response is dropped |
//! | [`ClientBuilder::timeout`] | 30 s (whole response: the core's 120 s until set) | connect, each write, first byte and, once set, the whole response: [`Error::Timeout`] or `CallError::Timeout` |
//! | [`ClientBuilder::max_idle_connections`] | 8 | idle keep-alive connections beyond it are closed |
//!
//! Blocking (sync) handlers run on tokio's blocking pool via
//! `spawn_blocking`; async handlers run on the connection's task. A panic in
//! either becomes fault -32603 and the server goes on.
//!
//! # Example
//! ```no_run
//! use std::sync::Arc;
//! use transport_tokio::{Client, Server};
//! use xmlrpc_proto::service::Router;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let server = Server::builder(Arc::new(Router::new())).bind("127.0.0.1:0")?;
//! let url = format!("http://{}/RPC2", server.local_addr());
//! let stop = server.shutdown_handle();
//! let running = tokio::spawn(server.serve());
//!
//! let client = Client::new(&url)?;
//! let methods: Vec<String> = client.call("system.listMethods", ()).await?;
//! assert!(methods.iter().any(|m| m == "system.multicall"));
//!
//! stop.shutdown();
//! running.await??;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod connect;
mod connection;
mod exchange;
mod outbox;
mod server;
mod stream;
#[cfg(feature = "tls")]
pub mod tls;

pub use client::{Client, ClientBuilder};
pub use server::{Server, ServerBuilder, ShutdownHandle};

/// Everything a client call can fail with (the core's [`ClientError`]).
///
/// [`ClientError`]: xmlrpc_proto::http::ClientError
pub type Error = xmlrpc_proto::http::ClientError;

pub use xmlrpc_proto;
