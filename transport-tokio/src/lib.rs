//! An XML-RPC client and server on tokio: the shared driver of
//! `transport-driver` with tokio's sockets, timers and blocking pool.
//!
//! # What this is not
//! No protocol logic and no policy: framing, deadlines, limits, retries,
//! the pool, defaults and errors are `xmlrpc-proto`'s; the drain loops are
//! `transport-driver`'s. This crate is the [`Tokio`] runtime binding and
//! nothing else.
//!
//! # Transports
//! `http://` over TCP, `unix:///path.sock` over unix sockets, and `https://`
//! through rustls (ring provider) behind the `tls` feature.
//!
//! Synchronous handlers run inline on the connection's task and must be
//! cheap; those registered as blocking (`Router::register_blocking`,
//! `MethodBuilder::blocking`, `#[rpc(blocking)]`) run on tokio's blocking
//! pool via `spawn_blocking`, so a slow one never stalls other connections;
//! async handlers run on the connection's task; the entries of one
//! `system.multicall` run concurrently. A panic in a
//! handler becomes fault -32603 and the server goes on.
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

mod runtime;

pub use runtime::Tokio;
#[cfg(feature = "tls")]
pub use transport_driver::tls;
pub use transport_driver::ShutdownHandle;
/// Client settings kept in files: PEM certificates (`ClientFiles` on the
/// builder) and Netscape cookie files.
pub use transport_driver::{load_cookie_jar, save_cookie_jar, ClientFiles};
pub use xmlrpc_proto;

/// An XML-RPC client on tokio; see [`transport_driver::Client`].
pub type Client = transport_driver::Client<Tokio>;
/// An XML-RPC server on tokio; see [`transport_driver::Server`].
pub type Server = transport_driver::Server<Tokio>;
/// Settings for a [`Server`].
pub type ServerBuilder = transport_driver::ServerBuilder<Tokio>;
/// The builder [`Client::builder`] returns: the core's one client builder.
pub type ClientBuilder = xmlrpc_proto::client::ClientBuilder<Client>;
/// Everything a client call can fail with (the core's `ClientError`).
pub type Error = xmlrpc_proto::client::ClientError;

// Checked when the crate builds: clients and shutdown handles cross threads
// and tasks, and clones share one pool.
const _: fn() = || {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Client>();
    shareable::<ShutdownHandle>();
};
