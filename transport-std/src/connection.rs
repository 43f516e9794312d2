//! [`Connection`]: one accepted connection on an event loop: its socket,
//! its machine, the bytes on their way out, and the step that drives the
//! machine as far as the socket allows without blocking.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use xmlrpc_proto::http::{
    Input, Output, RequestId, SendFailure, ServerConfig, ServerConnection, ServerEvent, Ticket,
};
use xmlrpc_proto::service::{Dispatch, MulticallAnswer};
use xmlrpc_proto::MethodResponse;

use crate::ready_io::{Got, ReadyIo};
use crate::server::{Registration, Shared};

/// What a connection waits for after a step.
pub(crate) enum Step {
    /// The next readiness event, or this deadline (`Tick` it then).
    Wait(Option<Instant>),
    /// Its call runs elsewhere ([`Work`]); the answer wakes it.
    Busy(Box<Work>),
    /// More to read, but its turn is over: drive it again after the
    /// others had theirs.
    Again,
    /// Finished: close the socket.
    Closed,
}

/// Reads one connection may make in a turn before the others get theirs:
/// a peer that streams calls without pause holds its loop for 64 KiB of
/// them at most (a turn then costs one more `epoll_wait`, nothing else).
pub(crate) const READS_PER_TURN: usize = 4;

/// A routed call that may block, for a thread of the pool.
pub(crate) struct Work {
    id: RequestId,
    job: Job,
}

enum Job {
    One(Dispatch),
    Batch(Vec<Dispatch>, MulticallAnswer),
}

impl Work {
    /// The request this answers.
    pub(crate) fn id(&self) -> RequestId {
        self.id
    }

    /// Runs the call to its answer: a blocking handler directly, an async
    /// one under a small `block_on`, a multicall's entries in turn.
    pub(crate) fn run(self) -> MethodResponse {
        match self.job {
            Job::One(job) => run(job),
            Job::Batch(jobs, answer) => answer.finish(jobs.into_iter().map(run).collect()),
        }
    }
}

fn run(job: Dispatch) -> MethodResponse {
    match job {
        Dispatch::Ready(response) => response,
        Dispatch::Blocking(call) => call.run(),
        Dispatch::Async(future) => futures_lite::future::block_on(future),
        Dispatch::Multicall(multicall) => {
            let (jobs, answer) = multicall.into_jobs();
            answer.finish(jobs.into_iter().map(run).collect())
        }
    }
}

/// The answer now, when the router gave one (the inline handlers ran
/// while it routed), else the work to run elsewhere.
fn answer_now(id: RequestId, job: Dispatch) -> Result<MethodResponse, Box<Work>> {
    match job {
        Dispatch::Ready(response) => Ok(response),
        Dispatch::Multicall(multicall) => {
            let (jobs, answer) = multicall.into_jobs();
            if jobs.iter().all(|job| matches!(job, Dispatch::Ready(_))) {
                Ok(answer.finish(jobs.into_iter().map(run).collect()))
            } else {
                Err(Box::new(Work {
                    id,
                    job: Job::Batch(jobs, answer),
                }))
            }
        }
        job => Err(Box::new(Work {
            id,
            job: Job::One(job),
        })),
    }
}

/// What the machine needs once a TLS handshake is done.
struct Opening {
    ticket: Ticket,
    peer: String,
    /// Until when the handshake may take.
    deadline: Instant,
}

/// One connection on an event loop.
pub(crate) struct Connection {
    io: ReadyIo,
    /// `None` until the TLS handshake is done.
    machine: Option<ServerConnection>,
    opening: Option<Opening>,
    /// Bytes the machine handed out that the socket has not taken yet.
    sending: Vec<Bytes>,
    /// The machine handed out bytes and was not told they were written.
    untold: bool,
    /// The machine closed; the last bytes are going out.
    closing: bool,
    /// The machine was told the server is stopping.
    stop_told: bool,
    /// Its call runs on the pool.
    busy: bool,
    /// When the loop's timer wakes it; only ever moved earlier, until it
    /// rings (a wake-up that comes early is a harmless `Tick`).
    pub(crate) alarm: Option<Instant>,
    /// Tells the accept loop the connection ended; dropped after the
    /// machine (fields drop in order), whose ticket frees its place.
    _registration: Registration,
}

