//! An XML-RPC client and server over `futures-io`: smol by default,
//! async-std behind the `async-std` feature. The shared driver of
//! `transport-driver` with the runtime's sockets, timers and blocking pool.
//!
//! # What this is not
//! No protocol logic and no policy: framing, deadlines, limits, retries,
//! the pool, defaults and errors are `xmlrpc-proto`'s; the drain loops are
//! `transport-driver`'s. This crate is the runtime binding and nothing else.
//!
//! # Features
//! | feature | default | effect |
//! |---|---|---|
//! | `smol` | yes | smol's executor, async-io timers, async-net sockets, blocking pool |
//! | `async-std` | no | async-std's executor and sockets (wins when both are on) |
//! | `tls` | no | `https://` clients and TLS servers (rustls, ring) |
//!
//! # Runtime notes
//! - On smol, connection tasks run on this crate's worker threads, each
//!   driving its own smol executor (and the reactor while it waits), and
//!   stay on the thread they were given; connections are spread in turn.
//!   smol's global executor shares one queue between its threads, which
//!   costs about three context switches per call on a busy connection;
//!   here it is one. The thread count is smol's `SMOL_THREADS` variable
//!   (default 1; `xrpc serve` sets it to the number of cores unless set).
//!   On async-std, tasks run on its executor.
//! - Synchronous handlers run inline on the connection's task and must be
//!   cheap; those registered as blocking (`Router::register_blocking`,
//!   `MethodBuilder::blocking`, `#[rpc(blocking)]`) run on the blocking
//!   pool, so a slow one never stalls other connections; async handlers run
//!   on the connection's task.
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use transport_smol::{block_on, Client, Server};
//! use xmlrpc_proto::{service::Router, Fault};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut router = Router::new();
//! router.register("double", |n: u64| -> Result<u64, Fault> { Ok(2 * n) });
//! let server = Server::builder(Arc::new(router)).bind("127.0.0.1:0")?;
//! let url = format!("http://{}/RPC2", server.local_addr());
//! let stop = server.shutdown_handle();
//! let serving = std::thread::spawn(move || block_on(server.serve()));
//!
//! let client = Client::new(&url)?;
//! let n: u64 = block_on(client.call("double", (21u64,)))?;
//! assert_eq!(n, 42);
//!
//! stop.shutdown();
//! serving.join().expect("server thread")?;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod alarm;
#[cfg(feature = "async-std")]
mod async_std_rt;
#[cfg(all(feature = "smol", not(feature = "async-std")))]
mod smol_rt;
#[cfg(all(feature = "smol", not(feature = "async-std")))]
mod workers;

#[cfg(feature = "async-std")]
pub use async_std_rt::{block_on, AsyncStd as Rt};
#[cfg(all(feature = "smol", not(feature = "async-std")))]
pub use smol_rt::{block_on, Smol as Rt};

#[cfg(not(any(feature = "smol", feature = "async-std")))]
compile_error!("transport-smol needs a runtime: enable the `smol` or the `async-std` feature");

pub use alarm::Alarm;
#[cfg(feature = "tls")]
pub use transport_driver::tls;
pub use transport_driver::ShutdownHandle;
/// Client settings kept in files: PEM certificates (`ClientFiles` on the
/// builder) and Netscape cookie files.
pub use transport_driver::{load_cookie_jar, save_cookie_jar, ClientFiles};
pub use xmlrpc_proto;

/// An XML-RPC client on this crate's runtime; see [`transport_driver::Client`].
pub type Client = transport_driver::Client<Rt>;
/// An XML-RPC server on this crate's runtime; see [`transport_driver::Server`].
pub type Server = transport_driver::Server<Rt>;
/// Settings for a [`Server`].
pub type ServerBuilder = transport_driver::ServerBuilder<Rt>;
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
