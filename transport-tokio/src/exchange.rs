//! One call over one connection: the adapter loop of the client side.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
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
    /// Request bytes handed out by the machine and not yet written.
    sending: Bytes,
    /// The peer stopped taking our bytes; what is left is dropped and the
    /// connection is never reused.
    write_dead: bool,
}

/// What one step of sending did.
enum Step {
    Wrote(io::Result<usize>),
    Read(io::Result<usize>),
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
            sending: Bytes::new(),
            write_dead: false,
        }
    }

    /// Sends `call` and drives the machine until its response event, obeying
    /// the drain rule. `write_timeout` bounds sending the request; read
    /// deadlines come from the machine. While the request is being written
    /// the socket is read too: a server may answer early (413 for a body over
    /// its limit) and stop reading, and that answer must reach the caller.
    pub(crate) async fn exchange(mut self, call: &MethodCall, write_timeout: Duration) -> Exchange {
        if let Err(e) = self.machine.send_call(call, Instant::now()) {
            return self.failed(Error::Call(e));
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
                    self.queue(&mut outbox);
                    if let Some(result) = response {
                        // The call is over; reuse only a clean, idle connection.
                        let reusable = self.machine.is_reusable()
                            && self.sending.is_empty()
                            && !self.write_dead;
                        return Exchange {
                            result,
                            reusable: reusable.then_some(self),
                        };
                    }
                    let step = if self.sending.is_empty() {
                        self.wait(read, deadline).await.map_err(Error::Io)
                    } else {
                        self.send(write_timeout).await
                    };
                    if let Err(e) = step {
                        return self.failed(e);
                    }
                }
                Output::Closed => {
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

    /// Moves what the machine handed out behind what is still unsent.
    fn queue(&mut self, outbox: &mut Outbox) {
        if outbox.is_empty() {
            return;
        }
        let more = outbox.take();
        if self.write_dead {
            return;
        }
        self.sending = if self.sending.is_empty() {
            more
        } else {
            let mut joined = Vec::with_capacity(self.sending.len() + more.len());
            joined.extend_from_slice(&self.sending);
            joined.extend_from_slice(&more);
            joined.into()
        };
    }

    /// One write (or, when writing would block, one read whose bytes go to
    /// the machine at once); each within `limit`.
    async fn send(&mut self, limit: Duration) -> Result<(), Error> {
        let step = match tokio::time::timeout(limit, self.step()).await {
            Ok(step) => step,
            Err(_) => return Err(Error::Timeout("writing the request")),
        };
        let now = Instant::now();
        match step {
            Step::Wrote(Ok(0)) => self.stop_writing(),
            Step::Wrote(Ok(n)) => {
                self.sending.advance(n);
                if self.sending.is_empty() {
                    // TLS holds records back until flushed; TCP flushes at once.
                    let flush = poll_fn(|cx| Pin::new(&mut self.stream).poll_flush(cx));
                    match tokio::time::timeout(limit, flush).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) if is_disconnect(&e) => self.stop_writing(),
                        Ok(Err(e)) => return Err(Error::Io(e)),
                        Err(_) => return Err(Error::Timeout("writing the request")),
                    }
                }
            }
            // The peer hung up or refuses more: stop writing and read what
            // it said; the machine decides what the close means.
            Step::Wrote(Err(e)) if is_disconnect(&e) => self.stop_writing(),
            Step::Wrote(Err(e)) => return Err(Error::Io(e)),
            Step::Read(Ok(0)) => {
                self.stop_writing();
                self.machine.handle_input(Input::Eof(now));
            }
            Step::Read(Ok(n)) => self.machine.handle_input(Input::Data(now, &self.buf[..n])),
            Step::Read(Err(e)) if is_disconnect(&e) => {
                self.stop_writing();
                self.machine.handle_input(Input::Eof(now));
            }
            Step::Read(Err(e)) => return Err(Error::Io(e)),
        }
        Ok(())
    }

    /// One write, or one read when the write would block.
    async fn step(&mut self) -> Step {
        let Conn {
            stream,
            buf,
            sending,
            ..
        } = self;
        poll_fn(|cx| {
            if let Poll::Ready(r) = Pin::new(&mut *stream).poll_write(cx, sending) {
                return Poll::Ready(Step::Wrote(r));
            }
            let mut read = ReadBuf::new(buf);
            match Pin::new(&mut *stream).poll_read(cx, &mut read) {
                Poll::Ready(r) => Poll::Ready(Step::Read(r.map(|()| read.filled().len()))),
                Poll::Pending => Poll::Pending,
            }
        })
        .await
    }

    fn stop_writing(&mut self) {
        self.write_dead = true;
        self.sending = Bytes::new();
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
