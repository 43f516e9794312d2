//! [`Client`]: async XML-RPC calls with a small shared keep-alive pool.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use xmlrpc_proto::http::{Address, CallError, ClientConfig, ClientConnection};
use xmlrpc_proto::multicall;
use xmlrpc_proto::{Fault, Limits, MethodCall, MethodResponse, Value};

use crate::connect::Connector;
use crate::exchange::{Conn, Exchange};
use crate::Error;

/// Default bound on connecting, writing and waiting for a response.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default number of idle keep-alive connections kept for reuse.
const DEFAULT_POOL_SIZE: usize = 8;

/// An XML-RPC client on tokio.
///
/// Cheap to clone; clones share one pool of idle keep-alive connections, so
/// concurrent calls each use their own connection and hand it back after.
/// A call on a pooled connection that the server closed while idle is sent
/// once more on a fresh connection (only when the core says that is safe).
///
/// ```no_run
/// # async fn demo() -> Result<(), transport_tokio::Error> {
/// let client = transport_tokio::Client::new("http://127.0.0.1:8000/RPC2")?;
/// let n: i64 = client.call("factorial", (10,)).await?;
/// # let _ = n; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    /// Index 0: plain calls; index 1: `call_raw`, whose connections keep
    /// the raw body (a second copy nobody else should pay for).
    configs: [Arc<ClientConfig>; 2],
    connector: Connector,
    timeout: Duration,
    /// Idle connections, per config.
    pools: [Mutex<Vec<Conn>>; 2],
    pool_size: usize,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("address", &self.inner.configs[0].address)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`Client`]; see [`Client::builder`].
pub struct ClientBuilder {
    url: String,
    timeout: Option<Duration>,
    headers: Vec<(String, String)>,
    limits: Option<Limits>,
    tls_roots: Vec<Vec<u8>>,
    pool_size: usize,
    user_agent: Option<String>,
}

impl Client {
    /// A client for `url` (`http://`, `https://` with the `tls` feature, or
    /// `unix:///path.sock`) with default settings. Credentials in the URL
    /// (`http://user:pass@host/`) are sent as Basic auth.
    pub fn new(url: &str) -> Result<Client, Error> {
        Client::builder(url).build()
    }

    /// Starts configuring a client for `url`.
    pub fn builder(url: &str) -> ClientBuilder {
        ClientBuilder {
            url: url.to_owned(),
            timeout: None,
            headers: Vec::new(),
            limits: None,
            tls_roots: Vec::new(),
            pool_size: DEFAULT_POOL_SIZE,
            user_agent: None,
        }
    }

