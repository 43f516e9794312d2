//! [`Client`]: async XML-RPC calls over any [`Runtime`], pooled.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use futures_lite::io::{AsyncReadExt, AsyncWriteExt};
use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use xmlrpc_proto::client::{
    may_retry, multicall, CallPlan, ClientBuilder, ClientConfig, ClientError, FromClientConfig,
    Pool, Proxy, Route, TimeoutKind,
};
use xmlrpc_proto::http::{
    Address, ClientConnection, ClientEvent, Output, Scheme, TcpAddress, Tunnel,
};
use xmlrpc_proto::time::after;
use xmlrpc_proto::{Fault, MethodCall, MethodResponse, Value};

use crate::io::{read, send_failed, write_all, Alarm, READ_CHUNK};
use crate::runtime::until;
use crate::{BoxIo, Runtime};

/// An XML-RPC client on runtime `R`.
///
/// Cheap to clone; clones share one pool of idle keep-alive connections,
/// so concurrent calls each use their own connection and hand it back
/// after. Every setting, the pool rule and the one retry come from
/// `xmlrpc_proto::client`.
pub struct Client<R: Runtime> {
    inner: Arc<Inner<R>>,
}

struct Inner<R: Runtime> {
    config: Arc<ClientConfig>,
    /// The same, keeping the raw body (for `call_response` only).
    raw_config: Arc<ClientConfig>,
    /// Boxed: a connection moves in and out of the pool and through the
    /// call future on every call, as one pointer instead of ~350 bytes.
    pool: Pool<Box<Conn<R>>>,
    rt: R,
    #[cfg(feature = "tls")]
    tls: Option<crate::tls::ClientTls>,
}

/// A connection: the socket, the machine that speaks on it, and its timer.
struct Conn<R: Runtime> {
    io: BoxIo,
    machine: ClientConnection,
    buf: Box<[u8]>,
    alarm: Alarm<R>,
}

