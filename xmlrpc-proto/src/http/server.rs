//! [`ServerConnection`]: one server-side HTTP/1.1 connection, sans IO.
//!
//! One request is read at a time: head, checks, body into the decoder, then
//! [`ServerEvent::Call`]; bytes of pipelined requests that arrive meanwhile
//! are buffered (bounded) and read once the call was answered, so answers
//! always leave in request order and no request gets two.
//!
//! A connection made with [`ServerConnection::scgi`] (or
//! [`admitted_scgi`](ServerConnection::admitted_scgi)) reads one SCGI
//! request instead, through the same methods (see [`crate::scgi`]).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use http::{Method, StatusCode, Version};

use super::admission::{State, Ticket};
use super::auth;
use super::body::{BodyDecoder, BodyError, BodyFramer};
use super::budget::Charge;
use super::head::{self, Framing, RequestHead, MAX_REQUEST_LINE};
use super::response::{write_response, ResponseMeta};
use super::status::{page_for, write_page, Reject};
use super::{AuthCheck, CallRecord, Input, Output, ServerConfig};
use crate::decode::{DecodeOptions, MessageKind};
use crate::scgi::server::ScgiServer;
use crate::service::Context;
use crate::time::after;
use crate::{MethodCall, MethodResponse};

/// Identifies one request on a connection; answer it with
/// [`ServerConnection::respond`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RequestId(pub u64);

/// What a server connection reports to the application.
#[derive(Debug)]
pub enum ServerEvent {
    /// A decoded call to route and answer.
    Call {
        /// Pass back to `respond`.
        id: RequestId,
        /// The call.
        call: MethodCall,
        /// What the handler may know: the peer given to
        /// [`ServerConnection::new`], the request headers, the user that
        /// passed Basic auth.
        context: Context,
    },
    /// A request was answered (a call, a decode fault, or an HTTP
    /// refusal): emit it to the log, once per answer.
    Answered(CallRecord),
}

/// Bytes of pipelined requests buffered beyond `max_head_size` while a call
/// is in flight; past it the adapter is told to stop reading, and input
/// beyond that is dropped and the connection closed after the answer.
const PIPELINE_SLACK: usize = 64 * 1024;

#[derive(Debug)]
enum Phase {
    /// Between requests (or fresh): waiting for a first byte.
    Idle,
    /// Reading a head whose first byte arrived.
    Head { deadline: Instant, line_done: bool },
    /// Reading the body.
    Body(Box<InBody>),
    /// The call was handed out; waiting for `respond`.
    Waiting(Pending),
    /// A refusal was sent: read and drop what the client still sends
    /// until it closes or `until` passes, then close (so the client reads
    /// the refusal instead of a reset).
    Lingering { until: Instant },
    /// Send what is queued, then close.
    Closing,
    /// Done.
    Closed,
}

#[derive(Debug)]
struct InBody {
    parts: http::request::Parts,
    /// The config's entry for the request's path.
    path: Arc<str>,
    framer: BodyFramer,
    decoder: BodyDecoder,
    /// Body bytes read off the wire so far (framing aside).
    wire: u64,
    deadline: Instant,
    user: Option<String>,
    meta: Pending,
}

/// The call in flight, for its [`CallRecord`].
#[derive(Debug)]
struct InFlight {
    method: String,
    since: Instant,
}

#[derive(Clone, Copy, Debug)]
struct Pending {
    id: RequestId,
    keep_alive: bool,
    accept_gzip: bool,
    http10: bool,
}

/// One server-side connection. Requests are answered in order; pipelined
/// requests wait for the ones before them.
#[derive(Debug)]
pub struct ServerConnection {
    config: Arc<ServerConfig>,
    phase: Phase,
    inbuf: BytesMut,
    scan_from: usize,
    out: BytesMut,
    scratch: BytesMut,
    events: VecDeque<ServerEvent>,
    next_id: u64,
    idle_since: Instant,
    peer_eof: bool,
    shutting_down: bool,
    /// While shutting down, when an idle connection stops waiting for its
    /// one more request.
    drain_until: Option<Instant>,
    overflow: bool,
    /// Shared with every call's context and log record.
    peer: Option<Arc<str>>,
    in_flight: Option<InFlight>,
    write_deadline: Option<Instant>,
    /// The connection's place among the server's, when admitted.
    ticket: Option<Ticket>,
    /// What the request being read or run holds of the body budget.
    charge: Option<Charge>,
    /// The state eviction sees once the answer queued last is written
    /// (see [`transmitted`](Self::transmitted)).
    after_write: Option<State>,
    /// Set for an SCGI connection: it does all the work.
    scgi: Option<Box<ScgiServer>>,
}