impl Connection {
    /// A connection admitted with `ticket`, its TLS handshake (if any)
    /// bounded by [`ServerConfig::tls_handshake_timeout`].
    pub(crate) fn new(
        io: ReadyIo,
        ticket: Ticket,
        peer: String,
        registration: Registration,
        shared: &Shared,
    ) -> Connection {
        let now = Instant::now();
        let opening = Opening {
            ticket,
            peer,
            deadline: xmlrpc_proto::time::after(now, shared.config.tls_handshake_timeout),
        };
        let mut conn = Connection {
            io,
            machine: None,
            opening: Some(opening),
            sending: Vec::new(),
            untold: false,
            closing: false,
            stop_told: false,
            busy: false,
            alarm: None,
            _registration: registration,
        };
        if !conn.io.handshaking() {
            conn.open(shared, now);
        }
        conn
    }

    /// The socket, for readiness events.
    pub(crate) fn io(&mut self) -> &mut ReadyIo {
        &mut self.io
    }

    /// True while its call runs on the pool.
    pub(crate) fn busy(&self) -> bool {
        self.busy
    }

    fn open(&mut self, shared: &Shared, now: Instant) {
        if let Some(Opening { ticket, peer, .. }) = self.opening.take() {
            let config: Arc<ServerConfig> = Arc::clone(&shared.config);
            self.machine = Some(if shared.scgi {
                ServerConnection::admitted_scgi(config, ticket, Some(peer), now)
            } else {
                ServerConnection::admitted(config, ticket, Some(peer), now)
            });
        }
    }

    /// Drives the connection as far as its socket allows (`buf` is the
    /// loop's read buffer).
    pub(crate) fn drive(&mut self, shared: &Shared, buf: &mut [u8]) -> Step {
        if self.busy {
            return Step::Wait(None);
        }
        if let Some(opening) = &self.opening {
            let deadline = opening.deadline;
            match self.io.handshake() {
                Ok(true) => self.open(shared, Instant::now()),
                Ok(false) => return Step::Wait(Some(deadline)),
                Err(e) => {
                    tracing::debug!(peer = %opening.peer, error = %e, "TLS handshake failed");
                    return Step::Closed;
                }
            }
        }
        let Some(machine) = self.machine.as_mut() else {
            return Step::Closed;
        };
        if self.closing {
            return match self.io.write(&mut self.sending) {
                Ok(false) => Step::Wait(machine.write_deadline()),
                Ok(true) | Err(_) => Step::Closed,
            };
        }
        let mut reads = 0;
        loop {
            if !self.stop_told && shared.stopping() {
                self.stop_told = true;
                machine.shutdown(Instant::now());
            }
            match machine.poll_output() {
                Output::Transmit(bytes) => {
                    self.sending.push(bytes);
                    self.untold = true;
                }
                Output::Event(ServerEvent::Call { id, call, context }) => {
                    // Answers to earlier pipelined calls go out first.
                    if !flush(&mut self.io, &mut self.sending, &mut self.untold, machine) {
                        continue;
                    }
                    match answer_now(id, shared.router.dispatch(call, context)) {
                        Ok(response) => {
                            respond(machine, &mut self.stop_told, shared, id, response);
                        }
                        Err(work) => {
                            self.busy = true;
                            return Step::Busy(work);
                        }
                    }
                }
                Output::Event(ServerEvent::Answered(record)) => {
                    transport_driver::log::call(&record);
                }
                Output::Wait { read, deadline } => {
                    if !flush(&mut self.io, &mut self.sending, &mut self.untold, machine) {
                        continue;
                    }
                    // Back-pressure: no reading while the peer does not read.
                    if !self.sending.is_empty() {
                        return Step::Wait(machine.write_deadline());
                    }
                    let now = Instant::now();
                    if !read {
                        match deadline {
                            Some(at) => return Step::Wait(Some(at)),
                            None => machine.handle_input(Input::Eof(now)),
                        }
                        continue;
                    }
                    if reads == READS_PER_TURN {
                        return Step::Again;
                    }
                    reads += 1;
                    match self.io.read(buf) {
                        Ok(Got::Data(n)) => machine.handle_input(Input::Data(now, &buf[..n])),
                        Ok(Got::Eof) => machine.handle_input(Input::Eof(now)),
                        Ok(Got::Nothing) => return Step::Wait(deadline),
                        Err(e) => {
                            tracing::debug!(error = %e, "read failed");
                            machine.handle_input(Input::Eof(now));
                        }
                    }
                }
                Output::Closed => {
                    self.closing = true;
                    return match self.io.write(&mut self.sending) {
                        Ok(false) => Step::Wait(machine.write_deadline()),
                        Ok(true) | Err(_) => Step::Closed,
                    };
                }
            }
        }
    }