impl<R: Runtime> Clone for Client<R> {
    fn clone(&self) -> Self {
        Client {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<R: Runtime> std::fmt::Debug for Client<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl<R: Runtime> FromClientConfig for Client<R> {
    fn from_client_config(config: ClientConfig) -> Result<Self, ClientError> {
        #[cfg(not(unix))]
        if matches!(config.address, Address::Unix(_)) {
            return Err(xmlrpc_proto::client::ConfigError::Unsupported(
                "unix:// needs a unix platform".into(),
            )
            .into());
        }
        #[cfg(feature = "tls")]
        let tls = match config.address.scheme() {
            Scheme::Https => Some(crate::tls::ClientTls::new(&config)?),
            _ => None,
        };
        #[cfg(not(feature = "tls"))]
        if config.address.scheme() == Scheme::Https {
            return Err(xmlrpc_proto::client::ConfigError::Unsupported(
                "https:// needs the transport's `tls` feature".into(),
            )
            .into());
        }
        let mut raw_config = config.clone();
        raw_config.keep_raw_body = true;
        Ok(Client {
            inner: Arc::new(Inner {
                pool: Pool::new(&config),
                config: Arc::new(config),
                raw_config: Arc::new(raw_config),
                rt: R::default(),
                #[cfg(feature = "tls")]
                tls,
            }),
        })
    }
}

impl<R: Runtime> Client<R> {
    /// A client for `url` (`http://`, `https://` with the `tls` feature,
    /// `unix:///path.sock`, or SCGI: `scgi://host:port[/path]`,
    /// `scgi+unix:///path.sock`, one call per connection, never pooled) with
    /// default settings. Credentials in the URL
    /// (`http://user:pass@host/`) are sent as Basic auth.
    pub fn new(url: &str) -> Result<Self, ClientError> {
        Self::builder(url).build()
    }

    /// Starts configuring a client for `url`: the core's one builder.
    pub fn builder(url: &str) -> ClientBuilder<Self> {
        ClientBuilder::new(url)
    }

    /// Calls `method` with typed `params` (a tuple is the param list, `()`
    /// none, anything else one param) and maps the result into `T`. A fault
    /// is `Err(ClientError::Fault(..))`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
    ) -> Result<T, ClientError> {
        let params = xmlrpc_proto::serde::to_params(&params)?;
        let value = self.call_value(method, params).await?;
        Ok(xmlrpc_proto::serde::from_value(value)?)
    }

    /// Calls `method` with `params` as they are; a fault is an error.
    pub async fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, ClientError> {
        self.call_value_with_headers(method, params, HeaderMap::new())
            .await
    }

    /// As [`call`](Self::call), sending `headers` with this call only
    /// (each replaces the client's headers of that name; framing headers
    /// are ignored).
    pub async fn call_with_headers<T: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
        headers: HeaderMap,
    ) -> Result<T, ClientError> {
        let params = xmlrpc_proto::serde::to_params(&params)?;
        let value = self
            .call_value_with_headers(method, params, headers)
            .await?;
        Ok(xmlrpc_proto::serde::from_value(value)?)
    }

    /// As [`call_value`](Self::call_value), sending `headers` with this call
    /// only.
    pub async fn call_value_with_headers(
        &self,
        method: &str,
        params: Vec<Value>,
        headers: HeaderMap,
    ) -> Result<Value, ClientError> {
        let call = MethodCall::new(method, params);
        match self.execute(call, headers, false).await?.0 {
            MethodResponse::Success(value) => Ok(value),
            MethodResponse::Fault(fault) => Err(ClientError::Fault(fault)),
        }
    }

    /// Sends `call` and returns the whole response, fault or not, with its
    /// body as received (on a connection of its own, not pooled).
    pub async fn call_response(
        &self,
        call: &MethodCall,
    ) -> Result<(MethodResponse, Bytes), ClientError> {
        let (response, raw) = self.execute(call.clone(), HeaderMap::new(), true).await?;
        Ok((response, raw.unwrap_or_default()))
    }

    /// Sends `calls` as one `system.multicall`; each entry comes back as its
    /// value or its fault, in order. A fault of the multicall itself is an
    /// error.
    pub async fn multicall(
        &self,
        calls: Vec<MethodCall>,
    ) -> Result<Vec<Result<Value, Fault>>, ClientError> {
        let sent = calls.len();
        let call = multicall::pack(calls);
        let value = self.call_value(&call.method, call.params).await?;
        Ok(multicall::unpack(value, sent)?)
    }

    /// The address calls go to.
    pub fn address(&self) -> &Address {
        &self.inner.config.address
    }

    /// Idle keep-alive connections held now.
    pub fn idle_connections(&self) -> usize {
        self.inner.pool.len()
    }

    /// One call as the core's [`CallPlan`] runs it: the interceptor's
    /// rewrite before each attempt, one more attempt after a fault it asks
    /// to retry.
    async fn execute(
        &self,
        call: MethodCall,
        headers: HeaderMap,
        raw: bool,
    ) -> Result<(MethodResponse, Option<Bytes>), ClientError> {
        let mut plan = CallPlan::new(&self.inner.config, call, headers);
        loop {
            let (call, headers) = plan.request();
            let result = self.attempt(&call, &headers, raw).await;
            if let Some(result) = plan.finish(&call, result) {
                return result;
            }
        }
    }

    /// One attempt: on a pooled connection when there is one, else a fresh
    /// one; once more on a fresh one when the core says that is safe.
    async fn attempt(
        &self,
        call: &MethodCall,
        headers: &HeaderMap,
        raw: bool,
    ) -> Result<(MethodResponse, Option<Bytes>), ClientError> {
        let inner = &*self.inner;
        let config = if raw {
            &inner.raw_config
        } else {
            &inner.config
        };
        let mut pooled = if raw {
            None
        } else {
            inner.pool.take(Instant::now())
        };
        let mut attempts = 0;
        loop {
            attempts += 1;
            let conn = match pooled.take() {
                Some(conn) => conn,
                None => self.connect(config).await?,
            };
            let (result, reusable) = exchange(&inner.rt, conn, call, headers).await;
            match result {
                Err(e) if may_retry(&e, attempts) => {
                    tracing::debug!(method = %call.method, "stale keep-alive connection; retrying once");
                }
                result => {
                    if let (Some(conn), false) = (reusable, raw) {
                        inner.pool.put(conn, Instant::now());
                    }
                    return result;
                }
            }
        }
    }

    /// Opens a connection within the connect timeout (TLS handshake
    /// included).
    async fn connect(&self, config: &Arc<ClientConfig>) -> Result<Box<Conn<R>>, ClientError> {
        let inner = &*self.inner;
        let address = &config.address;
        let deadline = after(Instant::now(), config.connect_timeout);
        let route = config.route();
        let open = async {
            match (address, route) {
                (Address::Unix(unix), _) => inner.rt.connect_unix(unix.socket_path.as_ref()).await,
                (Address::Tcp(tcp), Route::Direct) => {
                    inner.rt.connect_tcp(&tcp.host, tcp.port).await
                }
                (Address::Tcp(_), Route::Forward(proxy) | Route::Tunnel(proxy)) => {
                    inner.rt.connect_tcp(&proxy.host, proxy.port).await
                }
            }
        };
        let mut io = until(&inner.rt, deadline, open)
            .await
            .ok_or(ClientError::Timeout(TimeoutKind::Connect))??;
        if let (Route::Tunnel(proxy), Address::Tcp(tcp)) = (route, address) {
            until(&inner.rt, deadline, tunnel(&mut io, proxy, tcp))
                .await
                .ok_or(ClientError::Timeout(TimeoutKind::Connect))??;
        }
        #[cfg(feature = "tls")]
        let io = match &inner.tls {
            Some(tls) => {
                let connector = futures_rustls::TlsConnector::from(Arc::clone(&tls.config));
                let handshake = connector.connect(tls.name.clone(), io);
                let stream = until(&inner.rt, deadline, handshake)
                    .await
                    .ok_or(ClientError::Timeout(TimeoutKind::TlsHandshake))??;
                Box::new(stream) as BoxIo
            }
            None => io,
        };
        Ok(Box::new(Conn {
            io,
            machine: ClientConnection::new(Arc::clone(config)),
            buf: vec![0u8; READ_CHUNK].into_boxed_slice(),
            alarm: Alarm::new(),
        }))
    }
}

/// Opens a `CONNECT` tunnel to `tcp` through `proxy` on `io` (the core's
/// [`Tunnel`] reads the answer).
async fn tunnel(io: &mut BoxIo, proxy: &Proxy, tcp: &TcpAddress) -> Result<(), ClientError> {
    let failed = |e| ClientError::from_io(e, TimeoutKind::Connect);
    io.write_all(&Tunnel::request(proxy, &tcp.host, tcp.port))
        .await
        .map_err(failed)?;
    io.flush().await.map_err(failed)?;
    let mut handshake = Tunnel::new();
    let mut buf = [0u8; 1024];
    loop {
        let n = io.read(&mut buf).await.map_err(failed)?;
        if n == 0 {
            return Err(handshake.eof());
        }
        if handshake.handle(&buf[..n])? {
            return Ok(());
        }
    }
}

type Exchanged<R> = (
    Result<(MethodResponse, Option<Bytes>), ClientError>,
    Option<Box<Conn<R>>>,
);

/// Sends `call` on `conn` and drives the machine to its response (the
/// drain rule); hands the connection back when it can carry another call.
async fn exchange<R: Runtime>(
    rt: &R,
    mut conn: Box<Conn<R>>,
    call: &MethodCall,
    headers: &HeaderMap,
) -> Exchanged<R> {
    if let Err(e) = conn
        .machine
        .send_call_with_headers(call, headers, Instant::now())
    {
        return (Err(e), None);
    }
    let mut response = None;
    let mut sending = Vec::new();
    loop {
        match conn.machine.poll_output() {
            Output::Transmit(bytes) => {
                sending.push(bytes);
                let deadline = conn.machine.write_deadline();
                if let Err(e) = write_all(rt, &mut conn.io, &mut sending, deadline).await {
                    sending.clear();
                    conn.machine.handle_input(send_failed(&e));
                }
            }
            Output::Event(ClientEvent::Response { result, raw_body }) => {
                response = Some(result.map(|r| (r, raw_body)));
            }
            Output::Wait {
                read: wants,
                deadline,
            } => {
                if let Some(result) = response {
                    let reusable = conn.machine.is_reusable();
                    return (result, reusable.then_some(conn));
                }
                let Conn {
                    io,
                    machine,
                    buf,
                    alarm,
                } = &mut *conn;
                match read(rt, io, buf, alarm, wants, deadline).await {
                    Ok(input) => machine.handle_input(input),
                    Err(e) => return (Err(ClientError::Io(e)), None),
                }
            }
            Output::Closed => {
                let result = response.unwrap_or(Err(ClientError::Closed { retryable: false }));
                return (result, None);
            }
        }
    }
}

/// What `#[xmlrpc_proto::rpc]`'s async stubs (`<Trait>AsyncClient<C>`) call
/// through: [`Client::call_value`].
impl<R: Runtime> xmlrpc_proto::client::CallAsync for Client<R> {
    type Error = ClientError;

    fn call_value(
        &self,
        method: &str,
        params: Vec<Value>,
    ) -> impl std::future::Future<Output = Result<Value, ClientError>> + Send {
        Client::call_value(self, method, params)
    }
}
