//! [`Adapter`]: what a transport crate plugs into the shared suite.
//!
//! Every method is synchronous: an async transport blocks on its own runtime
//! inside. The suite never names a transport crate, so the three cannot drift.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use xmlrpc_proto::client::{ClientBuilder, ClientError, CookieJar, FromClientConfig, Interceptor};
use xmlrpc_proto::http::ServerConfig;
use xmlrpc_proto::service::Router;
use xmlrpc_proto::{Fault, Limits, MethodCall, MethodResponse, Value};

/// A transport under test: starts its server and makes its clients.
pub trait Adapter: 'static {
    /// Shown in test output (`std`, `tokio`, `smol`).
    const NAME: &'static str;

    /// Binds (TCP on `127.0.0.1:0`, or `opts.unix_path`; SCGI when
    /// `opts.scgi`, see [`bind_for`](crate::bind_for)), starts serving on
    /// a background thread and returns once the socket accepts connections.
    fn start_server(router: Arc<Router>, opts: ServerOpts) -> RunningServer;

    /// A client for `url` built with `opts` (one client keeps its connections
    /// alive across calls).
    fn client(url: &str, opts: &ClientOpts) -> Result<Box<dyn SuiteClient>, ClientError>;
}

/// One client of the transport under test, shared across threads.
pub trait SuiteClient: Send + Sync {
    /// `Client::call_value`.
    fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, ClientError>;

    /// `Client::call_value_with_headers`: `headers` for this call only.
    fn call_value_with_headers(
        &self,
        method: &str,
        params: Vec<Value>,
        headers: HeaderMap,
    ) -> Result<Value, ClientError>;

    /// `Client::call::<i64>(method, (arg,))`: the typed path through serde.
    fn call_i64(&self, method: &str, arg: i64) -> Result<i64, ClientError>;

    /// `Client::call_response`: the response and its raw body.
    fn call_response(&self, call: &MethodCall) -> Result<(MethodResponse, Bytes), ClientError>;

    /// `Client::multicall`.
    fn multicall(&self, calls: Vec<MethodCall>) -> Result<Vec<Result<Value, Fault>>, ClientError>;
}

/// A certificate and its private key, both DER.
#[derive(Clone, Debug)]
pub struct TlsIdentity {
    /// The leaf certificate (self-signed in the suite).
    pub cert_der: Vec<u8>,
    /// Its PKCS#8 private key.
    pub key_der: Vec<u8>,
}

/// How the suite wants a server set up.
#[derive(Clone, Debug)]
pub struct ServerOpts {
    /// The core's server settings (limits, deadlines, paths, auth,
    /// connection cap, shutdown grace).
    pub config: ServerConfig,
    /// Bind this unix socket instead of TCP.
    pub unix_path: Option<PathBuf>,
    /// Serve TLS with this identity (TCP only).
    pub tls: Option<TlsIdentity>,
    /// Speak SCGI instead of HTTP (`bind_scgi` / `bind_scgi_unix`).
    pub scgi: bool,
}

impl Default for ServerOpts {
    fn default() -> Self {
        ServerOpts {
            config: ServerConfig {
                max_connections: Some(256),
                ..ServerConfig::default()
            },
            unix_path: None,
            tls: None,
            scgi: false,
        }
    }
}

/// How the suite wants a client set up; [`configure`] applies it to any
/// transport's builder.
#[derive(Clone, Default)]
pub struct ClientOpts {
    /// `ClientBuilder::timeout`.
    pub timeout: Option<Duration>,
    /// `ClientBuilder::header`, in order.
    pub headers: Vec<(String, String)>,
    /// `ClientBuilder::limits`.
    pub limits: Option<Limits>,
    /// `ClientBuilder::tls_root_certificate` (DER).
    pub tls_root: Option<Vec<u8>>,
    /// `ClientBuilder::root_certificates_pem`.
    pub tls_roots_pem: Option<Vec<u8>>,
    /// `ClientBuilder::client_certificate_pem` (certificate, key).
    pub client_certificate_pem: Option<(Vec<u8>, Vec<u8>)>,
    /// `ClientBuilder::cookie_jar`.
    pub cookie_jar: Option<Arc<CookieJar>>,
    /// `ClientBuilder::interceptor_arc`.
    pub interceptor: Option<Arc<dyn Interceptor>>,
    /// `ClientBuilder::proxy`.
    pub proxy: Option<String>,
    /// `ClientBuilder::no_proxy`.
    pub no_proxy: Option<String>,
}

