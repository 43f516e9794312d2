//! [`ClientConfig`]: every client setting as plain data, with its defaults
//! defined here once, and [`ClientBuilder`], the one builder every
//! transport's `Client::builder` returns.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use super::cookies::CookieJar;
use super::error::{ClientError, ConfigError};
use super::intercept::Interceptor;
use super::proxy::{NoProxy, Proxy, ProxyRules, Route};
use crate::decode::DecodeOptions;
use crate::http::redact::Headers;
use crate::http::Address;
use crate::Limits;

/// Everything a client needs to know, as plain data. Transports only read
/// it: the defaults, the timeouts, the pool size and the TLS trust are the
/// same on every transport because they are decided here.
///
/// `Debug` redacts the address's password and credential headers
/// (`Authorization`, `Proxy-Authorization`, `Cookie`).
#[derive(Clone)]
pub struct ClientConfig {
    /// Where calls go (host header, path, credentials).
    pub address: Address,
    /// Decoder limits for response bodies (`max_message_size` caps the body).
    pub limits: Limits,
    /// Leniencies for reading this server's responses (strict by default).
    pub decode_options: DecodeOptions,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Extra headers sent with every call.
    pub headers: HeaderMap,
    /// Gzip request bodies at least this large (`None`: never).
    pub gzip_threshold: Option<usize>,
    /// Deadline for opening a connection, TLS handshake included (30 s).
    pub connect_timeout: Duration,
    /// Deadline for writing one request (30 s); a server that stops reading
    /// cannot stall a call forever.
    pub write_timeout: Duration,
    /// Deadline from sending the request to the first response byte (30 s).
    pub first_byte_timeout: Duration,
    /// Deadline for the whole response once the request was sent (120 s).
    pub response_timeout: Duration,
    /// Keep the raw response body in [`ClientEvent::Response`](crate::http::ClientEvent::Response).
    pub keep_raw_body: bool,
    /// Most idle keep-alive connections kept for reuse (8); 0 turns reuse off.
    pub max_idle_connections: usize,
    /// An idle connection older than this is closed instead of reused (30 s):
    /// servers close idle connections after a while (ours after 75 s,
    /// nginx after 75 s, many after less), and a call sent on a connection
    /// the server is closing must be retried.
    pub idle_connection_timeout: Duration,
    /// DER certificates trusted for `https://` **besides** the standard
    /// (webpki) roots.
    pub tls_roots: Vec<Vec<u8>>,
    /// HTTP proxies and the hosts that bypass them (none by default; see
    /// [`ClientBuilder::proxy`] and [`ClientBuilder::proxy_from_env`]).
    pub proxy: ProxyRules,
    /// PEM bundles of certificates trusted for `https://` **besides** the
    /// standard roots (and [`tls_roots`](Self::tls_roots)).
    pub tls_root_pems: Vec<Pem>,
    /// The client certificate chain and its private key (PEM), for servers
    /// that ask for one (Koji, mutual TLS).
    pub tls_client_identity: Option<ClientIdentity>,
    /// The cookie store shared by this client's connections (`None`: no
    /// cookies are kept or sent).
    pub cookie_jar: Option<Arc<CookieJar>>,
    /// The hook that sees every outgoing call (see [`Interceptor`]).
    pub interceptor: Option<Arc<dyn Interceptor>>,
}

/// PEM text and where it came from, so an error can name it (a file path,
/// or a phrase such as `client certificate (PEM)`).
#[derive(Clone, PartialEq, Eq)]
pub struct Pem {
    /// The PEM text.
    pub bytes: Vec<u8>,
    /// Its origin, for error messages.
    pub origin: String,
}

impl Pem {
    /// PEM `bytes` from `origin`.
    pub fn new(bytes: impl Into<Vec<u8>>, origin: impl Into<String>) -> Self {
        Pem {
            bytes: bytes.into(),
            origin: origin.into(),
        }
    }
}

impl fmt::Debug for Pem {
    /// The origin and the length only: a key stays out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pem({}, {} bytes)", self.origin, self.bytes.len())
    }
}

