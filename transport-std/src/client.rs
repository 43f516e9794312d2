//! [`Client`]: blocking calls, keep-alive reuse and one retry on a stale
//! connection.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use xmlrpc_proto::http::{
    Address, AddressError, CallError, ClientConfig, ClientConnection, ClientEvent, Input, Output,
    Scheme,
};
use xmlrpc_proto::multicall;
use xmlrpc_proto::serde::{from_value, to_params};
use xmlrpc_proto::{Fault, Limits, MethodCall, MethodResponse, Value};

use crate::stream::{is_timeout, set_read_timeout_near, Stream};
use crate::Error;

/// Idle connections kept for reuse unless set otherwise.
pub const DEFAULT_MAX_IDLE: usize = 8;
/// Connect deadline when no timeout was set.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// A blocking XML-RPC client for `http://`, `https://` (feature `tls`) and
/// `unix://` URLs. `Send + Sync`: threads may share one client; each call
/// takes an idle connection or opens one.
pub struct Client {
    config: Arc<ClientConfig>,
    connect_timeout: Duration,
    idle: Mutex<Vec<Conn>>,
    max_idle: usize,
    #[cfg(feature = "tls")]
    tls: Option<Arc<rustls::ClientConfig>>,
}

/// Builds a [`Client`]; see [`Client::builder`].
pub struct ClientBuilder {
    url: String,
    timeout: Option<Duration>,
    max_idle: usize,
    headers: Vec<(String, String)>,
    limits: Option<Limits>,
    #[cfg(feature = "tls")]
    roots: Vec<Vec<u8>>,
}

/// One open connection and the machine that speaks HTTP on it.
struct Conn {
    stream: Stream,
    machine: ClientConnection,
    /// Read buffer, kept with the connection so calls do not reallocate it.
    buf: Box<[u8]>,
    /// The socket's read timeout now (saves a system call per read).
    read_timeout: Option<Duration>,
}

fn invalid(message: String) -> Error {
    Error::Io(io::Error::new(io::ErrorKind::InvalidInput, message))
}

impl ClientBuilder {
    /// Deadline for connecting, for the first response byte and for the
    /// whole response.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A header sent with every call.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Most idle keep-alive connections kept for reuse (default
    /// [`DEFAULT_MAX_IDLE`]); 0 closes each connection after its call.
    pub fn max_idle_connections(mut self, max: usize) -> Self {
        self.max_idle = max;
        self
    }

    /// Decoder limits for responses (default [`Limits::client`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Trusts this root certificate (DER) besides the web PKI roots.
    #[cfg(feature = "tls")]
    pub fn tls_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.roots.push(der.into());
        self
    }

    /// Parses the URL and checks the settings. Refuses a bad URL, an
    /// `https://` URL without the `tls` feature, and invalid header names
    /// or values (as `Error::Io` with `InvalidInput`).
    pub fn build(self) -> Result<Client, Error> {
        let address = Address::parse(&self.url)?;
        if address.scheme == Scheme::Https && !cfg!(feature = "tls") {
            return Err(Error::Address(AddressError {
                message: "https:// needs transport-std's `tls` feature".into(),
            }));
        }
        #[cfg(feature = "tls")]
        let address_is_https = address.scheme == Scheme::Https;
        let mut config = ClientConfig::new(address);
        if let Some(timeout) = self.timeout {
            config.first_byte_timeout = timeout;
            config.response_timeout = timeout;
        }
        if let Some(limits) = self.limits {
            config.limits = limits;
        }
        for (name, value) in &self.headers {
            let name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(format!("invalid header name {name:?}")))?;
            let value = http::HeaderValue::from_str(value)
                .map_err(|_| invalid(format!("invalid value for header {name}")))?;
            config.headers.append(name, value);
        }
        Ok(Client {
            config: Arc::new(config),
            connect_timeout: self.timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            idle: Mutex::new(Vec::new()),
            max_idle: self.max_idle,
            #[cfg(feature = "tls")]
            // The scheme is case-insensitive (`HTTPS://` parses as https).
            tls: if address_is_https || !self.roots.is_empty() {
                Some(crate::tls::client_config(&self.roots)?)
            } else {
                None
            },
        })
    }
}

impl Client {
    /// A client with default settings for `url`.
    pub fn new(url: &str) -> Result<Client, Error> {
        Client::builder(url).build()
    }

