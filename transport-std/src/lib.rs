//! Blocking XML-RPC over std sockets: a [`Client`] and a thread-per-connection
//! [`Server`], driving the sans-IO machines of [`xmlrpc_proto`].
//!
//! # What this is not
//! No protocol logic lives here: framing, limits, deadlines, faults and
//! routing are the core's. This crate moves bytes between sockets and the
//! core's machines, reads the clock and sleeps. No async runtime.
//!
//! # Example
//! ```no_run
//! use transport_std::Client;
//!
//! let client = Client::new("http://127.0.0.1:8000/RPC2")?;
//! let n: i64 = client.call("factorial", (10,))?;
//! assert_eq!(n, 3_628_800);
//! # Ok::<(), transport_std::Error>(())
//! ```
//!
//! # The server's threads
//! Each accepted connection gets a thread that runs its handlers (sync
//! handlers directly, async ones with a small `block_on`), so a slow
//! handler holds up only its own connection. At most `max_connections`
//! threads run; further connections wait in the accept backlog.
//!
//! | feature | adds |
//! |---|---|
//! | `tls` | `https://` clients and TLS servers (rustls with ring) |

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// `Error` is the core's one client error type; its size is the contract's.
#![allow(clippy::result_large_err)]

mod client;
mod connection;
mod multicall;
mod server;
mod stream;
#[cfg(feature = "tls")]
pub mod tls;

pub use client::{Client, ClientBuilder};
pub use server::{Server, ServerBuilder, ShutdownHandle};
pub use xmlrpc_proto;

/// Everything a call can fail with (a fault, an HTTP status, I/O, a
/// decode failure, a timeout): the core's [`ClientError`](xmlrpc_proto::http::ClientError).
pub type Error = xmlrpc_proto::http::ClientError;
