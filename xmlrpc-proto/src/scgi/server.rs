//! The server side of SCGI: one request per connection, read with the
//! same limits, deadlines, eviction and body budget as HTTP, answered
//! with a CGI response, then closed.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Buf, BufMut, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::header::{self, HeaderBlock};
use super::ScgiError;
use crate::decode::{DecodeOptions, MessageKind};
use crate::http::admission::{State, Ticket};
use crate::http::body::{BodyDecoder, BodyError, BodyFramer};
use crate::http::budget::Charge;
use crate::http::head::{self, Framing};
use crate::http::response::encode_body;
use crate::http::server::{body_reject, over_budget};
use crate::http::status::Reject;
use crate::http::{auth, CallRecord, Input, Output, RequestId, ServerConfig, ServerEvent};
use crate::service::Context;
use crate::time::after;
use crate::MethodResponse;

#[derive(Debug)]
enum Phase {
    /// Accepted, no byte yet (closed without an answer at `idle_timeout`).
    Fresh,
    /// Reading the header block, until `deadline`.
    Header {
        deadline: Instant,
    },
    /// Reading the body.
    Body(Box<InBody>),
    /// The call was handed out.
    Waiting {
        method: String,
        since: Instant,
    },
    /// A refusal was sent: drop input until the peer closes or `until`.
    Lingering {
        until: Instant,
    },
    /// Send what is queued, then close.
    Closing,
    Closed,
}

#[derive(Debug)]
struct InBody {
    framer: BodyFramer,
    decoder: BodyDecoder,
    deadline: Instant,
    context: Context,
}

/// One server-side SCGI connection (behind `ServerConnection::scgi`).
#[derive(Debug)]
pub(crate) struct ScgiServer {
    config: Arc<ServerConfig>,
    phase: Phase,
    inbuf: BytesMut,
    out: BytesMut,
    scratch: BytesMut,
    events: VecDeque<ServerEvent>,
    accepted: Instant,
    peer_eof: bool,
    peer: Option<Arc<str>>,
    write_deadline: Option<Instant>,
    ticket: Option<Ticket>,
    charge: Option<Charge>,
    after_write: Option<State>,
}

/// The one request of a connection.
const ID: RequestId = RequestId(0);

impl ScgiServer {
    pub(crate) fn new(
        config: Arc<ServerConfig>,
        ticket: Option<Ticket>,
        peer: Option<String>,
        now: Instant,
    ) -> Self {
        ScgiServer {
            config,
            phase: Phase::Fresh,
            inbuf: BytesMut::new(),
            out: BytesMut::new(),
            scratch: BytesMut::new(),
            events: VecDeque::new(),
            accepted: now,
            peer_eof: false,
            peer: peer.map(Arc::from),
            write_deadline: None,
            ticket,
            charge: None,
            after_write: None,
        }
    }

    pub(crate) fn handle_input(&mut self, input: Input<'_>) {
        if matches!(self.phase, Phase::Closing | Phase::Closed) {
            return;
        }
        if self.ticket.as_ref().is_some_and(Ticket::is_evicted) {
            self.inbuf.clear();
            self.phase = Phase::Closing;
            return;
        }
        if let Input::SendFailed(..) = input {
            self.out.clear();
            self.inbuf.clear();
            self.phase = Phase::Closed;
            return;
        }
        if let Phase::Lingering { until } = self.phase {
            match input {
                Input::Data(now, _) | Input::Tick(now) if now < until => {}
                _ => self.phase = Phase::Closing,
            }
            return;
        }
        let now = input.now();
        if self.check_deadline(now) {
            return;
        }
        match input {
            Input::Data(_, data) => {
                // One request per connection: bytes after its body are not read.
                if matches!(self.phase, Phase::Waiting { .. }) || self.peer_eof {
                    return;
                }
                self.inbuf.extend_from_slice(data);
                self.advance(now);
            }
            Input::Eof(_) => {
                self.peer_eof = true;
                if !matches!(self.phase, Phase::Waiting { .. }) {
                    // Gone before the request was complete: nobody to answer.
                    self.inbuf.clear();
                    self.phase = Phase::Closing;
                }
            }
            Input::Tick(_) | Input::SendFailed(..) => {}
        }
    }

