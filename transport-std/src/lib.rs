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
mod client;
mod connection;
mod server;
mod shutdown;
mod stream;
#[cfg(feature = "tls")]
pub mod tls;

pub use client::{Client, ClientBuilder, DEFAULT_MAX_IDLE};
pub use server::{Server, ServerBuilder};
pub use shutdown::ShutdownHandle;
pub use xmlrpc_proto;

/// Everything a call can fail with (a fault, an HTTP status, I/O, a
/// decode failure, a timeout): the core's [`ClientError`](xmlrpc_proto::http::ClientError).
pub type Error = xmlrpc_proto::http::ClientError;

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn client_and_shutdown_handle_cross_threads() {
        assert_send_sync::<crate::Client>();
        assert_send_sync::<crate::ShutdownHandle>();
    }

    #[test]
    fn bad_urls_and_headers_are_refused() {
        assert!(matches!(
            crate::Client::new("ftp://example.com/"),
            Err(crate::Error::Address(_))
        ));
        let bad_header = crate::Client::builder("http://127.0.0.1:1/RPC2")
            .header("bad header", "v")
            .build();
        assert!(matches!(bad_header, Err(crate::Error::Io(_))));
    }

    #[cfg(not(feature = "tls"))]
    #[test]
    fn https_without_the_tls_feature_is_refused() {
        let result = crate::Client::new("https://127.0.0.1/RPC2");
        assert!(matches!(result, Err(crate::Error::Address(_))));
    }

    #[cfg(feature = "tls")]
    #[test]
    fn an_upper_case_https_scheme_still_speaks_tls() {
        // A server that accepts TCP and never answers: the client must get
        // as far as the TLS handshake (and time out there).
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let client = crate::Client::builder(&format!("HTTPS://127.0.0.1:{port}/RPC2"))
            .timeout(std::time::Duration::from_millis(300))
            .build()
            .expect("client");
        let result = client.call_value("echo", Vec::new());
        assert!(
            matches!(result, Err(crate::Error::Timeout(_))),
            "{result:?}"
        );
        drop(listener);
    }

    #[test]
    fn debug_never_shows_the_url_password() {
        let client = crate::Client::new("http://alice:s3cret@127.0.0.1:1/RPC2").expect("client");
        let shown = format!("{client:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("alice") && shown.contains("/RPC2") && shown.contains("<redacted>"),
            "{shown}"
        );
        let builder = crate::Server::builder(std::sync::Arc::new(xmlrpc_proto::demo::router()));
        assert!(format!("{builder:?}").contains("max_connections"));
    }

    /// The pool knob and accessors the smol and tokio clients have.
    #[test]
    fn idle_pool_size_is_configurable() {
        use std::sync::Arc;
        use xmlrpc_proto::Value;

        let server = crate::Server::builder(Arc::new(xmlrpc_proto::demo::router()))
            .bind("127.0.0.1:0")
            .expect("bind");
        let url = format!("http://{}/RPC2", server.local_addr());
        let stop = server.shutdown_handle();
        let serving = std::thread::spawn(move || server.serve());
        for (max, pooled) in [(crate::DEFAULT_MAX_IDLE, 1), (0, 0)] {
            let client = crate::Client::builder(&url)
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
        // Bind then drop: the port is (almost certainly) closed now.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(1);
        let client = crate::Client::new(&format!("http://127.0.0.1:{port}/RPC2"));
        let result = client.and_then(|c| c.call_value("echo", Vec::new()));
        assert!(matches!(result, Err(crate::Error::Io(_))), "{result:?}");
    }
}