impl std::fmt::Debug for ClientOpts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOpts")
            .field("timeout", &self.timeout)
            .field("headers", &self.headers)
            .field("tls_root", &self.tls_root.is_some())
            .field("tls_roots_pem", &self.tls_roots_pem.is_some())
            .field("client_certificate", &self.client_certificate_pem.is_some())
            .field("cookie_jar", &self.cookie_jar)
            .field("interceptor", &self.interceptor.is_some())
            .field("proxy", &self.proxy)
            .field("no_proxy", &self.no_proxy)
            .finish_non_exhaustive()
    }
}

/// Applies `opts` to a transport's builder (the core's one builder, so
/// every adapter configures its client the same way).
pub fn configure<T: FromClientConfig>(
    mut builder: ClientBuilder<T>,
    opts: &ClientOpts,
) -> ClientBuilder<T> {
    if let Some(timeout) = opts.timeout {
        builder = builder.timeout(timeout);
    }
    for (name, value) in &opts.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if let Some(limits) = opts.limits {
        builder = builder.limits(limits);
    }
    if let Some(root) = &opts.tls_root {
        builder = builder.tls_root_certificate(root.clone());
    }
    if let Some(pem) = &opts.tls_roots_pem {
        builder = builder.root_certificates_pem(pem.clone());
    }
    if let Some((cert, key)) = &opts.client_certificate_pem {
        builder = builder.client_certificate_pem(cert.clone(), key.clone());
    }
    if let Some(jar) = &opts.cookie_jar {
        builder = builder.cookie_jar(Arc::clone(jar));
    }
    if let Some(hook) = &opts.interceptor {
        builder = builder.interceptor_arc(Arc::clone(hook));
    }
    if let Some(proxy) = &opts.proxy {
        builder = builder.proxy(proxy);
    }
    if let Some(list) = &opts.no_proxy {
        builder = builder.no_proxy(list);
    }
    builder
}

/// A server running on a background thread. Dropping it shuts it down and
/// waits for it.
pub struct RunningServer {
    /// The URL clients use: `http://127.0.0.1:PORT/RPC2`,
    /// `https://localhost:PORT/RPC2` or `unix:///path`.
    pub url: String,
    /// `Server::local_addr`: `127.0.0.1:PORT` or the socket path.
    pub local_addr: String,
    shutdown: Option<Box<dyn FnOnce() + Send>>,
    join: Option<Box<dyn FnOnce() + Send>>,
}

impl RunningServer {
    /// Wraps a started server: `shutdown` asks it to stop (it must return at
    /// once), `join` waits until `serve` returned.
    pub fn new(
        url: String,
        local_addr: String,
        shutdown: Box<dyn FnOnce() + Send>,
        join: Box<dyn FnOnce() + Send>,
    ) -> Self {
        RunningServer {
            url,
            local_addr,
            shutdown: Some(shutdown),
            join: Some(join),
        }
    }

    /// Asks the server to stop without waiting.
    pub fn trigger_shutdown(&mut self) {
        if let Some(stop) = self.shutdown.take() {
            stop();
        }
    }

    /// Stops the server and waits until `serve` returned.
    pub fn stop(mut self) {
        self.stop_in_place();
    }

    fn stop_in_place(&mut self) {
        self.trigger_shutdown();
        if let Some(join) = self.join.take() {
            join();
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.stop_in_place();
    }
}

/// `http://127.0.0.1:PORT/RPC2` for a TCP `local_addr`.
pub fn http_url(local_addr: &str) -> String {
    format!("http://{local_addr}/RPC2")
}

/// The URL for a server started with `opts` whose `Server::local_addr` is
/// `local_addr` (`unix://`, `https://localhost:PORT`, `http://`,
/// `scgi+unix://` or `scgi://`).
pub fn url_for(opts: &ServerOpts, local_addr: &str) -> String {
    if opts.scgi && opts.unix_path.is_some() {
        format!("scgi+unix://{local_addr}")
    } else if opts.scgi {
        format!("scgi://{local_addr}/RPC2")
    } else if opts.unix_path.is_some() {
        format!("unix://{local_addr}")
    } else if opts.tls.is_some() {
        let port = local_addr.rsplit(':').next().unwrap_or("0");
        format!("https://localhost:{port}/RPC2")
    } else {
        http_url(local_addr)
    }
}

/// Binds any transport's server builder as `opts` says: TCP on
/// `127.0.0.1:0` or `opts.unix_path`, HTTP or (with `opts.scgi`) SCGI.
#[macro_export]
macro_rules! bind_for {
    ($builder:expr, $opts:expr) => {
        match (&$opts.unix_path, $opts.scgi) {
            (Some(path), false) => $builder.bind_unix(path),
            (None, false) => $builder.bind("127.0.0.1:0"),
            (Some(path), true) => $builder.bind_scgi_unix(path),
            (None, true) => $builder.bind_scgi("127.0.0.1:0"),
        }
    };
}
