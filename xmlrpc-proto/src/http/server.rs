//! [`ServerConnection`]: one server-side HTTP/1.1 connection, sans IO.
//!
//! One request is read at a time: head, checks, body into the decoder, then
//! [`ServerEvent::Call`]; bytes of pipelined requests that arrive meanwhile
//! are buffered (bounded) and read once the call was answered, so answers
//! always leave in request order and no request gets two.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use http::{Method, StatusCode, Version};

use super::auth;
use super::body::{BodyDecoder, BodyError, BodyFramer};
use super::head::{self, RequestHead, MAX_REQUEST_LINE};
use super::response::{write_response, ResponseMeta};
use super::status::Reject;
use super::{Input, Output};
use crate::decode::MessageKind;
use crate::{Limits, MethodCall, MethodResponse};

/// The Basic-auth callback of [`ServerConfig::auth`]: (user, password) to
/// accept or refuse. Compare secrets in constant time.
pub type AuthCheck = dyn Fn(&str, &str) -> bool + Send + Sync;

/// Settings shared by every connection of a server.
#[derive(Clone)]
pub struct ServerConfig {
    /// Decoder limits for request bodies (`max_message_size` caps the body,
    /// before and after gzip inflation).
    pub limits: Limits,
    /// Largest request head in bytes (default 16 KiB).
    pub max_head_size: usize,
    /// Most request headers (default 100).
    pub max_headers: usize,
    /// Deadline for a whole request head once its first byte arrived (30 s).
    pub head_timeout: Duration,
    /// Deadline for a whole body once the head arrived (60 s).
    pub body_timeout: Duration,
    /// Idle keep-alive connections are closed after this (75 s).
    pub idle_timeout: Duration,
    /// Request paths served (default `/` and `/RPC2`); others get 404.
    pub paths: Vec<String>,
    /// Gzip responses at least this large when the client accepts gzip
    /// (default 1 KiB); `None` never compresses.
    pub gzip_threshold: Option<usize>,
    /// When set, requests need Basic auth and this decides (user, password).
    pub auth: Option<Arc<AuthCheck>>,
    /// `Server` header value.
    pub server_name: String,
}

impl Default for ServerConfig {
    /// The defaults of the limits table in [`crate::http`].
    fn default() -> Self {
        ServerConfig {
            limits: Limits::server(),
            max_head_size: 16 * 1024,
            max_headers: 100,
            head_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(75),
            paths: vec!["/".to_string(), "/RPC2".to_string()],
            gzip_threshold: Some(1024),
            auth: None,
            server_name: concat!("xmlrpc-proto/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig").finish_non_exhaustive()
    }
}

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
        /// Method, URI, version and headers of the HTTP request.
        head: http::request::Parts,
        /// The user that passed Basic auth, if auth is configured.
        user: Option<String>,
    },
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
    /// Send what is queued, then close.
    Closing,
    /// Done.
    Closed,
}

#[derive(Debug)]
struct InBody {
    parts: http::request::Parts,
    framer: BodyFramer,
    decoder: BodyDecoder,
    deadline: Instant,
    user: Option<String>,
    meta: Pending,
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
    overflow: bool,
}