    pub(crate) fn poll_output(&mut self) -> Output<ServerEvent> {
        if !self.out.is_empty() {
            return Output::Transmit(self.out.split().freeze());
        }
        if let Some(event) = self.events.pop_front() {
            return Output::Event(event);
        }
        let read = !self.peer_eof;
        match &self.phase {
            Phase::Closing | Phase::Closed => {
                self.phase = Phase::Closed;
                Output::Closed
            }
            Phase::Fresh => Output::Wait {
                read,
                deadline: Some(after(self.accepted, self.config.idle_timeout)),
            },
            Phase::Header { deadline } => Output::Wait {
                read,
                deadline: Some(*deadline),
            },
            Phase::Body(body) => Output::Wait {
                read,
                deadline: Some(body.deadline),
            },
            Phase::Waiting { .. } => Output::Wait {
                read: false,
                deadline: None,
            },
            Phase::Lingering { until } => Output::Wait {
                read: true,
                deadline: Some(*until),
            },
        }
    }

    pub(crate) fn transmitted(&mut self, now: Instant) {
        if self.out.is_empty() {
            if let Some(state) = self.after_write.take() {
                self.mark(state, now);
            }
        }
    }

    pub(crate) fn write_deadline(&self) -> Option<Instant> {
        self.write_deadline
    }

    pub(crate) fn respond(&mut self, id: RequestId, response: MethodResponse, now: Instant) {
        if id != ID {
            return;
        }
        let Phase::Waiting { method, since } = std::mem::replace(&mut self.phase, Phase::Closing)
        else {
            return;
        };
        let fault = match &response {
            MethodResponse::Fault(f) => Some(f.code),
            MethodResponse::Success(_) => None,
        };
        self.record(
            Some(method),
            200,
            fault,
            now.saturating_duration_since(since),
        );
        self.answer(&response, now);
    }

    pub(crate) fn shutdown(&mut self) {
        if matches!(
            self.phase,
            Phase::Fresh | Phase::Header { .. } | Phase::Lingering { .. }
        ) {
            self.inbuf.clear();
            self.phase = Phase::Closing;
        }
    }

    pub(crate) fn buffered_len(&self) -> usize {
        self.inbuf.len()
    }

    fn mark(&mut self, state: State, now: Instant) -> bool {
        let kept = self.ticket.as_ref().is_none_or(|t| t.set(state, now));
        if !kept {
            self.inbuf.clear();
            self.phase = Phase::Closing;
        }
        kept
    }

    /// Applies the current phase's deadline; true when it fired.
    fn check_deadline(&mut self, now: Instant) -> bool {
        let (deadline, reason) = match &self.phase {
            Phase::Fresh => (after(self.accepted, self.config.idle_timeout), None),
            Phase::Header { deadline } => {
                (*deadline, Some("SCGI header block not received in time"))
            }
            Phase::Body(body) => (body.deadline, Some("request body not received in time")),
            _ => return false,
        };
        if now < deadline {
            return false;
        }
        match reason {
            None => {
                self.mark(State::Done, now);
                self.phase = Phase::Closing;
            }
            Some(reason) => self.reject(Reject::new(StatusCode::REQUEST_TIMEOUT, reason), now),
        }
        true
    }

