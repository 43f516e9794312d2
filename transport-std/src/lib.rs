//! XML-RPC over std sockets with no async runtime: a blocking [`Client`] and
//! an event-loop [`Server`], each a thin driver of the sans-IO machines of
//! [`xmlrpc_proto`].
//!
//! # What this is not
//! No policy lives here: framing, limits, deadlines, lingering, the pool,
//! the retry rule, faults, routing and every default are the core's
//! ([`xmlrpc_proto::client`], [`xmlrpc_proto::http`]). This crate connects,
//! accepts, reads, writes, waits for socket readiness (mio) and spawns
//! threads; nothing else. No async runtime (async handlers run under a
//! small `block_on` on a pool thread), no DNS beyond
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
//! [`Server::serve`] accepts on the calling thread and hands each
//! connection to one of its event loops, one thread per core, each waiting
//! on its connections' sockets at once (epoll, kqueue, through mio): many
//! ready connections cost one wake-up, where a thread per connection costs
//! one per request. Synchronous handlers run inline on the loop while the
//! router routes the call, so they must be cheap (microseconds, like
//! `factorial`); those registered as blocking
//! ([`Router::register_blocking`](xmlrpc_proto::service::Router::register_blocking)),
//! async ones (under `futures_lite::future::block_on`) and multicalls
//! holding either run on a pool of threads that grows so no call waits for
//! another: **a slow handler never blocks other connections** holds for
//! those. At most [`ServerConfig::connection_cap`] connections are open
//! (10,000 by default, lowered to fit half the file-descriptor limit, as
//! each connection holds two). At the cap a newcomer evicts a connection
//! that sent no complete request head within
//! [`ServerConfig::first_head_window`], else the longest-idle keep-alive
//! one: its socket is shut down, which its loop sees as the end of input.
//! With none to evict, newcomers wait in the accept backlog. On
//! [`ShutdownHandle::shutdown`] the listener closes, every connection's
//! socket is shut for reading (an idle connection closes), and calls in
//! flight finish within [`ServerConfig::shutdown_grace`].
//!
//! | feature | adds |
//! |---|---|
//! | `tls` | `https://` clients and TLS servers (rustls with ring), and [`tls`] |
//!
//! [`ServerConfig::connection_cap`]: xmlrpc_proto::http::ServerConfig::connection_cap
//! [`ServerConfig::first_head_window`]: xmlrpc_proto::http::ServerConfig::first_head_window
//! [`ServerConfig::shutdown_grace`]: xmlrpc_proto::http::ServerConfig::shutdown_grace

#![forbid(unsafe_code)]

mod client;
mod connection;
mod event_loop;
mod pool;
mod ready_io;
mod server;
mod stream;