/// A TLS client certificate chain (leaf first) and its private key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientIdentity {
    /// The certificate chain, PEM.
    pub certificate: Pem,
    /// The private key (PKCS#8, PKCS#1 or SEC1), PEM.
    pub key: Pem,
}

/// The defaults of [`ClientConfig`], in one place.
pub mod defaults {
    use std::time::Duration;

    /// [`ClientConfig::connect_timeout`](super::ClientConfig::connect_timeout).
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
    /// [`ClientConfig::write_timeout`](super::ClientConfig::write_timeout).
    pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
    /// [`ClientConfig::first_byte_timeout`](super::ClientConfig::first_byte_timeout).
    pub const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(30);
    /// [`ClientConfig::response_timeout`](super::ClientConfig::response_timeout).
    pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(120);
    /// [`ClientConfig::max_idle_connections`](super::ClientConfig::max_idle_connections).
    pub const MAX_IDLE_CONNECTIONS: usize = 8;
    /// [`ClientConfig::idle_connection_timeout`](super::ClientConfig::idle_connection_timeout).
    pub const IDLE_CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);
}

impl ClientConfig {
    /// Defaults for `address`: [`Limits::client`], no request gzip (not
    /// every server inflates requests), and the timeouts of [`defaults`].
    pub fn new(address: Address) -> Self {
        ClientConfig {
            address,
            limits: Limits::client(),
            decode_options: DecodeOptions::strict(),
            user_agent: concat!("xmlrpc-proto/", env!("CARGO_PKG_VERSION")).to_string(),
            headers: HeaderMap::new(),
            gzip_threshold: None,
            connect_timeout: defaults::CONNECT_TIMEOUT,
            write_timeout: defaults::WRITE_TIMEOUT,
            first_byte_timeout: defaults::FIRST_BYTE_TIMEOUT,
            response_timeout: defaults::RESPONSE_TIMEOUT,
            keep_raw_body: false,
            max_idle_connections: defaults::MAX_IDLE_CONNECTIONS,
            idle_connection_timeout: defaults::IDLE_CONNECTION_TIMEOUT,
            tls_roots: Vec::new(),
            proxy: ProxyRules::default(),
            tls_root_pems: Vec::new(),
            tls_client_identity: None,
            cookie_jar: None,
            interceptor: None,
        }
    }

    /// How a connection to this client's server goes: directly, through a
    /// forwarding proxy (`http://`), or a `CONNECT` tunnel (`https://`).
    pub fn route(&self) -> Route<'_> {
        self.proxy.route(&self.address)
    }

    /// Starts a builder for `url` that produces a plain [`ClientConfig`];
    /// transports start theirs with `Client::builder(url)`.
    pub fn builder(url: &str) -> ClientBuilder<ClientConfig> {
        ClientBuilder::new(url)
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("address", &self.address)
            .field("limits", &self.limits)
            .field("decode_options", &self.decode_options)
            .field("user_agent", &self.user_agent)
            .field("headers", &Headers(&self.headers))
            .field("gzip_threshold", &self.gzip_threshold)
            .field("connect_timeout", &self.connect_timeout)
            .field("write_timeout", &self.write_timeout)
            .field("first_byte_timeout", &self.first_byte_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("keep_raw_body", &self.keep_raw_body)
            .field("max_idle_connections", &self.max_idle_connections)
            .field("idle_connection_timeout", &self.idle_connection_timeout)
            .field("tls_roots", &self.tls_roots.len())
            .field("proxy", &self.proxy)
            .field("tls_root_pems", &self.tls_root_pems)
            .field("tls_client_identity", &self.tls_client_identity)
            .field("cookie_jar", &self.cookie_jar)
            .field("interceptor", &self.interceptor.is_some())
            .finish()
    }
}

/// What a [`ClientBuilder`] can build: a transport's client made from a
/// finished [`ClientConfig`].
pub trait FromClientConfig: Sized {
    /// Makes the client; refuses what this transport cannot do (an
    /// `https://` address without TLS support, say) with
    /// [`ClientError::Config`].
    fn from_client_config(config: ClientConfig) -> Result<Self, ClientError>;
}

