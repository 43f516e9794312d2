//! One call over one connection: the adapter loop of the client side.

use std::io;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::io::AsyncReadExt;
use xmlrpc_proto::http::{CallError, ClientConnection, ClientEvent, Input, Output};
use xmlrpc_proto::{MethodCall, MethodResponse};

use crate::outbox::Outbox;
use crate::stream::Stream;
use crate::Error;

/// Size of one socket read.
const READ_CHUNK: usize = 16 * 1024;

/// A client connection: the socket and the machine that speaks on it.
pub(crate) struct Conn {
    stream: Stream,
    machine: ClientConnection,
    /// Read buffer, kept with the connection so a call allocates none.
    buf: Box<[u8]>,
}

/// What one attempt produced.
pub(crate) struct Exchange {
    /// The decoded response and the raw body (when the config keeps it).
    pub(crate) result: Result<(MethodResponse, Option<Bytes>), Error>,
    /// The connection, when the machine says it can carry another call.
    pub(crate) reusable: Option<Conn>,
}

impl Conn {
    /// A fresh connection over `stream`.
    pub(crate) fn new(stream: Stream, machine: ClientConnection) -> Conn {
        Conn {
            stream,
            machine,
            buf: vec![0u8; READ_CHUNK].into_boxed_slice(),
        }
    }

    /// Sends `call` and drives the machine until its response event, obeying
    /// the drain rule. `write_timeout` bounds each socket write; read
    /// deadlines come from the machine.
    pub(crate) async fn exchange(mut self, call: &MethodCall, write_timeout: Duration) -> Exchange {
        if let Err(e) = self.machine.send_call(call, Instant::now()) {
            return Exchange {
                result: Err(Error::Call(e)),
                reusable: None,
            };
        }
        let mut outbox = Outbox::default();
        let mut response = None;
        loop {
            match self.machine.poll_output() {
                Output::Transmit(bytes) => outbox.push(bytes),
                Output::Event(ClientEvent::Response { result, raw_body }) => {
                    response = Some(result.map(|r| (r, raw_body)).map_err(Error::Call));
                }
                Output::Wait { read, deadline } => {
                    if let Err(e) = self.write(&mut outbox, write_timeout).await {
                        return self.failed(e);
                    }
                    if let Some(result) = response {
                        // Idle again: the call is over.
                        let reusable = self.machine.is_reusable();
                        return Exchange {
                            result,
                            reusable: reusable.then_some(self),
                        };
                    }
                    if let Err(e) = self.wait(read, deadline).await {
                        return self.failed(Error::Io(e));
                    }
                }
                Output::Closed => {
                    // Best effort: the machine may have said goodbye bytes.
                    let _ = self.write(&mut outbox, write_timeout).await;
                    let result = response
                        .unwrap_or(Err(Error::Call(CallError::Closed { retryable: false })));
                    return Exchange {
                        result,
                        reusable: None,
                    };
                }
            }
        }
    }

    async fn write(&mut self, outbox: &mut Outbox, limit: Duration) -> Result<(), Error> {
        if outbox.is_empty() {
            return Ok(());
        }
        match tokio::time::timeout(limit, outbox.flush(&mut self.stream)).await {
            Ok(Ok(())) => Ok(()),
            // A peer that hung up is news for the machine: it decides
            // whether the call may be retried.
            Ok(Err(e)) if is_disconnect(&e) => {
                self.machine.handle_input(Input::Eof(Instant::now()));
                Ok(())
            }
            Ok(Err(e)) => Err(Error::Io(e)),
            Err(_) => Err(Error::Timeout("writing the request")),
        }
    }

    /// Waits for what the machine asked for and feeds it in.
    async fn wait(&mut self, read: bool, deadline: Option<Instant>) -> io::Result<()> {
        let buf = &mut self.buf[..];
        let deadline = deadline.map(tokio::time::Instant::from_std);
        let outcome = match (read, deadline) {
            (true, Some(at)) => tokio::time::timeout_at(at, self.stream.read(&mut *buf))
                .await
                .ok(),
            (true, None) => Some(self.stream.read(&mut *buf).await),
            (false, Some(at)) => {
                tokio::time::sleep_until(at).await;
                None
            }
            (false, None) => {
                // Nothing to read and no deadline before the response:
                // the machine is stuck; end the call instead of hanging.
                self.machine.handle_input(Input::Eof(Instant::now()));
                return Ok(());
            }
        };
        let now = Instant::now();
        match outcome {
            None => self.machine.handle_input(Input::Tick(now)),
            Some(Ok(0)) => self.machine.handle_input(Input::Eof(now)),
            Some(Ok(n)) => self.machine.handle_input(Input::Data(now, &buf[..n])),
            Some(Err(e)) if is_disconnect(&e) => self.machine.handle_input(Input::Eof(now)),
            Some(Err(e)) => return Err(e),
        }
        Ok(())
    }

    fn failed(self, error: Error) -> Exchange {
        Exchange {
            result: Err(error),
            reusable: None,
        }
    }
}

/// Errors that mean "the peer went away", which the machine treats as end
/// of input (and may call retryable on a reused connection).
fn is_disconnect(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
    )
}
