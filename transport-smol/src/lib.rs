//! XML-RPC client and server over `futures-io`: smol by default, async-std
//! behind the `async-std` feature.
//!
//! This crate only moves bytes between sockets and the sans-IO machines of
//! [`xmlrpc_proto`]; all protocol knowledge (framing, limits, deadlines,
//! faults, routing) lives there.
//!
//! # What this is not
//! No HTTP/2, no proxy support, no protocol logic of its own. TLS (rustls
//! with the ring provider) only with the `tls` feature.
//!
//! # Features
//! | feature | default | effect |
//! |---|---|---|
//! | `smol` | yes | smol's executor, async-io timers, async-net sockets, blocking pool |
//! | `async-std` | no | async-std's executor and sockets (wins when both are on) |
//! | `tls` | no | `https://` clients and [`ServerBuilder::tls`] via futures-rustls |
//!
//! # Limits and deadlines of this crate
//! The HTTP and decoder limits live in the core's `ServerConfig`,
//! `ClientConfig` and `Limits`; these are the adapter's own:
//!
//! | setting | default | when it is hit |
//! |---|---|---|
//! | [`ServerBuilder::max_connections`] | 1024 | further clients wait in the listen backlog |
//! | [`ServerBuilder::shutdown_grace`] | 30 s | busy connections are dropped, `serve` returns |
//! | [`ServerBuilder::write_timeout`] | 30 s | a response write or TLS handshake is abandoned, connection dropped |
//! | [`ClientBuilder::timeout`] (connect part) | 30 s | `Error::Timeout("connect")` |
//! | [`ClientBuilder::timeout`] (write part) | the response timeout | `Error::Timeout("write")` |
//! | [`ClientBuilder::max_idle_connections`] | 8 | extra connections close after their call |
//!
//! # Runtime notes
//! - On smol, connection tasks run on smol's global executor: its thread
//!   count comes from the `SMOL_THREADS` environment variable (default 1).
//!   `Server::serve` itself runs wherever it is awaited.
//! - Synchronous handlers (`Dispatch::Blocking`) run on the blocking pool
//!   (`blocking::unblock` / `async_std::task::spawn_blocking`), so a slow one
//!   never stalls other connections; async handlers run on the task.
//! - Connections over the cap are not accepted until one closes: they wait
//!   in the kernel's listen backlog.
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
//! serving.join().expect("serve thread")?;
//! # Ok(())
//! # }
//! ```
//!
//! **Drain rule** (from the core): after every input the adapter calls
//! `poll_output` until it says `Wait` or `Closed`; both drivers here do.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
mod client;
mod outbox;
mod rt;
mod server;
#[cfg(feature = "tls")]
pub mod tls;

pub use client::{Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_IDLE};
pub use rt::block_on;
pub use server::{
    Server, ServerBuilder, ShutdownHandle, DEFAULT_MAX_CONNECTIONS, DEFAULT_SHUTDOWN_GRACE,
    DEFAULT_WRITE_TIMEOUT,
};

/// The one error type of every client call: tells a fault, an HTTP status,
/// a transport failure, a decode failure and a timeout apart.
pub type Error = xmlrpc_proto::http::ClientError;

/// The core this crate drives (values, router, limits), re-exported as
/// `transport-std` and `transport-tokio` do, so one dependency suffices.
pub use xmlrpc_proto;

#[cfg(test)]
mod tests {
    #[test]
    fn debug_never_shows_the_url_password() {
        let client = crate::Client::new("http://alice:s3cret@127.0.0.1:1/RPC2").expect("client");
        let shown = format!("{client:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("alice") && shown.contains("/RPC2") && shown.contains("<redacted>"),
            "{shown}"
        );
    }

    #[test]
    fn builder_debug_shows_no_password_and_no_header_values() {
        let builder = crate::Client::builder("http://alice:s3cret@127.0.0.1:1/RPC2")
            .header("Authorization", "Bearer t0ken");
        let shown = format!("{builder:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("t0ken"),
            "{shown}"
        );
        assert!(
            shown.contains("alice") && shown.contains("Authorization"),
            "{shown}"
        );
    }

    /// The re-export names the same types the core does.
    #[test]
    fn the_core_is_re_exported() {
        let value: crate::xmlrpc_proto::Value = xmlrpc_proto::Value::Int(1);
        assert_eq!(value.type_name(), "int");
    }
}