impl FromClientConfig for ClientConfig {
    fn from_client_config(config: ClientConfig) -> Result<Self, ClientError> {
        Ok(config)
    }
}

/// The one client builder: every setting of [`ClientConfig`], checked once.
/// `T` is what [`build`](Self::build) makes (a transport's `Client`).
///
/// Mistakes (a bad URL, an invalid header) are kept and reported by
/// `build` as [`ClientError::Config`], so the setters chain.
///
/// ```
/// use std::time::Duration;
/// use xmlrpc_proto::client::ClientConfig;
///
/// let config = ClientConfig::builder("http://alice:pw@127.0.0.1:8000/RPC2")
///     .timeout(Duration::from_secs(5))
///     .header("X-Trace", "1")
///     .build()?;
/// assert_eq!(config.write_timeout, Duration::from_secs(5));
/// assert_eq!(config.address.credentials(), Some(("alice", "pw")));
/// # Ok::<(), xmlrpc_proto::client::ClientError>(())
/// ```
#[must_use = "a builder does nothing until built"]
pub struct ClientBuilder<T = ClientConfig> {
    config: Result<ClientConfig, ConfigError>,
    target: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ClientBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientBuilder").field(&self.config).finish()
    }
}

impl<T: FromClientConfig> ClientBuilder<T> {
    /// A builder for `url`: `http://[user:pass@]host[:port][/path]`,
    /// `https://...` or `unix:///path/to.sock` (default path `/RPC2`).
    pub fn new(url: &str) -> Self {
        ClientBuilder {
            config: Address::parse(url)
                .map(ClientConfig::new)
                .map_err(ConfigError::Address),
            target: PhantomData,
        }
    }

    fn with(mut self, change: impl FnOnce(&mut ClientConfig)) -> Self {
        if let Ok(config) = &mut self.config {
            change(config);
        }
        self
    }

