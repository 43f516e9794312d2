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
// `Error` is the core's shared `ClientError` (a contract); boxing it here
// would make this crate's API differ from the other transports.
#![allow(clippy::result_large_err)]

mod client;
mod connect;
mod connection;
mod exchange;
mod multicall;
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
