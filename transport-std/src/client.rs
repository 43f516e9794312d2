//! [`Client`]: connect, then one drain loop per call around the core's
//! `ClientConnection`; the pool, the retry rule and the errors are the core's.

use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use xmlrpc_proto::client::{
    may_retry, multicall, CallPlan, ClientConfig, ConfigError, FromClientConfig, Pool, Proxy,
    Route, TimeoutKind,
};
use xmlrpc_proto::http::{
    Address, ClientConnection, ClientEvent, Input, Output, Scheme, SendFailure, TcpAddress, Tunnel,
};
use xmlrpc_proto::serde::{from_value, to_params};
use xmlrpc_proto::time::after;
use xmlrpc_proto::{Fault, MethodCall, MethodResponse, Value};

use crate::stream::{Io, Socket};
use crate::Error;

/// A blocking XML-RPC client for `http://`, `https://` (feature `tls`) and
/// `unix://` URLs. `Send + Sync`: threads may share one client; each call
/// takes an idle keep-alive connection or opens one.
pub struct Client {
    config: Arc<ClientConfig>,
    /// The same, keeping raw bodies: [`Client::call_response`]'s connections.
    raw_config: Arc<ClientConfig>,
    pool: Pool<Conn>,
    #[cfg(feature = "tls")]
    tls: Option<transport_driver::tls::ClientTls>,
}

/// [`Client::builder`]'s type: the core's one builder, making a [`Client`].
pub type ClientBuilder = xmlrpc_proto::client::ClientBuilder<Client>;

/// One open connection and the machine that speaks HTTP on it.
struct Conn {
    socket: Socket,
    machine: ClientConnection,
}

impl FromClientConfig for Client {
    /// Refuses `https://` without the `tls` feature
    /// ([`ConfigError::Unsupported`]) and unusable TLS roots.
    fn from_client_config(config: ClientConfig) -> Result<Client, Error> {
        let https = config.address.scheme() == Scheme::Https;
        #[cfg(not(unix))]
        if matches!(config.address, Address::Unix(_)) {
            let why = "unix:// sockets need a unix platform";
            return Err(ConfigError::Unsupported(why.into()).into());
        }
        #[cfg(not(feature = "tls"))]
        if https {
            let why = "https:// needs transport-std's `tls` feature";
            return Err(ConfigError::Unsupported(why.into()).into());
        }
        Ok(Client {
            #[cfg(feature = "tls")]
            tls: https
                .then(|| transport_driver::tls::ClientTls::new(&config))
                .transpose()?,
            pool: Pool::new(&config),
            raw_config: Arc::new(ClientConfig {
                keep_raw_body: true,
                ..config.clone()
            }),
            config: Arc::new(config),
        })
    }
}

impl Client {
    /// A client with default settings for `url`.
    pub fn new(url: &str) -> Result<Client, Error> {
        Client::builder(url).build()
    }

    /// A builder for `url` (`http://user:pass@host:port/path`, `https://...`,
    /// `unix:///path/to.sock`, or SCGI: `scgi://host:port[/path]`,
    /// `scgi+unix:///path/to.sock`, one call per connection, never pooled);
    /// a bad URL or header is reported by `build`
    /// as [`Error::Config`].
    pub fn builder(url: &str) -> ClientBuilder {
        ClientBuilder::new(url)
    }