impl ServerConnection {
    /// A fresh connection from `peer` (its address as text, or a socket
    /// path; it goes into every call's [`Context`] and log record),
    /// accepted at `now`.
    pub fn new(config: Arc<ServerConfig>, peer: Option<String>, now: Instant) -> Self {
        ServerConnection {
            config,
            phase: Phase::Idle,
            inbuf: BytesMut::new(),
            scan_from: 0,
            out: BytesMut::new(),
            scratch: BytesMut::new(),
            events: VecDeque::new(),
            next_id: 0,
            idle_since: now,
            peer_eof: false,
            shutting_down: false,
            drain_until: None,
            overflow: false,
            peer: peer.map(Arc::from),
            in_flight: None,
            write_deadline: None,
            ticket: None,
            charge: None,
            after_write: None,
            scgi: None,
        }
    }

    /// A fresh connection admitted by an [`Admission`](super::Admission):
    /// it keeps `ticket` current, so that at the connection cap it can be
    /// evicted while it is not in the middle of a request (it then closes
    /// at its next input, without answering), and it charges request
    /// bodies to the admission's [`BodyBudget`](super::BodyBudget).
    pub fn admitted(
        config: Arc<ServerConfig>,
        ticket: Ticket,
        peer: Option<String>,
        now: Instant,
    ) -> Self {
        let mut conn = ServerConnection::new(config, peer, now);
        conn.ticket = Some(ticket);
        conn
    }

    /// A fresh SCGI connection (see [`crate::scgi`]): one request read as a
    /// netstring header block and a body, answered with a CGI response,
    /// then closed; the same config, limits and deadlines as HTTP.
    pub fn scgi(config: Arc<ServerConfig>, peer: Option<String>, now: Instant) -> Self {
        let mut conn = ServerConnection::new(Arc::clone(&config), peer.clone(), now);
        conn.scgi = Some(Box::new(ScgiServer::new(config, None, peer, now)));
        conn
    }

    /// A fresh SCGI connection admitted by an [`Admission`](super::Admission):
    /// evictable and charged to the body budget exactly like
    /// [`admitted`](Self::admitted) HTTP connections.
    pub fn admitted_scgi(
        config: Arc<ServerConfig>,
        ticket: Ticket,
        peer: Option<String>,
        now: Instant,
    ) -> Self {
        let mut conn = ServerConnection::new(Arc::clone(&config), peer.clone(), now);
        conn.scgi = Some(Box::new(ScgiServer::new(config, Some(ticket), peer, now)));
        conn
    }

    /// Feeds bytes, end of input, or the passage of time.
    pub fn handle_input(&mut self, input: Input<'_>) {
        if let Some(scgi) = self.scgi.as_mut() {
            return scgi.handle_input(input);
        }
        if matches!(self.phase, Phase::Closing | Phase::Closed) {
            return;
        }
        if self.ticket.as_ref().is_some_and(Ticket::is_evicted) {
            // Evicted for a newcomer: never in the middle of a request.
            self.inbuf.clear();
            self.phase = Phase::Closing;
            return;
        }
        if let Phase::Lingering { until } = self.phase {
            // Whatever arrives now is dropped unread; the end of input or
            // of the window closes.
            match input {
                Input::Data(now, _) | Input::Tick(now) if now < until => {}
                Input::SendFailed(..) => {
                    self.out.clear();
                    self.phase = Phase::Closed;
                }
                _ => self.phase = Phase::Closing,
            }
            return;
        }
        match input {
            // Nothing can be sent any more: no answer can reach the peer.
            Input::SendFailed(..) => {
                self.out.clear();
                self.inbuf.clear();
                self.phase = Phase::Closed;
            }
            Input::Data(now, data) => {
                if self.check_deadline(now) || self.peer_eof {
                    return;
                }
                let waiting = matches!(self.phase, Phase::Waiting(_));
                if waiting && self.inbuf.len() + data.len() > self.pipeline_cap() {
                    self.overflow = true;
                    return;
                }
                self.inbuf.extend_from_slice(data);
                self.advance(now);
            }
            Input::Eof(now) => {
                if self.check_deadline(now) {
                    return;
                }
                self.peer_eof = true;
                self.advance(now);
            }
            Input::Tick(now) => {
                self.check_deadline(now);
            }
        }
    }

