//! Blocking XML-RPC over std sockets: a [`Client`] and a thread-per-connection
//! [`Server`], each a thin driver of the sans-IO machines of [`xmlrpc_proto`].
//!
//! # What this is not
//! No policy lives here: framing, limits, deadlines, lingering, the pool,
//! the retry rule, faults, routing and every default are the core's
//! ([`xmlrpc_proto::client`], [`xmlrpc_proto::http`]). This crate connects,
//! accepts, reads, writes, sleeps and spawns threads; nothing else. No async
//! runtime (async handlers run under a small `block_on`), no DNS beyond
//! `ToSocketAddrs`, no TLS code of its own (the configurations are
//! `transport-driver`'s).
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use transport_std::xmlrpc_proto::{service::Router, Fault};
//! use transport_std::{Client, Server};
//!
//! let mut router = Router::new();
//! router.register("add", |a: i32, b: i32| -> Result<i32, Fault> { Ok(a + b) });
//! let server = Server::builder(Arc::new(router)).bind("127.0.0.1:0")?;
//! let url = format!("http://{}/RPC2", server.local_addr());
//! let stop = server.shutdown_handle();
//! let serving = std::thread::spawn(move || server.serve());
//!
//! let client = Client::builder(&url)
//!     .timeout(std::time::Duration::from_secs(5))
//!     .build()?;
//! let sum: i32 = client.call("add", (2, 3))?;
//! assert_eq!(sum, 5);
//!
//! stop.shutdown();
//! serving.join().expect("serve thread")?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The server's threads
//! Each accepted connection gets a thread that runs its handlers (sync ones
//! directly, async ones under `futures_lite::future::block_on`, a
//! multicall's entries one after another), so a slow handler holds up only
//! its own connection. At most [`ServerConfig::max_connections`] threads run;
//! further connections wait in the accept backlog. On
//! [`ShutdownHandle::shutdown`] the listener closes, every connection's
//! socket is shut for reading (a thread blocked in `read` wakes and its
//! idle connection closes), and calls in flight finish within
//! [`ServerConfig::shutdown_grace`].
//!
//! | feature | adds |
//! |---|---|
//! | `tls` | `https://` clients and TLS servers (rustls with ring), and [`tls`] |
//!
//! [`ServerConfig::max_connections`]: xmlrpc_proto::http::ServerConfig::max_connections
//! [`ServerConfig::shutdown_grace`]: xmlrpc_proto::http::ServerConfig::shutdown_grace

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod server;
mod stream;

pub use client::{Client, ClientBuilder};
pub use server::{Server, ServerBuilder, ShutdownHandle};
/// The TLS configurations every transport shares: `server_config` for
/// [`ServerBuilder::tls`], `ClientTls` for the client's trust.
#[cfg(feature = "tls")]
pub use transport_driver::tls;
pub use xmlrpc_proto;

/// Everything a call can fail with: the core's
/// [`ClientError`](xmlrpc_proto::client::ClientError), the same on every
/// transport.
pub type Error = xmlrpc_proto::client::ClientError;

// Threads may share a client, and stop a server from anywhere.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Client>();
    assert_send_sync::<ShutdownHandle>();
};

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::thread;
    use std::time::Duration;

    use xmlrpc_proto::client::{config_defaults, ConfigError, TimeoutKind};
    use xmlrpc_proto::http::ServerConfig;
    use xmlrpc_proto::service::Router;
    use xmlrpc_proto::{Fault, Value};

    use crate::{Client, Error, Server, ShutdownHandle};

    /// A served router: its URL, its stop handle and the serving thread.
    fn serve(
        router: Router,
        config: ServerConfig,
    ) -> (
        String,
        ShutdownHandle,
        thread::JoinHandle<std::io::Result<()>>,
    ) {
        let server = Server::builder(Arc::new(router))
            .config(config)
            .bind("127.0.0.1:0")
            .expect("bind");
        let url = format!("http://{}/RPC2", server.local_addr());
        let stop = server.shutdown_handle();
        (url, stop, thread::spawn(move || server.serve()))
    }

    /// The demo router plus `sleep(ms)` (blocks, returns `ms`) and the
    /// async `twice(n)`.
    fn router() -> Router {
        let mut router = xmlrpc_proto::demo::router();
        router.register("sleep", |ms: i32| -> Result<i32, Fault> {
            thread::sleep(Duration::from_millis(ms as u64));
            Ok(ms)
        });
        router.register_async("twice", |n: i32| async move { Ok::<_, Fault>(n * 2) });
        router
    }

    /// A port nothing listens on (bound, then closed: almost certainly free).
    fn closed_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(1)
    }

    #[test]
    fn bad_urls_and_headers_are_configuration_errors() {
        assert!(matches!(
            Client::new("ftp://example.com/"),
            Err(Error::Config(ConfigError::Address(_)))
        ));
        let bad_header = Client::builder("http://127.0.0.1:1/RPC2")
            .header("bad header", "v")
            .build();
        match bad_header {
            Err(Error::Config(ConfigError::Header { name, .. })) => assert_eq!(name, "bad header"),
            other => panic!("{other:?}"),
        }
    }

    #[cfg(not(feature = "tls"))]
    #[test]
    fn https_without_the_tls_feature_is_unsupported() {
        let result = Client::new("https://127.0.0.1/RPC2");
        assert!(
            matches!(result, Err(Error::Config(ConfigError::Unsupported(_)))),
            "{result:?}"
        );
    }

    #[cfg(feature = "tls")]
    #[test]
    fn an_upper_case_https_scheme_still_speaks_tls() {
        // A server that accepts TCP and never answers: the client must get
        // as far as the TLS handshake (and time out there).
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let client = Client::builder(&format!("HTTPS://127.0.0.1:{port}/RPC2"))
            .timeout(Duration::from_millis(300))
            .build()
            .expect("client");
        let result = client.call_value("echo", Vec::new());
        assert!(
            matches!(result, Err(Error::Timeout(TimeoutKind::TlsHandshake))),
            "{result:?}"
        );
        drop(listener);
    }

    #[test]
    fn debug_never_shows_the_url_password() {
        let client = Client::new("http://alice:s3cret@127.0.0.1:1/RPC2").expect("client");
        let shown = format!("{client:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("alice") && shown.contains("/RPC2") && shown.contains("<redacted>"),
            "{shown}"
        );
        let builder = Server::builder(Arc::new(xmlrpc_proto::demo::router()));
        assert!(format!("{builder:?}").contains("max_connections"));
    }

    /// The pool knob and accessors the smol and tokio clients have.
    #[test]
    fn idle_pool_size_is_configurable() {
        let (url, stop, serving) = serve(router(), ServerConfig::default());
        for (max, pooled) in [(config_defaults::MAX_IDLE_CONNECTIONS, 1), (0, 0)] {
            let client = Client::builder(&url)
                .max_idle_connections(max)
                .build()
                .expect("client");
            assert_eq!(client.address().path, "/RPC2");
            let v = client.call_value("echo", vec![Value::Int(3)]);
            assert_eq!(v.expect("echo"), Value::Int(3));
            assert_eq!(client.idle_connections(), pooled, "max {max}");
        }
        stop.shutdown();
        serving.join().expect("serve thread").expect("serve");
    }

    #[test]
    fn connect_failure_is_an_io_error() {
        let client = Client::new(&format!("http://127.0.0.1:{}/RPC2", closed_port()));
        let result = client.and_then(|c| c.call_value("echo", Vec::new()));
        assert!(matches!(result, Err(Error::Io(_))), "{result:?}");
    }
}