    fn advance(&mut self, now: Instant) {
        loop {
            match &mut self.phase {
                Phase::Fresh => {
                    if self.inbuf.is_empty() {
                        return;
                    }
                    self.phase = Phase::Header {
                        deadline: after(now, self.config.head_timeout),
                    };
                }
                Phase::Header { .. } => {
                    let cap = self.config.max_head_size;
                    let (len, at) = match header::parse_prefix(&self.inbuf, cap) {
                        Ok(Some(found)) => found,
                        Ok(None) => return,
                        Err(e) => return self.reject(e.reject(), now),
                    };
                    if self.inbuf.len() <= at + len {
                        return;
                    }
                    if self.inbuf[at + len] != b',' {
                        return self.reject(ScgiError::Unterminated.reject(), now);
                    }
                    // From here the request is under way: never evicted.
                    if !self.mark(State::Busy, now) {
                        return;
                    }
                    let parsed =
                        header::parse_block(&self.inbuf[at..at + len], self.config.max_headers);
                    self.inbuf.advance(at + len + 1);
                    match parsed {
                        Ok(block) => self.start_body(&block, now),
                        Err(e) => return self.reject(e.reject(), now),
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
                            Err(e) => return self.body_failed(e, now),
                        }
                    }
                    if !body.framer.is_done() {
                        return;
                    }
                    // Whatever follows the body is not part of any request.
                    self.inbuf.clear();
                    return self.finish_body(now);
                }
                _ => return,
            }
        }
    }

    /// A complete header block: auth, the body's size and budget.
    fn start_body(&mut self, block: &HeaderBlock, now: Instant) {
        let config = Arc::clone(&self.config);
        let context = context_of(block, self.peer.clone());
        let user = match &config.auth {
            None => None,
            Some(check) => {
                let credentials = block
                    .get("HTTP_AUTHORIZATION")
                    .and_then(|v| auth::parse_basic(v.as_bytes()));
                match credentials {
                    Some((user, password)) if check(&user, &password) => Some(user),
                    _ => {
                        let why = Reject::new(StatusCode::UNAUTHORIZED, "authentication required");
                        return self.reject(why, now);
                    }
                }
            }
        };
        let framing = Framing::Length(block.content_length);
        let framer = match BodyFramer::new(framing, config.limits.max_message_size, 0) {
            Ok(framer) => framer,
            Err(e) => return self.body_failed(e, now),
        };
        // The declared length is reserved before any body byte is read.
        let mut charge = self.ticket.as_ref().map(|t| t.budget().charge());
        if let Some(charge) = charge.as_mut() {
            if !charge.grow_to(block.content_length) {
                return self.reject(over_budget(), now);
            }
        }
        self.charge = charge;
        let charset = block
            .get("CONTENT_TYPE")
            .and_then(|v| head::charset_of(v.as_bytes()));
        let decoder = BodyDecoder::new(
            MessageKind::Call,
            config.limits,
            DecodeOptions::strict(),
            false,
            charset.as_deref(),
            false,
        )
        .whole_length(Some(block.content_length));
        self.phase = Phase::Body(Box::new(InBody {
            framer,
            decoder,
            deadline: after(now, config.body_timeout),
            context: Context { user, ..context },
        }));
    }

    fn finish_body(&mut self, now: Instant) {
        let Phase::Body(mut body) = std::mem::replace(&mut self.phase, Phase::Closing) else {
            return;
        };
        let finished = body.decoder.finish_call();
        let InBody { context, .. } = *body;
        match finished {
            Err(e) => self.body_failed(e, now),
            Ok(Ok(call)) => {
                self.phase = Phase::Waiting {
                    method: call.method.clone(),
                    since: now,
                };
                self.events.push_back(ServerEvent::Call {
                    id: ID,
                    call,
                    context,
                });
            }
            Ok(Err(e)) => {
                let fault = e.to_fault();
                self.record(None, 200, Some(fault.code), Duration::ZERO);
                self.answer(&MethodResponse::Fault(fault), now);
            }
        }
    }

    /// Writes the CGI answer; the connection closes after it.
    fn answer(&mut self, response: &MethodResponse, now: Instant) {
        encode_body(response, &mut self.scratch);
        let out = &mut self.out;
        out.reserve(80 + self.scratch.len());
        out.put_slice(b"Status: 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ");
        out.put_slice(itoa::Buffer::new().format(self.scratch.len()).as_bytes());
        out.put_slice(b"\r\n\r\n");
        out.put_slice(&self.scratch);
        self.write_deadline = Some(after(now, self.config.write_timeout));
        self.charge = None;
        self.after_write = Some(State::Done);
        self.phase = Phase::Closing;
    }

    fn body_failed(&mut self, e: BodyError, now: Instant) {
        self.reject(body_reject(e), now);
    }

    /// Answers with a CGI refusal, then lingers like an HTTP refusal.
    fn reject(&mut self, reject: Reject, now: Instant) {
        reject.write_cgi(&mut self.out);
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

/// What a handler sees of an SCGI request: the path from `REQUEST_URI`
/// (or `SCRIPT_NAME` + `PATH_INFO`), `HTTP_*` variables and
/// `CONTENT_TYPE` as headers.
fn context_of(block: &HeaderBlock, peer: Option<Arc<str>>) -> Context {
    let path: Arc<str> = match block.get("REQUEST_URI") {
        Some(uri) => uri.split('?').next().unwrap_or_default().into(),
        None => {
            let script = block.get("SCRIPT_NAME").unwrap_or_default();
            format!("{script}{}", block.get("PATH_INFO").unwrap_or_default()).into()
        }
    };
    let mut headers = HeaderMap::new();
    for (name, value) in &block.vars {
        let header = match name.strip_prefix("HTTP_") {
            Some(rest) => rest.replace('_', "-").to_ascii_lowercase(),
            None if name == "CONTENT_TYPE" => "content-type".to_owned(),
            None => continue,
        };
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(header.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.append(name, value);
        }
    }
    // The web server in front says who its client was.
    let client = block
        .get("REMOTE_ADDR")
        .map(Arc::from)
        .or_else(|| peer.clone());
    Context {
        peer,
        path,
        headers,
        user: None,
        client,
    }
}