impl ServerConnection {
    /// A fresh connection accepted at `now`.
    pub fn new(config: Arc<ServerConfig>, now: Instant) -> Self {
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
            overflow: false,
        }
    }

    /// Feeds bytes, end of input, or the passage of time.
    pub fn handle_input(&mut self, input: Input<'_>) {
        if matches!(self.phase, Phase::Closing | Phase::Closed) {
            return;
        }
        match input {
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
                deadline: Some(self.idle_since + self.config.idle_timeout),
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
        }
    }

    /// Answers request `id` (encodes, frames, maybe gzips). Ignored unless
    /// `id` is the call in flight, so no request is ever answered twice.
    pub fn respond(&mut self, id: RequestId, response: MethodResponse, now: Instant) {
        match self.phase {
            Phase::Waiting(p) if p.id == id => {
                self.answer(p, &response, now);
                self.advance(now);
            }
            _ => {}
        }
    }

    /// Graceful shutdown: finish the request in flight (if any), then close;
    /// an idle connection closes at once.
    pub fn shutdown(&mut self, now: Instant) {
        let _ = now;
        self.shutting_down = true;
        if matches!(self.phase, Phase::Idle | Phase::Head { .. }) {
            self.inbuf.clear();
            self.phase = Phase::Closing;
        }
    }

    /// Bytes of input held: a head in progress or pipelined requests
    /// waiting for the call in flight. Stays within `max_head_size` + 64
    /// KiB plus the last input chunk (a metric for adapters and fuzzing).
    pub fn buffered_len(&self) -> usize {
        self.inbuf.len()
    }

    fn pipeline_cap(&self) -> usize {
        self.config.max_head_size.saturating_add(PIPELINE_SLACK)
    }

    /// Applies the deadline of the current phase; true when it fired.
    fn check_deadline(&mut self, now: Instant) -> bool {
        let fired = match &self.phase {
            Phase::Idle => now >= self.idle_since + self.config.idle_timeout,
            Phase::Head { deadline, .. } => now >= *deadline,
            Phase::Body(body) => now >= body.deadline,
            _ => false,
        };
        if !fired {
            return false;
        }
        match self.phase {
            // An idle client gets no answer, only the close.
            Phase::Idle => self.phase = Phase::Closing,
            Phase::Head { .. } => self.reject(Reject::new(
                StatusCode::REQUEST_TIMEOUT,
                "request head not received in time",
            )),
            _ => self.reject(Reject::new(
                StatusCode::REQUEST_TIMEOUT,
                "request body not received in time",
            )),
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
                    if self.inbuf.is_empty() || self.shutting_down {
                        break;
                    }
                    self.scan_from = 0;
                    self.phase = Phase::Head {
                        deadline: now + self.config.head_timeout,
                        line_done: false,
                    };
                }
                Phase::Head { line_done, .. } => {
                    if !*line_done {
                        *line_done = memchr::memchr(b'\n', &self.inbuf[self.scan_from..]).is_some();
                        if !*line_done && self.inbuf.len() > MAX_REQUEST_LINE {
                            self.reject(Reject::new(
                                StatusCode::URI_TOO_LONG,
                                "request line too long",
                            ));
                            break;
                        }
                    }
                    match head::find_head_end(&self.inbuf, self.scan_from) {
                        Some(end) if end <= self.config.max_head_size => {
                            let head = self.inbuf.split_to(end).freeze();
                            self.start_request(&head, now);
                        }
                        found => {
                            if found.is_some() || self.inbuf.len() > self.config.max_head_size {
                                self.reject(Reject::new(
                                    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                                    "request head too large",
                                ));
                            }
                            self.scan_from = self.inbuf.len();
                            break;
                        }
                    }
                }
                Phase::Body(body) => {
                    while !self.inbuf.is_empty() && !body.framer.is_done() {
                        let step = body
                            .framer
                            .read(&self.inbuf)
                            .and_then(|(n, data)| body.decoder.push(data).map(|()| n));
                        match step {
                            Ok(n) => self.inbuf.advance(n),
                            Err(e) => {
                                self.body_failed(e);
                                return;
                            }
                        }
                    }
                    if !body.framer.is_done() {
                        break;
                    }
                    self.finish_body(now);
                }
                Phase::Waiting(_) | Phase::Closing | Phase::Closed => break,
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
            Err(r) => return self.reject(r),
        };
        if parts.method != Method::POST {
            return self.reject(Reject::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "only POST is served",
            ));
        }
        if !config.paths.iter().any(|p| p == parts.uri.path()) {
            return self.reject(Reject::new(StatusCode::NOT_FOUND, "no such path"));
        }
        let head = match head::analyse(parts) {
            Ok(head) => head,
            Err(r) => return self.reject(r),
        };
        let user = match &config.auth {
            None => None,
            Some(check) => match authenticate(&head, check.as_ref()) {
                Some(user) => Some(user),
                None => {
                    return self.reject(Reject::new(
                        StatusCode::UNAUTHORIZED,
                        "authentication required",
                    ))
                }
            },
        };
        let framer = match BodyFramer::new(
            head.framing,
            config.limits.max_message_size,
            config.max_head_size,
        ) {
            Ok(f) => f,
            Err(e) => return self.body_failed(e),
        };
        if head.expect_continue && !framer.is_done() {
            self.out.put_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        let decoder = BodyDecoder::new(
            MessageKind::Call,
            config.limits,
            head.gzip_body,
            head.charset.as_deref(),
            false,
        );
        let id = RequestId(self.next_id);
        self.next_id += 1;
        let RequestHead {
            parts,
            keep_alive,
            accept_gzip,
            ..
        } = head;
        let http10 = parts.version == Version::HTTP_10;
        self.phase = Phase::Body(Box::new(InBody {
            parts,
            framer,
            decoder,
            deadline: now + config.body_timeout,
            user,
            meta: Pending {
                id,
                keep_alive,
                accept_gzip,
                http10,
            },
        }));
    }

    /// The whole body arrived: hand out the call, or answer a decode error
    /// with its fault (SPEC 26: still 200).
    fn finish_body(&mut self, now: Instant) {
        let Phase::Body(body) = std::mem::replace(&mut self.phase, Phase::Closing) else {
            return;
        };
        let InBody {
            parts,
            decoder,
            user,
            meta,
            ..
        } = *body;
        match decoder.finish_call() {
            Err(e) => self.body_failed(e),
            Ok(Ok(call)) => {
                self.events.push_back(ServerEvent::Call {
                    id: meta.id,
                    call,
                    head: parts,
                    user,
                });
                self.phase = Phase::Waiting(meta);
            }
            Ok(Err(e)) => self.answer(meta, &MethodResponse::Fault(e.to_fault()), now),
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
        if close {
            self.inbuf.clear();
            self.phase = Phase::Closing;
        } else {
            self.idle_since = now;
            self.phase = Phase::Idle;
        }
    }

    fn body_failed(&mut self, e: BodyError) {
        let reject = match e {
            BodyError::TooLarge => Reject::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request body over max_message_size",
            ),
            BodyError::Framing(c) => Reject::bad_request(c.describe()),
            BodyError::BadGzip => Reject::bad_request("request body is not valid gzip"),
            BodyError::Truncated => Reject::bad_request("request body truncated"),
        };
        self.reject(reject);
    }

    /// Answers with a refusal and closes without reading further.
    fn reject(&mut self, reject: Reject) {
        reject.write(&self.config.server_name, &mut self.out);
        self.inbuf.clear();
        self.phase = Phase::Closing;
    }
}

/// The user whose Basic credentials `check` accepts, if any.
fn authenticate(head: &RequestHead, check: &AuthCheck) -> Option<String> {
    let value = head.parts.headers.get(http::header::AUTHORIZATION)?;
    let (user, password) = auth::parse_basic(value.as_bytes())?;
    check(&user, &password).then_some(user)
}