    /// The next thing to do; call until `Wait` or `Closed`.
    pub fn poll_output(&mut self) -> Output<ServerEvent> {
        if let Some(scgi) = self.scgi.as_mut() {
            return scgi.poll_output();
        }
        if !self.out.is_empty() {
            return Output::Transmit(self.out.split().freeze());
        }
        if let Some(event) = self.events.pop_front() {
            return Output::Event(event);
        }
        match self.phase {
            Phase::Closing | Phase::Closed => {
                self.phase = Phase::Closed;
                Output::Closed
            }
            Phase::Idle => Output::Wait {
                read: !self.peer_eof,
                deadline: Some(self.idle_deadline()),
            },
            Phase::Head { deadline, .. } => Output::Wait {
                read: !self.peer_eof,
                deadline: Some(deadline),
            },
            Phase::Body(ref body) => Output::Wait {
                read: !self.peer_eof,
                deadline: Some(body.deadline),
            },
            Phase::Waiting(_) => Output::Wait {
                read: !self.peer_eof && self.inbuf.len() < self.config.max_head_size,
                deadline: None,
            },
            Phase::Lingering { until } => Output::Wait {
                read: true,
                deadline: Some(until),
            },
        }
    }

    /// Tells the machine that everything `poll_output` handed out so far
    /// was written. A connection admitted by an `Admission` counts as busy
    /// (never evicted) until its last answer was written: a client reading a
    /// large answer slowly is in the middle of its request.
    pub fn transmitted(&mut self, now: Instant) {
        if let Some(scgi) = self.scgi.as_mut() {
            return scgi.transmitted(now);
        }
        if self.out.is_empty() {
            if let Some(state) = self.after_write.take() {
                self.mark(state, now);
            }
        }
    }

    /// The deadline for writing what `poll_output` handed out last: when
    /// it passes first, feed [`Input::SendFailed`].
    pub fn write_deadline(&self) -> Option<Instant> {
        if let Some(scgi) = &self.scgi {
            return scgi.write_deadline();
        }
        self.write_deadline
    }

    /// Answers request `id` (encodes, frames, maybe gzips). Ignored unless
    /// `id` is the call in flight, so no request is ever answered twice.
    pub fn respond(&mut self, id: RequestId, response: MethodResponse, now: Instant) {
        if let Some(scgi) = self.scgi.as_mut() {
            return scgi.respond(id, response, now);
        }
        match self.phase {
            Phase::Waiting(p) if p.id == id => {
                let fault = match &response {
                    MethodResponse::Fault(f) => Some(f.code),
                    MethodResponse::Success(_) => None,
                };
                if let Some(InFlight { method, since }) = self.in_flight.take() {
                    self.record(
                        Some(method),
                        200,
                        fault,
                        now.saturating_duration_since(since),
                    );
                }
                self.answer(p, &response, now);
                self.advance(now);
            }
            _ => {}
        }
    }

    /// Graceful shutdown: the request in flight or being read is answered
    /// with `Connection: close`; an idle connection answers at most one
    /// more request that way if it arrives within `drain_timeout` (a load
    /// balancer may have sent it before it saw us go), then closes. With a
    /// zero `drain_timeout` an idle connection closes at once. Calling it
    /// again changes nothing.
    pub fn shutdown(&mut self, now: Instant) {
        if let Some(scgi) = self.scgi.as_mut() {
            return scgi.shutdown();
        }
        if self.shutting_down {
            return;
        }
        self.shutting_down = true;
        let drain = self.config.drain_timeout;
        match self.phase {
            Phase::Lingering { .. } => self.phase = Phase::Closing,
            Phase::Idle | Phase::Head { .. } if drain.is_zero() => {
                self.inbuf.clear();
                self.phase = Phase::Closing;
            }
            Phase::Idle => self.drain_until = Some(after(now, drain)),
            _ => {}
        }
    }

