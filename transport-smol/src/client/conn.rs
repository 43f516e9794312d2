//! [`Conn`]: one client socket and its `ClientConnection`, and the loop
//! that drives one call over them.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_lite::io::AsyncReadExt;
use xmlrpc_proto::http::{
    CallError, ClientConfig, ClientConnection, ClientError, ClientEvent, Input, Output, Scheme,
};
use xmlrpc_proto::{MethodCall, MethodResponse};

use crate::outbox::Outbox;
use crate::rt::{self, BoxIo};

/// Read buffer per connection.
const READ_BUF: usize = 16 * 1024;

/// How to reach the server; shared by every connection of a client.
pub(crate) struct Dialer {
    pub(crate) config: Arc<ClientConfig>,
    /// The same with `keep_raw_body`, for `call_raw` connections only, so
    /// other calls do not keep a second copy of every body.
    pub(crate) raw_config: Arc<ClientConfig>,
    /// Limit on connecting (and the TLS handshake).
    pub(crate) connect_timeout: Duration,
    /// Limit on writing one request.
    pub(crate) write_timeout: Duration,
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<Arc<crate::tls::rustls::ClientConfig>>,
}

/// How one attempt at a call failed.
pub(crate) enum Failure {
    /// The core says the request can go again on a fresh connection.
    Retry(ClientError),
    /// Final.
    Fail(ClientError),
}

/// An open connection to the server.
pub(crate) struct Conn {
    io: BoxIo,
    machine: ClientConnection,
    buf: Vec<u8>,
    /// An I/O error happened: never reuse, whatever the machine thinks.
    broken: bool,
}

impl Conn {
    /// Connects (and runs the TLS handshake) within the connect timeout.
    pub(crate) async fn open(dialer: &Dialer, raw: bool) -> Result<Conn, ClientError> {
        let deadline = Instant::now() + dialer.connect_timeout;
        let io = rt::with_deadline(Some(deadline), dial(dialer))
            .await
            .ok_or(ClientError::Timeout("connect"))??;
        Ok(Conn {
            io,
            machine: ClientConnection::new(if raw {
                dialer.raw_config.clone()
            } else {
                dialer.config.clone()
            }),
            buf: vec![0u8; READ_BUF],
            broken: false,
        })
    }

    /// True when the server lets this connection carry another call.
    pub(crate) fn is_reusable(&self) -> bool {
        !self.broken && self.machine.is_reusable()
    }

    /// Sends `call` and drives the machine until its response (or failure).
    pub(crate) async fn call(
        &mut self,
        call: &MethodCall,
        write_timeout: Duration,
    ) -> Result<(MethodResponse, Option<Bytes>), Failure> {
        if let Err(e) = self.machine.send_call(call, Instant::now()) {
            return Err(classify(e, None));
        }
        let mut outbox = Outbox::default();
        // A failed write stops writing but not reading: a server that
        // refuses a request early (413) answers before it closes, and that
        // answer is worth more than the broken pipe. A failed read is end
        // of input to the machine, so the core decides whether the call may
        // be retried; the error is kept to tell the caller what happened.
        let mut io_error: Option<io::Error> = None;
        loop {
            match self.machine.poll_output() {
                Output::Transmit(bytes) => {
                    if io_error.is_none() {
                        outbox.push(bytes);
                    }
                }
                Output::Event(ClientEvent::Response { result, raw_body }) => {
                    self.drain();
                    self.broken |= io_error.is_some();
                    return match result {
                        Ok(response) => Ok((response, raw_body)),
                        Err(e) => Err(classify(e, io_error)),
                    };
                }
                Output::Wait { read, deadline } => {
                    let deadline_w = Instant::now() + write_timeout;
                    if let Err(e) = outbox.flush(&mut self.io, deadline_w).await {
                        if e.kind() == io::ErrorKind::TimedOut {
                            return Err(Failure::Fail(ClientError::Timeout("write")));
                        }
                        outbox.clear();
                        io_error = Some(e);
                    }
                    if !read && deadline.is_none() {
                        // A call is in flight: the machine must want bytes or time.
                        return Err(Failure::Fail(ClientError::Call(CallError::Protocol(
                            "client connection stalled with a call in flight".into(),
                        ))));
                    }
                    let got = rt::with_deadline(deadline, async {
                        if read {
                            self.io.read(&mut self.buf).await
                        } else {
                            futures_lite::future::pending().await
                        }
                    })
                    .await;
                    let now = Instant::now();
                    match got {
                        None => self.machine.handle_input(Input::Tick(now)),
                        Some(Ok(0)) => self.machine.handle_input(Input::Eof(now)),
                        Some(Ok(n)) => self.machine.handle_input(Input::Data(now, &self.buf[..n])),
                        Some(Err(e)) => {
                            // Keep the first error: a write failure explains more.
                            io_error.get_or_insert(e);
                            self.machine.handle_input(Input::Eof(now));
                        }
                    }
                }
                Output::Closed => {
                    let error = match io_error {
                        Some(e) => ClientError::Io(e),
                        None => ClientError::Call(CallError::Closed { retryable: false }),
                    };
                    return Err(Failure::Fail(error));
                }
            }
        }
    }

    /// Polls after the response until the machine waits (the drain rule),
    /// so `is_reusable` reflects everything it learnt.
    fn drain(&mut self) {
        loop {
            match self.machine.poll_output() {
                Output::Wait { .. } | Output::Closed => return,
                // Nothing should be sent between calls; a stray transmit or
                // event means the connection is not fit to reuse.
                Output::Transmit(_) | Output::Event(_) => {}
            }
        }
    }
}

/// Sorts a machine-reported failure into retry-or-fail, preferring the I/O
/// error that caused it when there was one.
fn classify(e: CallError, io_error: Option<io::Error>) -> Failure {
    match (e, io_error) {
        (CallError::Closed { retryable: true }, Some(io)) => Failure::Retry(ClientError::Io(io)),
        (e @ CallError::Closed { retryable: true }, None) => Failure::Retry(ClientError::Call(e)),
        (CallError::Closed { .. }, Some(io)) => Failure::Fail(ClientError::Io(io)),
        (e, _) => Failure::Fail(ClientError::Call(e)),
    }
}

/// Opens the socket the address names.
async fn dial(dialer: &Dialer) -> Result<BoxIo, ClientError> {
    let address = &dialer.config.address;
    match address.scheme {
        Scheme::Http => Ok(Box::new(
            rt::connect_tcp(&address.host, address.port).await?,
        )),
        Scheme::Unix => {
            let path = address.socket_path.as_deref().unwrap_or_default();
            Ok(rt::connect_unix(path).await?)
        }
        #[cfg(feature = "tls")]
        Scheme::Https => {
            let tcp = rt::connect_tcp(&address.host, address.port).await?;
            let config = match &dialer.tls {
                Some(config) => config.clone(),
                None => crate::tls::client_config(&[])?,
            };
            Ok(crate::tls::connect(config, &address.host, tcp).await?)
        }
        #[cfg(not(feature = "tls"))]
        Scheme::Https => Err(crate::client::no_tls()),
    }
}