    /// Calls `method` with typed params (a tuple is the param list, `()` is
    /// none) and maps the result to `R`. A fault is `Err(Error::Fault)`.
    pub fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
    ) -> Result<R, Error> {
        let value = self.call_value(method, to_params(&params)?)?;
        Ok(from_value(value)?)
    }

    /// Calls `method` with `params` as values. A fault is `Err(Error::Fault)`.
    pub fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, Error> {
        self.call_value_with_headers(method, params, HeaderMap::new())
    }

    /// As [`call`](Self::call), sending `headers` with this call only
    /// (each replaces the client's headers of that name; framing headers
    /// are ignored).
    pub fn call_with_headers<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
        headers: HeaderMap,
    ) -> Result<R, Error> {
        let value = self.call_value_with_headers(method, to_params(&params)?, headers)?;
        Ok(from_value(value)?)
    }

    /// As [`call_value`](Self::call_value), sending `headers` with this call
    /// only.
    pub fn call_value_with_headers(
        &self,
        method: &str,
        params: Vec<Value>,
        headers: HeaderMap,
    ) -> Result<Value, Error> {
        match self
            .execute(MethodCall::new(method, params), headers, false)?
            .0
        {
            MethodResponse::Success(value) => Ok(value),
            MethodResponse::Fault(fault) => Err(Error::Fault(fault)),
        }
    }

    /// Sends `call` and returns the response (a fault is `Ok` here) with the
    /// raw response body. Runs on a connection of its own, closed
    /// afterwards: keeping the body is a setting of the connection.
    pub fn call_response(&self, call: &MethodCall) -> Result<(MethodResponse, Bytes), Error> {
        let (response, raw) = self.execute(call.clone(), HeaderMap::new(), true)?;
        Ok((response, raw.unwrap_or_default()))
    }

    /// Sends `calls` in one `system.multicall`; each entry is its result or
    /// its own fault, in order.
    pub fn multicall(&self, calls: Vec<MethodCall>) -> Result<Vec<Result<Value, Fault>>, Error> {
        let count = calls.len();
        let call = multicall::pack(calls);
        let result = self.call_value(&call.method, call.params)?;
        Ok(multicall::unpack(result, count)?)
    }

    /// The parsed server address the client calls.
    pub fn address(&self) -> &Address {
        &self.config.address
    }

    /// Idle keep-alive connections held right now (for tests and metrics).
    pub fn idle_connections(&self) -> usize {
        self.pool.len()
    }

    /// One call as the core's [`CallPlan`] runs it: the interceptor's
    /// rewrite before each attempt, one more attempt after a fault it asks
    /// to retry.
    fn execute(
        &self,
        call: MethodCall,
        headers: HeaderMap,
        raw: bool,
    ) -> Result<(MethodResponse, Option<Bytes>), Error> {
        let mut plan = CallPlan::new(&self.config, call, headers);
        loop {
            let (call, headers) = plan.request();
            let result = self.exchange(&call, &headers, raw);
            if let Some(result) = plan.finish(&call, result) {
                return result;
            }
        }
    }

    /// One attempt on an idle connection when the pool has one, sent once
    /// more on a fresh connection when the core's [`may_retry`] allows.
    fn exchange(
        &self,
        call: &MethodCall,
        headers: &HeaderMap,
        raw: bool,
    ) -> Result<(MethodResponse, Option<Bytes>), Error> {
        let config = if raw { &self.raw_config } else { &self.config };
        let pooled = (!raw).then(|| self.pool.take(Instant::now())).flatten();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => self.connect(config)?,
        };
        let mut attempts = 1;
        loop {
            match conn.drive(call, headers) {
                Err(e) if may_retry(&e, attempts) => {
                    tracing::debug!(method = %call.method, "stale keep-alive connection, sending again");
                    attempts += 1;
                    conn = self.connect(config)?;
                }
                outcome => {
                    if !raw && conn.machine.is_reusable() {
                        self.pool.put(conn, Instant::now());
                    }
                    return outcome;
                }
            }
        }
    }

    /// Opens a connection, TLS handshake included, within `connect_timeout`.
    fn connect(&self, config: &Arc<ClientConfig>) -> Result<Conn, Error> {
        let address = &config.address;
        let deadline = after(Instant::now(), config.connect_timeout);
        let io: Box<dyn Io> = match address {
            #[cfg(unix)]
            Address::Unix(unix) => Box::new(
                std::os::unix::net::UnixStream::connect(&unix.socket_path)
                    .map_err(|e| Error::from_io(e, TimeoutKind::Connect))?,
            ),
            // Refused when the client was built.
            #[cfg(not(unix))]
            Address::Unix(_) => {
                return Err(std::io::Error::from(std::io::ErrorKind::Unsupported).into())
            }
            Address::Tcp(tcp) => match config.route() {
                Route::Direct => Box::new(connect_tcp(&tcp.host, tcp.port, deadline)?),
                Route::Forward(proxy) => Box::new(connect_tcp(&proxy.host, proxy.port, deadline)?),
                Route::Tunnel(proxy) => {
                    let mut io = connect_tcp(&proxy.host, proxy.port, deadline)?;
                    tunnel(&mut io, proxy, tcp, deadline)?;
                    Box::new(io)
                }
            },
        };
        #[cfg(feature = "tls")]
        if let Some(tls) = &self.tls {
            let session = rustls::ClientConnection::new(Arc::clone(&tls.config), tls.name.clone())
                .map_err(|e| ConfigError::Tls(e.to_string()))?;
            let mut socket = Socket::new(Box::new(rustls::StreamOwned::new(session, io)));
            // Handshake now, so a bad certificate fails the connect.
            socket
                .handshake(deadline)
                .map_err(|e| Error::from_io(e, TimeoutKind::TlsHandshake))?;
            return Ok(Conn::new(socket, config));
        }
        Ok(Conn::new(Socket::new(io), config))
    }
}