    /// One bound for everything: connecting, writing, the first byte and
    /// the whole response.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.with(|c| {
            c.connect_timeout = timeout;
            c.write_timeout = timeout;
            c.first_byte_timeout = timeout;
            c.response_timeout = timeout;
        })
    }

    /// Deadline for opening a connection, TLS handshake included.
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        self.with(|c| c.connect_timeout = timeout)
    }

    /// Deadline for writing one request.
    pub fn write_timeout(self, timeout: Duration) -> Self {
        self.with(|c| c.write_timeout = timeout)
    }

    /// Deadline from sending a request to the first response byte.
    pub fn first_byte_timeout(self, timeout: Duration) -> Self {
        self.with(|c| c.first_byte_timeout = timeout)
    }

    /// Deadline for a whole response once the request was sent.
    pub fn response_timeout(self, timeout: Duration) -> Self {
        self.with(|c| c.response_timeout = timeout)
    }

    /// Adds a header sent with every call. An invalid name or value is
    /// reported by [`build`](Self::build) as [`ConfigError::Header`].
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let (name, value) = (name.as_ref(), value.as_ref());
        let parsed = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| e.to_string())
            .and_then(|n| {
                HeaderValue::from_str(value)
                    .map(|v| (n, v))
                    .map_err(|e| e.to_string())
            });
        match (parsed, &mut self.config) {
            (Ok((n, v)), Ok(config)) => {
                config.headers.append(n, v);
            }
            (Err(reason), Ok(_)) => {
                self.config = Err(ConfigError::Header {
                    name: name.to_owned(),
                    reason,
                })
            }
            (_, Err(_)) => {}
        }
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(self, agent: impl Into<String>) -> Self {
        let agent = agent.into();
        self.with(|c| c.user_agent = agent)
    }

    /// Decoder limits for responses (default [`Limits::client`]).
    pub fn limits(self, limits: Limits) -> Self {
        self.with(|c| c.limits = limits)
    }

    /// Leniencies for reading responses (default: strict).
    pub fn decode_options(self, options: DecodeOptions) -> Self {
        self.with(|c| c.decode_options = options)
    }

    /// Gzip request bodies at least `threshold` bytes long (only for
    /// servers known to inflate requests).
    pub fn gzip_requests(self, threshold: usize) -> Self {
        self.with(|c| c.gzip_threshold = Some(threshold))
    }

    /// Most idle keep-alive connections kept for reuse (default 8); 0 turns
    /// reuse off.
    pub fn max_idle_connections(self, max: usize) -> Self {
        self.with(|c| c.max_idle_connections = max)
    }

    /// Idle connections older than this are closed instead of reused
    /// (default 30 s).
    pub fn idle_connection_timeout(self, timeout: Duration) -> Self {
        self.with(|c| c.idle_connection_timeout = timeout)
    }

    /// Trusts this DER certificate for `https://`, besides the standard
    /// roots; may be given more than once.
    pub fn tls_root_certificate(self, der: impl Into<Vec<u8>>) -> Self {
        let der = der.into();
        self.with(|c| c.tls_roots.push(der))
    }

    /// Sends every call through the HTTP proxy at `url`
    /// (`http://[user:pass@]host[:port]`; see [`Proxy::parse`]): absolute-form
    /// requests for `http://` servers, a `CONNECT` tunnel for `https://`.
    /// Hosts named by [`no_proxy`](Self::no_proxy) still go direct.
    pub fn proxy(self, url: &str) -> Self {
        match Proxy::parse(url) {
            Ok(proxy) => self.with(|c| {
                let no_proxy = std::mem::take(&mut c.proxy.no_proxy);
                c.proxy = ProxyRules::all(proxy);
                c.proxy.no_proxy = no_proxy;
            }),
            Err(e) => self.config_error(e),
        }
    }

    /// Hosts reached without the proxy, as curl's `NO_PROXY` or
    /// `--noproxy` list (see [`NoProxy`]); replaces the environment's.
    pub fn no_proxy(self, list: &str) -> Self {
        self.with(|c| c.proxy.no_proxy = NoProxy::parse(list))
    }

    /// Takes the proxies from the environment as curl does (`http_proxy`,
    /// `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, lowercase too; see
    /// [`ProxyRules::from_env_with`]). Off unless asked for: a library
    /// should not change where it connects because of its process's
    /// environment without its user saying so.
    pub fn proxy_from_env(self) -> Self {
        self.proxy_from_env_with(|name| std::env::var(name).ok())
    }

    /// As [`proxy_from_env`](Self::proxy_from_env), reading variables with
    /// `var` (for tests, or an environment of your own).
    pub fn proxy_from_env_with(self, var: impl Fn(&str) -> Option<String>) -> Self {
        match ProxyRules::from_env_with(var) {
            Ok(rules) => self.with(|c| c.proxy = rules),
            Err(e) => self.config_error(e),
        }
    }

    /// Trusts the certificates of this PEM bundle for `https://`, besides
    /// the standard roots; may be given more than once. Unparsable PEM is
    /// reported when the client is built, as [`ConfigError::Tls`].
    pub fn root_certificates_pem(self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates(Pem::new(pem, "root certificates (PEM)"))
    }

    /// As [`root_certificates_pem`](Self::root_certificates_pem), with the
    /// origin errors name (the transports' file helpers pass the path).
    pub fn root_certificates(self, pem: Pem) -> Self {
        self.with(|c| c.tls_root_pems.push(pem))
    }

    /// Presents this client certificate chain (PEM, leaf first) and private
    /// key (PEM) to servers that ask for one. Unusable ones are reported
    /// when the client is built, as [`ConfigError::Tls`].
    pub fn client_certificate_pem(
        self,
        certificate: impl Into<Vec<u8>>,
        key: impl Into<Vec<u8>>,
    ) -> Self {
        self.client_certificate(ClientIdentity {
            certificate: Pem::new(certificate, "client certificate (PEM)"),
            key: Pem::new(key, "client key (PEM)"),
        })
    }

    /// As [`client_certificate_pem`](Self::client_certificate_pem), with
    /// the origins errors name.
    pub fn client_certificate(self, identity: ClientIdentity) -> Self {
        self.with(|c| c.tls_client_identity = Some(identity))
    }

    /// Keeps cookies in `jar`: `Set-Cookie` answers are stored, and matching
    /// cookies sent with every call (RFC 6265 rules, by `cookie_store`).
    /// Share one `Arc` to save the jar later or to share it between clients.
    pub fn cookie_jar(self, jar: Arc<CookieJar>) -> Self {
        self.with(|c| c.cookie_jar = Some(jar))
    }

    /// Keeps cookies in a fresh jar of this client's own.
    pub fn cookies(self) -> Self {
        self.cookie_jar(Arc::new(CookieJar::new()))
    }

    /// Runs `hook` on every call: it may rewrite the method, params and
    /// headers, and ask for one retry after a fault (see [`Interceptor`]).
    pub fn interceptor(self, hook: impl Interceptor + 'static) -> Self {
        self.interceptor_arc(Arc::new(hook))
    }

    /// As [`interceptor`](Self::interceptor), for a hook the caller keeps
    /// a handle on.
    pub fn interceptor_arc(self, hook: Arc<dyn Interceptor>) -> Self {
        self.with(|c| c.interceptor = Some(hook))
    }

    /// Records a mistake found outside the builder (a certificate file that
    /// cannot be read, say); [`build`](Self::build) reports the first one.
    pub fn config_error(mut self, error: ConfigError) -> Self {
        if self.config.is_ok() {
            self.config = Err(error);
        }
        self
    }

    /// Any other change to the configuration.
    pub fn configure(self, change: impl FnOnce(&mut ClientConfig)) -> Self {
        self.with(change)
    }

    /// Checks the settings and makes the client.
    pub fn build(self) -> Result<T, ClientError> {
        T::from_client_config(self.config?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mistakes_are_configuration_errors_not_io() {
        let bad_url = ClientConfig::builder("ftp://x/").build();
        assert!(matches!(
            bad_url,
            Err(ClientError::Config(ConfigError::Address(_)))
        ));
        let bad_header = ClientConfig::builder("http://x/")
            .header("bad header", "v")
            .timeout(Duration::from_secs(1))
            .build();
        match bad_header {
            Err(ClientError::Config(ConfigError::Header { name, .. })) => {
                assert_eq!(name, "bad header")
            }
            other => panic!("{other:?}"),
        }
        let bad_value = ClientConfig::builder("http://x/")
            .header("X-Ok", "line\nbreak")
            .build();
        assert!(matches!(
            bad_value,
            Err(ClientError::Config(ConfigError::Header { .. }))
        ));
    }

    #[test]
    fn defaults_and_settings() {
        let config = ClientConfig::builder("http://x/").build().expect("config");
        assert_eq!(config.connect_timeout, defaults::CONNECT_TIMEOUT);
        assert_eq!(config.write_timeout, defaults::WRITE_TIMEOUT);
        assert_eq!(config.max_idle_connections, 8);
        let config = ClientConfig::builder("http://x/")
            .timeout(Duration::from_secs(2))
            .first_byte_timeout(Duration::from_secs(1))
            .max_idle_connections(0)
            .tls_root_certificate(vec![1, 2])
            .user_agent("probe")
            .build()
            .expect("config");
        assert_eq!(config.connect_timeout, Duration::from_secs(2));
        assert_eq!(config.first_byte_timeout, Duration::from_secs(1));
        assert_eq!(config.response_timeout, Duration::from_secs(2));
        assert_eq!(config.max_idle_connections, 0);
        assert_eq!(config.tls_roots, vec![vec![1, 2]]);
        assert_eq!(config.user_agent, "probe");
    }

    #[test]
    fn debug_hides_credentials() {
        let config = ClientConfig::builder("http://alice:s3cret@x/")
            .header("Authorization", "Basic c2VjcmV0")
            .build()
            .expect("config");
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("c2VjcmV0"),
            "{shown}"
        );
    }
}