pub use client::{Client, ClientBuilder};
pub use server::{Server, ServerBuilder, ShutdownHandle};
/// The TLS configurations every transport shares: `server_config` for
/// [`ServerBuilder::tls`], `ClientTls` for the client's trust.
#[cfg(feature = "tls")]
pub use transport_driver::tls;
/// Client settings kept in files: PEM certificates (`ClientFiles` on the
/// builder) and Netscape cookie files.
pub use transport_driver::{load_cookie_jar, save_cookie_jar, ClientFiles};
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
    use std::time::{Duration, Instant};

    use xmlrpc_proto::client::{config_defaults, ConfigError, TimeoutKind};
    use xmlrpc_proto::http::ServerConfig;
    use xmlrpc_proto::service::Router;
    use xmlrpc_proto::{Fault, MethodCall, MethodResponse, Value};

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
        let mut router = xmlrpc_demo::router();
        router.register_blocking("sleep", |ms: i32| -> Result<i32, Fault> {
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

    /// TLS both ways: the server with `ServerBuilder::tls`, the client
    /// trusting the self-signed certificate besides the web PKI roots.
    #[cfg(feature = "tls")]
    #[test]
    fn tls_round_trip_with_an_extra_root() {
        let names = vec!["localhost".to_string()];
        let certified = rcgen::generate_simple_self_signed(names).expect("certificate");
        let cert = certified.cert.der().to_vec();
        let key = certified.signing_key.serialize_der();
        let tls = crate::tls::server_config(vec![cert.clone()], key).expect("tls config");
        let server = Server::builder(Arc::new(router()))
            .tls(tls)
            .bind("127.0.0.1:0")
            .expect("bind");
        let port = server
            .local_addr()
            .rsplit(':')
            .next()
            .unwrap_or("")
            .to_string();
        let stop = server.shutdown_handle();
        let serving = thread::spawn(move || server.serve());
        let url = format!("https://localhost:{port}/RPC2");
        let untrusted = Client::new(&url).expect("client");
        let refused = untrusted.call_value("echo", vec![Value::Int(1)]);
        assert!(matches!(refused, Err(Error::Io(_))), "{refused:?}");
        let client = Client::builder(&url)
            .tls_root_certificate(cert)
            .build()
            .expect("client");
        for n in 0..3 {
            let echoed = client
                .call_value("echo", vec![Value::Int(n)])
                .expect("echo");
            assert_eq!(echoed, Value::Int(n));
        }
        assert_eq!(client.idle_connections(), 1);
        stop.shutdown();
        serving.join().expect("serve thread").expect("serve");
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
        let builder = Server::builder(Arc::new(xmlrpc_demo::router()));
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
            assert_eq!(client.address().path(), "/RPC2");
            let v = client.call_value("echo", vec![Value::Int(3)]);
            assert_eq!(v.expect("echo"), Value::Int(3));
            assert_eq!(client.idle_connections(), pooled, "max {max}");
        }
        stop.shutdown();
        serving.join().expect("serve thread").expect("serve");
    }

    /// Typed calls, faults, the raw response, and a multicall whose entries
    /// mix a sync handler, an async one and a fault.
    #[test]
    fn calls_faults_raw_responses_and_multicalls() {
        let (url, stop, serving) = serve(router(), ServerConfig::default());
        let client = Client::new(&url).expect("client");
        let n: i64 = client.call("factorial", (5,)).expect("factorial");
        assert_eq!(n, 120);
        let missing = client.call_value("no.such.method", vec![]);
        assert!(matches!(missing, Err(Error::Fault(_))), "{missing:?}");
        let call = MethodCall::new("twice", vec![Value::Int(21)]);
        let (response, raw) = client.call_response(&call).expect("raw");
        assert_eq!(response, MethodResponse::Success(Value::Int(42)));
        assert!(String::from_utf8_lossy(&raw).contains("<int>42</int>"));
        let answers = client
            .multicall(vec![
                MethodCall::new("echo", vec![Value::Int(1)]),
                MethodCall::new("twice", vec![Value::Int(2)]),
                MethodCall::new("no.such.method", vec![]),
            ])
            .expect("multicall");
        assert_eq!(answers[0], Ok(Value::Int(1)));
        assert_eq!(answers[1], Ok(Value::Int(4)));
        assert!(answers[2].is_err(), "{answers:?}");
        stop.shutdown();
        serving.join().expect("serve thread").expect("serve");
    }

    #[test]
    fn connect_failure_is_an_io_error() {
        let client = Client::new(&format!("http://127.0.0.1:{}/RPC2", closed_port()));
        let result = client.and_then(|c| c.call_value("echo", Vec::new()));
        assert!(matches!(result, Err(Error::Io(_))), "{result:?}");
    }

    /// A server that accepts (in the backlog) and never answers: the first
    /// byte's deadline passes.
    #[test]
    fn a_silent_server_is_a_first_byte_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let client = Client::builder(&format!("http://{addr}/RPC2"))
            .first_byte_timeout(Duration::from_millis(200))
            .build()
            .expect("client");
        let start = Instant::now();
        let result = client.call_value("echo", vec![Value::Int(1)]);
        assert!(
            matches!(result, Err(Error::Timeout(TimeoutKind::FirstByte))),
            "{result:?}"
        );
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    /// A server that never reads: writing a large request passes the write
    /// deadline, which the machine reports.
    #[test]
    fn a_server_that_never_reads_is_a_write_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let client = Client::builder(&format!("http://{addr}/RPC2"))
            .write_timeout(Duration::from_millis(300))
            .build()
            .expect("client");
        let big = Value::String("x".repeat(64 << 20));
        let start = Instant::now();
        let result = client.call_value("echo", vec![big]);
        assert!(
            matches!(result, Err(Error::Timeout(TimeoutKind::Write))),
            "{result:?}"
        );
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    /// Shutdown with an idle keep-alive connection and a call in its
    /// handler: the call is answered, with no drain window the idle
    /// connection does not hold the server up, and the listener is gone
    /// afterwards.
    #[test]
    fn graceful_shutdown_finishes_calls_and_closes_idle_connections() {
        let config = ServerConfig {
            shutdown_grace: Duration::from_secs(10),
            drain_timeout: Duration::ZERO,
            ..ServerConfig::default()
        };
        let (url, stop, serving) = serve(router(), config);
        let idle = Client::new(&url).expect("client");
        assert_eq!(
            idle.call_value("echo", vec![Value::Int(0)]).expect("echo"),
            Value::Int(0)
        );
        assert_eq!(idle.idle_connections(), 1);
        let busy = {
            let url = url.clone();
            thread::spawn(move || Client::new(&url)?.call_value("sleep", vec![Value::Int(600)]))
        };
        thread::sleep(Duration::from_millis(200));
        let start = Instant::now();
        stop.shutdown();
        let answered = busy.join().expect("caller");
        assert_eq!(answered.expect("the call in flight"), Value::Int(600));
        serving.join().expect("serve thread").expect("serve");
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
        let addr = url.trim_start_matches("http://").trim_end_matches("/RPC2");
        assert!(
            std::net::TcpStream::connect(addr).is_err(),
            "still accepting"
        );
    }

    /// A handler that outlives the grace period does not keep `serve` running.
    #[test]
    fn shutdown_grace_is_bounded() {
        let config = ServerConfig {
            shutdown_grace: Duration::from_millis(300),
            ..ServerConfig::default()
        };
        let (url, stop, serving) = serve(router(), config);
        let stuck = thread::spawn(move || {
            let client = Client::new(&url).expect("client");
            let _ = client.call_value("sleep", vec![Value::Int(3000)]);
        });
        thread::sleep(Duration::from_millis(200));
        let start = Instant::now();
        stop.shutdown();
        serving.join().expect("serve thread").expect("serve");
        let took = start.elapsed();
        assert!(
            took < Duration::from_millis(1500),
            "serve outlived its grace: {took:?}"
        );
        let _ = stuck.join();
    }

    /// With the cap at one connection and it held, shutdown still stops the
    /// accept loop waiting for a slot.
    #[test]
    fn shutdown_wakes_an_accept_loop_waiting_at_the_cap() {
        let config = ServerConfig {
            max_connections: Some(1),
            shutdown_grace: Duration::from_millis(200),
            ..ServerConfig::default()
        };
        let (url, stop, serving) = serve(router(), config);
        let holder = Client::new(&url).expect("client");
        holder
            .call_value("echo", vec![Value::Int(1)])
            .expect("echo");
        stop.shutdown();
        let start = Instant::now();
        serving.join().expect("serve thread").expect("serve");
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    /// A unix socket, bound over a stale socket file left behind.
    #[cfg(unix)]
    #[test]
    fn unix_sockets_round_trip_and_stale_files_are_replaced() {
        let dir = std::env::temp_dir().join(format!("transport-std-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("s.sock");
        drop(std::os::unix::net::UnixListener::bind(&path)); // left behind, stale
        let server = Server::builder(Arc::new(router()))
            .bind_unix(&path)
            .expect("bind");
        let stop = server.shutdown_handle();
        let serving = thread::spawn(move || server.serve());
        let client = Client::new(&format!("unix://{}", path.display())).expect("client");
        for n in 0..2 {
            assert_eq!(
                client
                    .call_value("twice", vec![Value::Int(n)])
                    .expect("twice"),
                Value::Int(2 * n)
            );
        }
        stop.shutdown();
        serving.join().expect("serve thread").expect("serve");
        assert!(!path.exists(), "the socket file outlived the server");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