/// Opens a `CONNECT` tunnel to `tcp` through `proxy` on `io` by
/// `deadline` (the core's [`Tunnel`] reads the answer).
fn tunnel(
    io: &mut TcpStream,
    proxy: &Proxy,
    tcp: &TcpAddress,
    deadline: Instant,
) -> Result<(), Error> {
    use std::io::{Read, Write};
    let failed = |e| Error::from_io(e, TimeoutKind::Connect);
    let left = || {
        let left = deadline.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left).ok_or_else(|| {
            Error::from_io(std::io::ErrorKind::TimedOut.into(), TimeoutKind::Connect)
        })
    };
    io.set_write_timeout(Some(left()?)).map_err(failed)?;
    io.write_all(&Tunnel::request(proxy, &tcp.host, tcp.port))
        .map_err(failed)?;
    let mut handshake = Tunnel::new();
    let mut buf = [0u8; 1024];
    loop {
        io.set_read_timeout(Some(left()?)).map_err(failed)?;
        let n = io.read(&mut buf).map_err(failed)?;
        if n == 0 {
            return Err(handshake.eof());
        }
        if handshake.handle(&buf[..n])? {
            io.set_read_timeout(None).map_err(failed)?;
            io.set_write_timeout(None).map_err(failed)?;
            return Ok(());
        }
    }
}

/// Connects to the first of `host`'s addresses that answers by `deadline`.
fn connect_tcp(host: &str, port: u16, deadline: Instant) -> Result<TcpStream, Error> {
    let mut last = std::io::Error::new(
        std::io::ErrorKind::NotFound,
        format!("{host} resolves to no address"),
    );
    for addr in (host, port).to_socket_addrs()? {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            last = std::io::ErrorKind::TimedOut.into();
            break;
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(tcp) => {
                // Requests are written whole: do not wait for ACKs.
                let _ = tcp.set_nodelay(true);
                return Ok(tcp);
            }
            Err(e) => last = e,
        }
    }
    Err(Error::from_io(last, TimeoutKind::Connect))
}

impl Conn {
    fn new(socket: Socket, config: &Arc<ClientConfig>) -> Conn {
        let machine = ClientConnection::new(Arc::clone(config));
        Conn { socket, machine }
    }

    /// The drain loop for one call: write what the machine hands out, read
    /// until its deadline, feed it what happened, until it reports.
    fn drive(
        &mut self,
        call: &MethodCall,
        headers: &HeaderMap,
    ) -> Result<(MethodResponse, Option<Bytes>), Error> {
        self.machine
            .send_call_with_headers(call, headers, Instant::now())?;
        let mut outcome = None;
        loop {
            match self.machine.poll_output() {
                Output::Transmit(bytes) => {
                    let deadline = self.machine.write_deadline();
                    if let Err(e) = self.socket.send(&bytes, deadline) {
                        let failure = SendFailure::of(&e);
                        self.machine
                            .handle_input(Input::SendFailed(Instant::now(), failure));
                    }
                }
                Output::Event(ClientEvent::Response { result, raw_body }) => {
                    outcome = Some(result.map(|response| (response, raw_body)));
                }
                Output::Wait {
                    read: true,
                    deadline,
                } if outcome.is_none() => {
                    let input = self.socket.receive(deadline)?;
                    self.machine.handle_input(input);
                }
                // The machine is done with this call (or, with nothing to
                // wait for, can never be): report.
                Output::Wait { .. } | Output::Closed => {
                    return outcome.unwrap_or(Err(Error::Closed { retryable: false }));
                }
            }
        }
    }
}

impl std::fmt::Debug for Client {
    /// Shows where the client calls; `Address`'s `Debug` hides the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("address", &self.config.address)
            .field("idle_connections", &self.pool.len())
            .finish_non_exhaustive()
    }
}

/// What `#[xmlrpc_proto::rpc]`'s blocking stubs (`<Trait>Client<C>`) call
/// through: [`Client::call_value`].
impl xmlrpc_proto::client::CallBlocking for Client {
    type Error = Error;

    fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, Error> {
        Client::call_value(self, method, params)
    }
}
