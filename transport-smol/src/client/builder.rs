//! [`ClientBuilder`]: URL, timeout, headers, limits and TLS roots.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use xmlrpc_proto::http::{Address, ClientConfig, ClientError};
use xmlrpc_proto::Limits;

use super::conn::Dialer;
use super::{Client, Shared};

/// Connect timeout when [`ClientBuilder::timeout`] is not set.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Idle connections kept for reuse when not set otherwise.
pub const DEFAULT_MAX_IDLE: usize = 8;

/// Configures a [`Client`]; finish with [`build`](Self::build).
pub struct ClientBuilder {
    url: String,
    timeout: Option<Duration>,
    headers: Vec<(String, String)>,
    limits: Option<Limits>,
    max_idle: usize,
    #[cfg(feature = "tls")]
    roots: Vec<Vec<u8>>,
}

impl std::fmt::Debug for ClientBuilder {
    /// The parsed address (password redacted; `None` if the URL does not
    /// parse) and header names only: values may be credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("ClientBuilder")
            .field("address", &Address::parse(&self.url).ok())
            .field("timeout", &self.timeout)
            .field("header_names", &header_names)
            .field("max_idle", &self.max_idle)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    pub(crate) fn new(url: &str) -> Self {
        ClientBuilder {
            url: url.to_string(),
            timeout: None,
            headers: Vec::new(),
            limits: None,
            max_idle: DEFAULT_MAX_IDLE,
            #[cfg(feature = "tls")]
            roots: Vec::new(),
        }
    }

    /// One limit for connecting, writing the request, the first response
    /// byte and the whole response (defaults: the core's `ClientConfig`,
    /// 30 s to connect).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Adds a header sent with every call. An invalid name or value makes
    /// [`build`](Self::build) fail.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Decoder limits for responses (default `Limits::client()`).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Most idle connections kept for reuse (default 8); concurrent calls
    /// beyond that open extra connections that close after their call.
    pub fn max_idle_connections(mut self, max: usize) -> Self {
        self.max_idle = max;
        self
    }

    /// Trusts this DER certificate (say, a test's self-signed one) in
    /// addition to the webpki roots.
    #[cfg(feature = "tls")]
    pub fn tls_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.roots.push(der.into());
        self
    }

    /// Parses the URL and builds the client; no connection is made yet.
    pub fn build(self) -> Result<Client, ClientError> {
        let address = Address::parse(&self.url)?;
        #[cfg(not(feature = "tls"))]
        if address.scheme == xmlrpc_proto::http::Scheme::Https {
            return Err(super::no_tls());
        }
        #[cfg(feature = "tls")]
        let scheme = address.scheme;
        let mut config = ClientConfig::new(address);
        if let Some(limits) = self.limits {
            config.limits = limits;
        }
        if let Some(timeout) = self.timeout {
            config.first_byte_timeout = timeout;
            config.response_timeout = timeout;
        }
        for (name, value) in &self.headers {
            let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(invalid_header)?;
            let value = http::HeaderValue::from_str(value).map_err(invalid_header)?;
            config.headers.append(name, value);
        }
        let mut raw_config = config.clone();
        // Kept so `call_raw` can hand back the body (`xrpc call --xml`).
        raw_config.keep_raw_body = true;
        let write_timeout = self.timeout.unwrap_or(config.response_timeout);
        let dialer = Dialer {
            config: Arc::new(config),
            raw_config: Arc::new(raw_config),
            connect_timeout: self.timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            write_timeout,
            #[cfg(feature = "tls")]
            tls: match scheme {
                xmlrpc_proto::http::Scheme::Https => Some(crate::tls::client_config(&self.roots)?),
                _ => None,
            },
        };
        Ok(Client {
            shared: Arc::new(Shared {
                dialer,
                idle: Default::default(),
                max_idle: self.max_idle,
            }),
        })
    }
}

fn invalid_header(e: impl std::error::Error + Send + Sync + 'static) -> ClientError {
    ClientError::Io(io::Error::new(io::ErrorKind::InvalidInput, e))
}