    /// When an idle connection closes: its keep-alive deadline, or the
    /// drain's end while shutting down, whichever comes first.
    fn idle_deadline(&self) -> Instant {
        let idle = after(self.idle_since, self.config.idle_timeout);
        self.drain_until.map_or(idle, |d| d.min(idle))
    }

    /// Bytes of input held: a head in progress or pipelined requests
    /// waiting for the call in flight. Stays within `max_head_size` + 64
    /// KiB plus the last input chunk (a metric for adapters and fuzzing).
    pub fn buffered_len(&self) -> usize {
        if let Some(scgi) = &self.scgi {
            return scgi.buffered_len();
        }
        self.inbuf.len()
    }

    /// Records the connection's state for eviction; false when it was
    /// evicted meanwhile (it then closes at once).
    fn mark(&mut self, state: State, now: Instant) -> bool {
        let kept = self.ticket.as_ref().is_none_or(|t| t.set(state, now));
        if !kept {
            self.inbuf.clear();
            self.phase = Phase::Closing;
        }
        kept
    }

    fn pipeline_cap(&self) -> usize {
        self.config.max_head_size.saturating_add(PIPELINE_SLACK)
    }

    /// Applies the deadline of the current phase; true when it fired.
    fn check_deadline(&mut self, now: Instant) -> bool {
        let fired = match &self.phase {
            Phase::Idle => now >= self.idle_deadline(),
            Phase::Head { deadline, .. } => now >= *deadline,
            Phase::Body(body) => now >= body.deadline,
            _ => false,
        };
        if !fired {
            return false;
        }
        match self.phase {
            // An idle client gets no answer, only the close.
            Phase::Idle => {
                self.mark(State::Done, now);
                self.phase = Phase::Closing;
            }
            Phase::Head { .. } => self.reject(
                Reject::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "request head not received in time",
                ),
                now,
            ),
            _ => self.reject(
                Reject::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "request body not received in time",
                ),
                now,
            ),
        }
        true
    }

    /// Reads as far as the buffered input allows.
    fn advance(&mut self, now: Instant) {
        loop {
            match &mut self.phase {
                Phase::Idle => {
                    // RFC 9112 2.2: ignore empty lines before a request line.
                    let blank = self
                        .inbuf
                        .iter()
                        .take_while(|&&b| b == b'\r' || b == b'\n')
                        .count();
                    self.inbuf.advance(blank);
                    if self.inbuf.is_empty() {
                        break;
                    }
                    // A fresh connection's head counts from the accept.
                    self.after_write = None;
                    if self.next_id > 0 && !self.mark(State::Head, now) {
                        break;
                    }
                    self.scan_from = 0;
                    self.phase = Phase::Head {
                        deadline: after(now, self.config.head_timeout),
                        line_done: false,
                    };
                }
                Phase::Head { line_done, .. } => {
                    if !*line_done {
                        *line_done = memchr::memchr(b'\n', &self.inbuf[self.scan_from..]).is_some();
                        if !*line_done && self.inbuf.len() > MAX_REQUEST_LINE {
                            self.reject(
                                Reject::new(StatusCode::URI_TOO_LONG, "request line too long"),
                                now,
                            );
                            break;
                        }
                    }
                    match head::find_head_end(&self.inbuf, self.scan_from) {
                        Some(end) if end <= self.config.max_head_size => {
                            // From here the request is under way: never evicted.
                            if !self.mark(State::Busy, now) {
                                break;
                            }
                            let head = self.inbuf.split_to(end).freeze();
                            self.start_request(&head, now);
                        }
                        found => {
                            if found.is_some() || self.inbuf.len() > self.config.max_head_size {
                                self.reject(
                                    Reject::new(
                                        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                                        "request head too large",
                                    ),
                                    now,
                                );
                            }
                            self.scan_from = self.inbuf.len();
                            break;
                        }
                    }
                }
                Phase::Body(body) => {
                    while !self.inbuf.is_empty() && !body.framer.is_done() {
                        let step = body.framer.read(&self.inbuf).and_then(|(n, data)| {
                            let len = data.len() as u64;
                            body.decoder.push(data).map(|()| (n, len))
                        });
                        match step {
                            Ok((n, len)) => {
                                self.inbuf.advance(n);
                                body.wire += len;
                                // Chunked and inflated bytes are charged as they come.
                                let held = body.wire.max(body.decoder.fed());
                                if let Some(charge) = self.charge.as_mut() {
                                    if !charge.grow_to(held) {
                                        self.reject(over_budget(), now);
                                        return;
                                    }
                                }
                            }
                            Err(e) => {
                                self.body_failed(e, now);
                                return;
                            }
                        }
                    }
                    if !body.framer.is_done() {
                        break;
                    }
                    self.finish_body(now);
                }
                Phase::Waiting(_) | Phase::Lingering { .. } | Phase::Closing | Phase::Closed => {
                    break
                }
            }
        }
        if self.peer_eof
            && matches!(
                self.phase,
                Phase::Idle | Phase::Head { .. } | Phase::Body(_)
            )
        {
            // The peer is gone mid-request (or between requests): nobody to answer.
            self.phase = Phase::Closing;
        }
    }

    /// A complete head: runs the checks of the status table in order.
    fn start_request(&mut self, head: &Bytes, now: Instant) {
        let config = Arc::clone(&self.config);
        let parts = match head::parse_request(head, config.max_headers) {
            Ok(parts) => parts,
            Err(r) => return self.reject(r, now),
        };
        if matches!(parts.method, Method::GET | Method::HEAD) && self.answer_get(&parts, now) {
            return;
        }
        if parts.method != Method::POST {
            return self.reject(
                Reject::new(StatusCode::METHOD_NOT_ALLOWED, "only POST is served"),
                now,
            );
        }
        let Some(path) = config.served_path(parts.uri.path()).cloned() else {
            return self.reject(Reject::new(StatusCode::NOT_FOUND, "no such path"), now);
        };
        let head = match head::analyse(&parts) {
            Ok(head) => head,
            Err(r) => return self.reject(r, now),
        };
        let user = match &config.auth {
            None => None,
            Some(check) => match authenticate(&parts.headers, check.as_ref()) {
                Some(user) => Some(user),
                None => {
                    return self.reject(
                        Reject::new(StatusCode::UNAUTHORIZED, "authentication required"),
                        now,
                    )
                }
            },
        };
        let framing = head.framing;
        let framer = match BodyFramer::new(
            framing,
            config.limits.max_message_size,
            config.max_head_size,
        ) {
            Ok(f) => f,
            Err(e) => return self.body_failed(e, now),
        };
        // A declared length is reserved before any body byte is read.
        let mut charge = self.ticket.as_ref().map(|t| t.budget().charge());
        if let (Some(charge), Framing::Length(n)) = (charge.as_mut(), framing) {
            if !charge.grow_to(n) {
                return self.reject(over_budget(), now);
            }
        }
        self.charge = charge;
        if head.expect_continue && !framer.is_done() {
            self.out.put_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
            self.write_deadline = Some(after(now, config.write_timeout));
        }
        let decoder = BodyDecoder::new(
            MessageKind::Call,
            config.limits,
            DecodeOptions::strict(),
            head.gzip_body,
            head.charset.as_deref(),
            false,
        )
        .whole_length(framing.declared());
        let id = RequestId(self.next_id);
        self.next_id += 1;
        let RequestHead {
            keep_alive,
            accept_gzip,
            ..
        } = head;
        let http10 = parts.version == Version::HTTP_10;
        self.phase = Phase::Body(Box::new(InBody {
            parts,
            path,
            framer,
            decoder,
            wire: 0,
            deadline: after(now, config.body_timeout),
            user,
            meta: Pending {
                id,
                keep_alive,
                accept_gzip,
                http10,
            },
        }));
    }

    /// Answers a `GET`/`HEAD` of the health path or (when configured) the
    /// docs page, then closes; false when it is neither.
    fn answer_get(&mut self, parts: &http::request::Parts, now: Instant) -> bool {
        let config = Arc::clone(&self.config);
        let Some(page) = page_for(&config, parts.uri.path(), false, self.shutting_down) else {
            return false;
        };
        write_page(
            page.status,
            page.content_type,
            page.body,
            parts.method == Method::HEAD,
            &config.server_name,
            &mut self.out,
        );
        self.write_deadline = Some(after(now, config.write_timeout));
        self.record(None, page.status.as_u16(), None, Duration::ZERO);
        self.inbuf.clear();
        self.after_write = Some(State::Done);
        self.phase = Phase::Closing;
        true
    }

    /// The whole body arrived: hand out the call, or answer a decode error
    /// with its fault (SPEC 26: still 200).
    fn finish_body(&mut self, now: Instant) {
        let Phase::Body(mut body) = std::mem::replace(&mut self.phase, Phase::Closing) else {
            return;
        };
        let finished = body.decoder.finish_call();
        let InBody {
            parts,
            path,
            user,
            meta,
            ..
        } = *body;
        match finished {
            Err(e) => self.body_failed(e, now),
            Ok(Ok(call)) => {
                self.in_flight = Some(InFlight {
                    method: call.method.clone(),
                    since: now,
                });
                let client = self
                    .config
                    .trusted_proxies
                    .client(self.peer.as_ref(), &parts.headers);
                let context = Context {
                    client,
                    peer: self.peer.clone(),
                    path,
                    headers: parts.headers,
                    user,
                };
                self.events.push_back(ServerEvent::Call {
                    id: meta.id,
                    call,
                    context,
                });
                self.phase = Phase::Waiting(meta);
            }
            Ok(Err(e)) => {
                let fault = e.to_fault();
                self.record(None, 200, Some(fault.code), Duration::ZERO);
                self.answer(meta, &MethodResponse::Fault(fault), now);
            }
        }
    }

    /// Writes the answer to `p` and moves on to the next request or closing.
    fn answer(&mut self, p: Pending, response: &MethodResponse, now: Instant) {
        let close = !p.keep_alive || self.shutting_down || self.overflow;
        let meta = ResponseMeta {
            accept_gzip: p.accept_gzip,
            gzip_threshold: self.config.gzip_threshold,
            close,
            http10_keep_alive: p.http10,
        };
        write_response(
            response,
            meta,
            &self.config.server_name,
            &mut self.scratch,
            &mut self.out,
        );
        self.write_deadline = Some(after(now, self.config.write_timeout));
        self.charge = None;
        if close {
            self.inbuf.clear();
            self.after_write = Some(State::Done);
            self.phase = Phase::Closing;
        } else {
            self.after_write = Some(State::Idle);
            self.idle_since = now;
            self.phase = Phase::Idle;
        }
    }

    fn body_failed(&mut self, e: BodyError, now: Instant) {
        self.reject(body_reject(e), now);
    }

    /// Answers with a refusal, then lingers: what the client still sends
    /// is read and dropped (never parsed) until it closes or the linger
    /// window passes, so it reads the refusal instead of a reset.
    fn reject(&mut self, reject: Reject, now: Instant) {
        reject.write(&self.config.server_name, &mut self.out);
        self.write_deadline = Some(after(now, self.config.write_timeout));
        self.record(None, reject.status.as_u16(), None, Duration::ZERO);
        self.inbuf.clear();
        self.charge = None;
        self.after_write = Some(State::Done);
        self.phase = if self.peer_eof {
            Phase::Closing
        } else {
            Phase::Lingering {
                until: after(now, self.config.linger_timeout),
            }
        };
    }

    fn record(
        &mut self,
        method: Option<String>,
        status: u16,
        fault: Option<i32>,
        elapsed: Duration,
    ) {
        self.events.push_back(ServerEvent::Answered(CallRecord {
            peer: self.peer.clone(),
            method,
            status,
            fault,
            elapsed,
        }));
    }
}

/// The refusal of a request body that could not be read.
pub(crate) fn body_reject(e: BodyError) -> Reject {
    match e {
        BodyError::TooLarge => Reject::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body over max_message_size",
        ),
        BodyError::Framing(c) => Reject::bad_request(c.describe()),
        BodyError::BadGzip => Reject::bad_request("request body is not valid gzip"),
        BodyError::Truncated => Reject::bad_request("request body truncated"),
    }
}

/// The refusal of a body that does not fit the server's body budget.
pub(crate) fn over_budget() -> Reject {
    Reject::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "server busy: request bodies over the body budget, retry later",
    )
}

/// The user whose Basic credentials `check` accepts, if any.
pub(crate) fn authenticate(headers: &http::HeaderMap, check: &AuthCheck) -> Option<String> {
    let value = headers.get(http::header::AUTHORIZATION)?;
    let (user, password) = auth::parse_basic(value.as_bytes())?;
    check(&user, &password).then_some(user)
}