    /// A builder for `url` (`http://user:pass@host:port/path`,
    /// `https://...`, `unix:///path/to.sock`).
    pub fn builder(url: &str) -> ClientBuilder {
        ClientBuilder {
            url: url.to_string(),
            timeout: None,
            max_idle: DEFAULT_MAX_IDLE,
            headers: Vec::new(),
            limits: None,
            #[cfg(feature = "tls")]
            roots: Vec::new(),
        }
    }

    /// Calls `method` with typed params (a tuple is the param list, `()` is
    /// none) and maps the result to `R`. A fault is `Err(Error::Fault)`.
    pub fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
    ) -> Result<R, Error> {
        let params = to_params(&params)?;
        let value = self.call_value(method, params)?;
        Ok(from_value(value)?)
    }

    /// Calls `method` with `params` as values. A fault is `Err(Error::Fault)`.
    pub fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, Error> {
        let call = MethodCall::new(method, params);
        match self.exchange(&call, false)?.0 {
            MethodResponse::Success(value) => Ok(value),
            MethodResponse::Fault(fault) => Err(Error::Fault(fault)),
        }
    }

    /// Sends `call` and returns the response (fault or not) with the raw
    /// response body. Runs on a connection of its own (closed afterwards),
    /// since keeping the body is a setting of the connection.
    pub fn call_raw(&self, call: &MethodCall) -> Result<(MethodResponse, Bytes), Error> {
        let (response, raw) = self.exchange(call, true)?;
        Ok((response, raw.unwrap_or_default()))
    }

    /// The parsed server address the client calls.
    pub fn address(&self) -> &Address {
        &self.config.address
    }

    /// Idle keep-alive connections held right now (for tests and metrics).
    pub fn idle_connections(&self) -> usize {
        self.idle.lock().map_or(0, |idle| idle.len())
    }

    /// Sends `calls` in one `system.multicall`; each entry is its result or
    /// its own fault, in order.
    pub fn multicall(&self, calls: Vec<MethodCall>) -> Result<Vec<Result<Value, Fault>>, Error> {
        let count = calls.len();
        let call = multicall::pack(calls);
        let result = self.call_value(&call.method, call.params)?;
        Ok(multicall::unpack(result, count)?)
    }

    /// One request and response, on an idle connection when there is one.
    /// Retries once on a fresh connection only when the core says the
    /// stale one is safe to resend on.
    fn exchange(
        &self,
        call: &MethodCall,
        keep_raw: bool,
    ) -> Result<(MethodResponse, Option<Bytes>), Error> {
        let config = if keep_raw {
            let mut config = (*self.config).clone();
            config.keep_raw_body = true;
            Arc::new(config)
        } else {
            Arc::clone(&self.config)
        };
        let pooled = if keep_raw { None } else { self.take_idle() };
        let reused = pooled.is_some();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => self.connect(&config)?,
        };
        let mut outcome = drive(&mut conn, call);
        if reused
            && matches!(
                outcome,
                Err(Error::Call(CallError::Closed { retryable: true }))
            )
        {
            tracing::debug!(method = %call.method, "stale keep-alive connection, retrying once");
            conn = self.connect(&config)?;
            outcome = drive(&mut conn, call);
        }
        if outcome.is_ok() && !keep_raw && conn.machine.is_reusable() {
            self.put_idle(conn);
        } else {
            conn.stream.close();
        }
        outcome
    }

    fn take_idle(&self) -> Option<Conn> {
        self.idle.lock().ok()?.pop()
    }

    fn put_idle(&self, mut conn: Conn) {
        match self.idle.lock() {
            Ok(mut idle) if idle.len() < self.max_idle => idle.push(conn),
            _ => conn.stream.close(),
        }
    }

    fn connect(&self, config: &Arc<ClientConfig>) -> Result<Conn, Error> {
        let address = &config.address;
        let stream = match address.scheme {
            Scheme::Unix => {
                let path = address.socket_path.as_deref().unwrap_or_default();
                Stream::Unix(UnixStream::connect(path)?)
            }
            Scheme::Http => Stream::Tcp(self.connect_tcp(address)?),
            Scheme::Https => self.connect_tls(address)?,
        };
        // A server that stops reading must not stall the call forever.
        stream.set_write_timeout(Some(config.response_timeout))?;
        Ok(Conn {
            stream,
            machine: ClientConnection::new(Arc::clone(config)),
            buf: vec![0u8; 16 * 1024].into_boxed_slice(),
            read_timeout: None,
        })
    }

    fn connect_tcp(&self, address: &Address) -> Result<TcpStream, Error> {
        let mut last = None;
        for addr in (address.host.as_str(), address.port).to_socket_addrs()? {
            match TcpStream::connect_timeout(&addr, self.connect_timeout) {
                Ok(tcp) => {
                    // Requests are written whole; do not wait for ACKs.
                    let _ = tcp.set_nodelay(true);
                    return Ok(tcp);
                }
                Err(e) => last = Some(e),
            }
        }
        match last {
            Some(e) if is_timeout(&e) => Err(Error::Timeout("connect")),
            Some(e) => Err(Error::Io(e)),
            None => Err(invalid(format!("{} resolves to no address", address.host))),
        }
    }

    #[cfg(feature = "tls")]
    fn connect_tls(&self, address: &Address) -> Result<Stream, Error> {
        let tcp = self.connect_tcp(address)?;
        tcp.set_read_timeout(Some(self.connect_timeout))?;
        let config = match &self.tls {
            Some(config) => config,
            None => return Err(invalid("no TLS configuration".into())),
        };
        crate::tls::connect(config, &address.host, tcp).map_err(|e| {
            if is_timeout(&e) {
                Error::Timeout("TLS handshake")
            } else {
                Error::Io(e)
            }
        })
    }

    #[cfg(not(feature = "tls"))]
    fn connect_tls(&self, _address: &Address) -> Result<Stream, Error> {
        Err(invalid("https:// needs the `tls` feature".into()))
    }
}

