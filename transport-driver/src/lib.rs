//! What the XML-RPC transports share: one async client and server driver
//! over a small [`Runtime`] trait, the TLS configurations, unix-socket
//! binding and call logging.
//!
//! # What this is not
//! Not a runtime and not a protocol implementation: every decision (framing,
//! deadlines, limits, retries, the pool, what an error is called) is
//! `xmlrpc-proto`'s. This crate only moves bytes between sockets and the
//! core's machines, with the runtime calls left to `transport-tokio` and
//! `transport-smol`, and gives `transport-std` the same TLS trust, socket
//! binding and log lines.
//!
//! # Example
//! ```
//! use xmlrpc_proto::http::CallRecord;
//!
//! // Every transport logs an answered call through this one function.
//! transport_driver::log::call(&CallRecord {
//!     peer: Some("127.0.0.1:5000".into()),
//!     method: Some("factorial".into()),
//!     status: 200,
//!     fault: None,
//!     elapsed: std::time::Duration::from_micros(40),
//! });
//! ```

#![forbid(unsafe_code)]

mod client;
mod connection;
mod fd_limit;
mod files;
mod io;
mod jobs;
mod listen;
pub mod log;
mod runtime;
mod server;
#[cfg(feature = "tls")]
pub mod tls;
#[cfg(feature = "tls")]
mod tls_pem;
#[cfg(unix)]
pub mod unix;

pub use client::Client;
pub use fd_limit::fd_limit;
pub use files::{load_cookie_jar, save_cookie_jar, ClientFiles};
/// Runs a routed call the runtime's way (used by `transport-hyper`).
pub use jobs::run as run_call;
pub use listen::bind_tcp;
pub use runtime::{BoxIo, Io, Runtime, StdListener};
pub use server::{Server, ServerBuilder, ShutdownHandle};