    /// The loop's timer rang for this connection.
    pub(crate) fn ring(&mut self, shared: &Shared, buf: &mut [u8]) -> Step {
        self.alarm = None;
        if self.busy {
            return Step::Wait(None);
        }
        let now = Instant::now();
        if let Some(opening) = &self.opening {
            if now >= opening.deadline {
                tracing::debug!(peer = %opening.peer, "TLS handshake timed out");
                return Step::Closed;
            }
            return self.drive(shared, buf);
        }
        let Some(machine) = self.machine.as_mut() else {
            return Step::Closed;
        };
        let write_late = machine.write_deadline().is_some_and(|at| at <= now);
        if !self.sending.is_empty() && write_late {
            if self.closing {
                return Step::Closed;
            }
            self.sending.clear();
            self.untold = false;
            machine.handle_input(Input::SendFailed(now, SendFailure::TimedOut));
        } else {
            machine.handle_input(Input::Tick(now));
        }
        self.drive(shared, buf)
    }

    /// The pool ran request `id` to `response`.
    pub(crate) fn answered(
        &mut self,
        shared: &Shared,
        buf: &mut [u8],
        id: RequestId,
        response: MethodResponse,
    ) -> Step {
        self.busy = false;
        if let Some(machine) = self.machine.as_mut() {
            respond(machine, &mut self.stop_told, shared, id, response);
        }
        self.drive(shared, buf)
    }

    /// Says goodbye where the socket has room (TLS close_notify) and
    /// stops watching the socket.
    pub(crate) fn close(&mut self, registry: &mio::Registry) {
        self.io.close();
        if let Err(e) = self.io.deregister(registry) {
            tracing::debug!(error = %e, "cannot stop watching a socket");
        }
    }
}

/// Answers a call; a stop that came meanwhile makes the answer say the
/// connection closes.
fn respond(
    machine: &mut ServerConnection,
    stop_told: &mut bool,
    shared: &Shared,
    id: RequestId,
    response: MethodResponse,
) {
    let now = Instant::now();
    if !*stop_told && shared.stopping() {
        *stop_told = true;
        machine.shutdown(now);
    }
    machine.respond(id, response, now);
}

/// Writes what the machine handed out, as far as the socket takes it, and
/// tells the machine once all of it went; a failure is the machine's input
/// (false then).
fn flush(
    io: &mut ReadyIo,
    sending: &mut Vec<Bytes>,
    untold: &mut bool,
    machine: &mut ServerConnection,
) -> bool {
    if !*untold {
        return true;
    }
    match io.write(sending) {
        Ok(true) => {
            *untold = false;
            machine.transmitted(Instant::now());
            true
        }
        Ok(false) => true,
        Err(e) => {
            sending.clear();
            *untold = false;
            tracing::debug!(error = %e, "write failed");
            machine.handle_input(Input::SendFailed(Instant::now(), SendFailure::of(&e)));
            false
        }
    }
}