/// The adapter loop for one call: write what the machine transmits, read
/// with the machine's deadline, until it reports the response.
fn drive(conn: &mut Conn, call: &MethodCall) -> Result<(MethodResponse, Option<Bytes>), Error> {
    conn.machine.send_call(call, Instant::now())?;
    let mut outcome = None;
    loop {
        match conn.machine.poll_output() {
            Output::Transmit(bytes) => {
                let written = conn
                    .stream
                    .write_all(&bytes)
                    .and_then(|()| conn.stream.flush());
                match written {
                    Ok(()) => {}
                    Err(e) if is_timeout(&e) => return Err(Error::Timeout("sending the request")),
                    // The server may have answered already (a 413 before
                    // the body) and closed: read on, the machine decides.
                    Err(e) => tracing::debug!(error = %e, "write failed, reading the answer"),
                }
            }
            Output::Event(ClientEvent::Response { result, raw_body }) => {
                outcome = Some(result.map(|r| (r, raw_body)).map_err(Error::from));
            }
            Output::Wait { read, deadline } => {
                if let Some(done) = outcome {
                    return done;
                }
                wait(conn, read, deadline)?;
            }
            Output::Closed => {
                return outcome.unwrap_or(Err(Error::Call(CallError::Closed { retryable: false })));
            }
        }
    }
}

/// Waits as the machine asked and hands it what happened.
fn wait(conn: &mut Conn, read: bool, deadline: Option<Instant>) -> Result<(), Error> {
    let now = Instant::now();
    let left = deadline.map(|d| d.saturating_duration_since(now));
    if left == Some(Duration::ZERO) {
        conn.machine.handle_input(Input::Tick(now));
        return Ok(());
    }
    if !read {
        match left {
            Some(left) => std::thread::sleep(left),
            // Neither input nor a deadline: the machine is stuck; fail, not hang.
            None => return Err(Error::Call(CallError::Closed { retryable: false })),
        }
        conn.machine.handle_input(Input::Tick(Instant::now()));
        return Ok(());
    }
    set_read_timeout_near(&conn.stream, &mut conn.read_timeout, left)?;
    match conn.stream.read(&mut conn.buf) {
        Ok(0) => conn.machine.handle_input(Input::Eof(Instant::now())),
        Ok(n) => conn
            .machine
            .handle_input(Input::Data(Instant::now(), &conn.buf[..n])),
        Err(e) if is_timeout(&e) => conn.machine.handle_input(Input::Tick(Instant::now())),
        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
            conn.machine.handle_input(Input::Eof(Instant::now()))
        }
        Err(e) => return Err(Error::Io(e)),
    }
    Ok(())
}

impl std::fmt::Debug for Client {
    /// Shows where the client calls; `Address`'s `Debug` hides the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("address", &self.config.address)
            .field("max_idle", &self.max_idle)
            .finish_non_exhaustive()
    }
}