    /// Calls `method` with typed `params` (a tuple is the param list, `()`
    /// none, anything else one param) and maps the result into `R`.
    /// A fault comes back as `Err(Error::Fault(..))`.
    pub async fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
    ) -> Result<R, Error> {
        let params = xmlrpc_proto::serde::to_params(&params)?;
        let value = self.call_value(method, params).await?;
        Ok(xmlrpc_proto::serde::from_value(value)?)
    }

    /// Calls `method` with `params` as they are; a fault is an error.
    pub async fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, Error> {
        let call = MethodCall::new(method, params);
        match self.execute(&call, false).await?.0 {
            MethodResponse::Success(value) => Ok(value),
            MethodResponse::Fault(fault) => Err(Error::Fault(fault)),
        }
    }

    /// Sends `call` and returns the response, fault or not, with the raw
    /// response body (for showing the XML as received).
    pub async fn call_raw(&self, call: &MethodCall) -> Result<(MethodResponse, Bytes), Error> {
        let (response, raw) = self.execute(call, true).await?;
        Ok((response, raw.unwrap_or_default()))
    }

    /// Sends `calls` as one `system.multicall`; each entry comes back as its
    /// value or its fault. A fault of the multicall itself is an error.
    pub async fn multicall(
        &self,
        calls: Vec<MethodCall>,
    ) -> Result<Vec<Result<Value, Fault>>, Error> {
        let expected = calls.len();
        let call = multicall::pack(calls);
        match self.execute(&call, false).await?.0 {
            MethodResponse::Success(value) => Ok(multicall::unpack(value, expected)?),
            MethodResponse::Fault(fault) => Err(Error::Fault(fault)),
        }
    }

    /// The address calls go to.
    pub fn address(&self) -> &Address {
        &self.inner.configs[0].address
    }

    /// Runs one call: on a pooled connection if there is one (retrying once
    /// on a fresh one when the core calls the failure retryable), else on a
    /// fresh connection.
    async fn execute(
        &self,
        call: &MethodCall,
        raw: bool,
    ) -> Result<(MethodResponse, Option<Bytes>), Error> {
        let kind = usize::from(raw);
        if let Some(conn) = self.take_idle(kind) {
            match self.run(conn, call, kind).await {
                Err(Error::Call(CallError::Closed { retryable: true })) => {
                    tracing::debug!(method = %call.method, "pooled connection was closed; retrying on a fresh one");
                }
                other => return other,
            }
        }
        let stream = self.inner.connector.connect().await?;
        let machine = ClientConnection::new(self.inner.configs[kind].clone());
        let conn = Conn::new(stream, machine);
        self.run(conn, call, kind).await
    }

    async fn run(
        &self,
        conn: Conn,
        call: &MethodCall,
        kind: usize,
    ) -> Result<(MethodResponse, Option<Bytes>), Error> {
        let Exchange { result, reusable } = conn.exchange(call, self.inner.timeout).await;
        if let Some(conn) = reusable {
            self.give_back(conn, kind);
        }
        result
    }

    fn take_idle(&self, kind: usize) -> Option<Conn> {
        self.inner.pools[kind].lock().ok()?.pop()
    }

    fn give_back(&self, conn: Conn, kind: usize) {
        if let Ok(mut pool) = self.inner.pools[kind].lock() {
            if pool.len() < self.inner.pool_size {
                pool.push(conn);
            }
        }
    }
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
            .field("pool_size", &self.pool_size)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Bounds connecting, each write, the wait for the first response byte
    /// and the whole response. Unset: 30 s for connecting and writes, and
    /// the core's `ClientConfig` defaults (30 s first byte, 120 s response).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Adds a header sent with every call. An invalid name or value is
    /// reported by [`build`](Self::build).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Limits for decoding responses (default [`Limits::client`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Trusts this DER certificate for `https://` (instead of the webpki
    /// roots); may be given more than once.
    #[cfg(feature = "tls")]
    pub fn tls_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.tls_roots.push(der.into());
        self
    }

    /// Most idle keep-alive connections kept for reuse (default 8); 0 turns
    /// reuse off.
    pub fn max_idle_connections(mut self, size: usize) -> Self {
        self.pool_size = size;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// Parses the URL and checks the settings.
    pub fn build(self) -> Result<Client, Error> {
        let address = Address::parse(&self.url)?;
        let mut config = ClientConfig::new(address.clone());
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if let Some(t) = self.timeout {
            config.first_byte_timeout = t;
            config.response_timeout = t;
        }
        if let Some(limits) = self.limits {
            config.limits = limits;
        }
        if let Some(agent) = self.user_agent {
            config.user_agent = agent;
        }
        for (name, value) in &self.headers {
            let name = http::HeaderName::try_from(name.as_str())
                .map_err(|e| bad_header(name, e.to_string()))?;
            let value = http::HeaderValue::try_from(value.as_str())
                .map_err(|e| bad_header(name.as_str(), e.to_string()))?;
            config.headers.append(name, value);
        }
        let mut raw_config = config.clone();
        raw_config.keep_raw_body = true;
        let connector = Connector::new(address, timeout, self.tls_roots)?;
        Ok(Client {
            inner: Arc::new(Inner {
                configs: [Arc::new(config), Arc::new(raw_config)],
                connector,
                timeout,
                pools: [Mutex::new(Vec::new()), Mutex::new(Vec::new())],
                pool_size: self.pool_size,
            }),
        })
    }
}

fn bad_header(name: &str, why: String) -> Error {
    Error::Io(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("header {name:?}: {why}"),
    ))
}
