//! [`ClientConnection`]: one client-side HTTP/1.1 connection, sans IO.
//!
//! One call at a time: [`ClientConnection::send_call`] queues the request,
//! the response is read (Content-Length, chunked, or until close), inflated
//! when gzip, decoded incrementally, and reported as one
//! [`ClientEvent::Response`].
//!
//! On an `scgi://` or `scgi+unix://` address the same machine speaks SCGI
//! (see [`crate::scgi`]): the request is a netstring header block and the
//! body, the CGI response head is read like an HTTP one, and the
//! connection is never reused.
//!
//! # When a call may be retried
//!
//! A call is safe to send again on a fresh connection only when the server
//! cannot have seen it processed: the connection had already served an
//! earlier call (it was reused from idle keep-alive) and the server closed
//! it **before any byte of the response arrived**. That is the race of a
//! server closing an idle connection just as a new request goes out; the
//! result is [`ClientError::Closed`] with `retryable: true`. A close on a
//! fresh connection, or after part of a response, gives `retryable: false`:
//! the server may have run the call, and XML-RPC calls are not idempotent.
//! [`ClientConnection::send_call`] on a connection that is already closed
//! sends nothing, so it also says `retryable: true`.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::auth;
use super::body::{BodyDecoder, BodyError, BodyFramer};
use super::gzip;
use super::head::{self, Framing};
use super::status::put_header;
use super::{Input, Output, SendFailure};
use crate::client::{ClientConfig, ClientError, Route, TimeoutKind};
use crate::decode::MessageKind;
use crate::time::after;
use crate::{encode_call, MethodCall, MethodResponse};

/// Largest response head the client reads.
pub(crate) const MAX_RESPONSE_HEAD: usize = 64 * 1024;
/// Most response headers the client reads.
pub(crate) const MAX_RESPONSE_HEADERS: usize = 100;
/// Longest body excerpt kept for [`ClientError::Status`].
const EXCERPT: usize = 256;

/// What a client connection reports.
#[derive(Debug)]
pub enum ClientEvent {
    /// The call finished.
    Response {
        /// The decoded response, or why there is none.
        result: Result<MethodResponse, ClientError>,
        /// The raw body, when `keep_raw_body` is set.
        raw_body: Option<Bytes>,
    },
}

#[derive(Debug)]
enum State {
    /// No call in flight; the connection may be reused.
    Idle,
    /// Request sent; reading the response head.
    Head {
        first_byte: Option<Instant>,
        deadline: Instant,
        scan_from: usize,
    },
    /// Reading the response body.
    Body(Box<InBody>),
    /// Flush, then report `Closed`.
    Closed,
}

#[derive(Debug)]
struct InBody {
    framer: BodyFramer,
    deadline: Instant,
    keep_alive: bool,
    kind: BodyKind,
}

#[derive(Debug)]
enum BodyKind {
    /// A 200: decode it.
    Ok(Box<BodyDecoder>),
    /// Another status: keep an excerpt for the error.
    Status {
        status: StatusCode,
        headers: HeaderMap,
        excerpt: Vec<u8>,
    },
}

/// One client-side connection, one call in flight at a time.
#[derive(Debug)]
pub struct ClientConnection {
    config: Arc<ClientConfig>,
    state: State,
    inbuf: BytesMut,
    out: BytesMut,
    events: VecDeque<ClientEvent>,
    calls_done: u64,
    /// Until when the request handed out may take to write.
    write_deadline: Option<Instant>,
    /// The peer stopped taking bytes: what is left of the request is
    /// dropped, and the connection reads on for an early answer.
    write_dead: bool,
    /// What every request on this connection starts with and carries,
    /// worked out once: the route and `Host` do not change per call.
    fixed: FixedHead,
    /// The encoded call, kept between calls for its capacity.
    body: BytesMut,
}

/// The parts of a request head that are the same for every call.
#[derive(Debug)]
struct FixedHead {
    /// `POST <target> HTTP/1.1\r\nHost: <host>\r\n`.
    start: Bytes,
    /// `Proxy-Authorization` for a forwarding proxy with credentials.
    proxy_authorization: Option<String>,
    /// `Authorization` from the URL's credentials.
    authorization: Option<String>,
}

impl FixedHead {
    fn new(config: &ClientConfig) -> Self {
        let forward = match config.route() {
            Route::Forward(proxy) => Some(proxy),
            Route::Direct | Route::Tunnel(_) => None,
        };
        let host = config.address.host_header();
        let mut start = BytesMut::with_capacity(64);
        start.put_slice(b"POST ");
        if forward.is_some() {
            // A forwarding proxy needs the absolute form (RFC 9112 3.2.2).
            start.put_slice(b"http://");
            start.put_slice(host.as_bytes());
        }
        start.put_slice(config.address.path().as_bytes());
        start.put_slice(b" HTTP/1.1\r\n");
        put_header(&mut start, "Host", &host);
        FixedHead {
            start: start.freeze(),
            proxy_authorization: forward
                .and_then(|p| p.credentials.as_ref())
                .map(|(user, password)| auth::basic_header(user, password)),
            authorization: config
                .address
                .credentials()
                .map(|(user, password)| auth::basic_header(user, password)),
        }
    }
}

impl ClientConnection {
    /// A connection that is already connected (the adapter opened it).
    pub fn new(config: Arc<ClientConfig>) -> Self {
        ClientConnection {
            fixed: FixedHead::new(&config),
            body: BytesMut::new(),
            config,
            state: State::Idle,
            inbuf: BytesMut::new(),
            out: BytesMut::new(),
            events: VecDeque::new(),
            calls_done: 0,
            write_deadline: None,
            write_dead: false,
        }
    }

    /// Starts a call; its request bytes come out of `poll_output`.
    /// Fails when a call is already in flight or the connection is closed.
    pub fn send_call(&mut self, call: &MethodCall, now: Instant) -> Result<(), ClientError> {
        self.send_call_with_headers(call, &HeaderMap::new(), now)
    }

    /// As [`send_call`](Self::send_call), with `extra` headers for this call
    /// only: they replace the configured headers of the same names
    /// (framing headers in it are ignored). With a [`ClientConfig::cookie_jar`], the jar's matching
    /// cookies go in a `Cookie` header unless `extra` has one.
    pub fn send_call_with_headers(
        &mut self,
        call: &MethodCall,
        extra: &HeaderMap,
        now: Instant,
    ) -> Result<(), ClientError> {
        match self.state {
            State::Idle => {}
            State::Closed => return Err(ClientError::Closed { retryable: true }),
            _ => {
                return Err(ClientError::Protocol(
                    "a call is already in flight on this connection".into(),
                ))
            }
        }
        let mut body = std::mem::take(&mut self.body);
        body.clear();
        let encoded = encode_call(call, &mut body);
        if encoded.is_ok() {
            self.write_request(&body, extra);
        }
        self.body = body;
        encoded.map_err(ClientError::Encode)?;
        self.write_deadline = Some(after(now, self.config.write_timeout));
        self.state = State::Head {
            first_byte: Some(after(now, self.config.first_byte_timeout)),
            deadline: after(now, self.config.response_timeout),
            scan_from: 0,
        };
        Ok(())
    }

    /// Feeds bytes, end of input, or the passage of time.
    pub fn handle_input(&mut self, input: Input<'_>) {
        let now = input.now();
        if self.check_deadline(now) {
            return;
        }
        match input {
            Input::SendFailed(_, SendFailure::TimedOut) => {
                if !matches!(self.state, State::Idle | State::Closed) {
                    self.fail(ClientError::Timeout(TimeoutKind::Write));
                } else {
                    self.close();
                }
            }
            // The server may have answered early (a 413 before the whole
            // body) and stopped reading: read on, the answer decides.
            Input::SendFailed(_, SendFailure::Disconnected) => {
                self.write_dead = true;
                self.out.clear();
            }
            Input::Data(_, data) => match self.state {
                State::Closed => {}
                State::Idle => {
                    if !data.is_empty() {
                        self.close(); // bytes nobody asked for
                    }
                }
                _ => {
                    if let State::Head { first_byte, .. } = &mut self.state {
                        *first_byte = None;
                    }
                    self.inbuf.extend_from_slice(data);
                    self.advance();
                }
            },
            Input::Eof(_) => self.eof(),
            Input::Tick(_) => {}
        }
    }

    /// The next thing to do; call until `Wait` or `Closed`.
    pub fn poll_output(&mut self) -> Output<ClientEvent> {
        if !self.out.is_empty() && !self.write_dead {
            return Output::Transmit(self.out.split().freeze());
        }
        if let Some(event) = self.events.pop_front() {
            return Output::Event(event);
        }
        match &self.state {
            State::Closed => Output::Closed,
            State::Idle => Output::Wait {
                read: false,
                deadline: None,
            },
            State::Head {
                first_byte,
                deadline,
                ..
            } => Output::Wait {
                read: true,
                deadline: Some(first_byte.map_or(*deadline, |f| f.min(*deadline))),
            },
            State::Body(body) => Output::Wait {
                read: true,
                deadline: Some(body.deadline),
            },
        }
    }

    /// True when the last call finished and the server allows another.
    pub fn is_reusable(&self) -> bool {
        matches!(self.state, State::Idle) && !self.write_dead
    }

    /// The deadline for writing what `poll_output` handed out: when it
    /// passes first, feed [`Input::SendFailed`] with
    /// [`SendFailure::TimedOut`].
    pub fn write_deadline(&self) -> Option<Instant> {
        self.write_deadline
    }

    fn write_request(&mut self, body: &[u8], extra: &HeaderMap) {
        let config = &*self.config;
        if config.address.is_scgi() {
            return crate::scgi::client::write_request(config, body, &mut self.out);
        }
        let gzipped = match config.gzip_threshold {
            Some(t) if body.len() >= t => Some(gzip::compress(body)),
            _ => None,
        };
        let payload: &[u8] = gzipped.as_deref().unwrap_or(body);
        let custom = &config.headers;
        let given = |name| custom.contains_key(&name) || extra.contains_key(&name);
        let out = &mut self.out;
        let fixed = &self.fixed;
        out.reserve(256 + payload.len());
        out.put_slice(&fixed.start);
        if let (Some(value), false) = (
            &fixed.proxy_authorization,
            given(http::header::PROXY_AUTHORIZATION),
        ) {
            put_header(out, "Proxy-Authorization", value);
        }
        if !given(http::header::USER_AGENT) {
            put_header(out, "User-Agent", &config.user_agent);
        }
        if !given(http::header::CONTENT_TYPE) {
            put_header(out, "Content-Type", "text/xml");
        }
        put_header(
            out,
            "Content-Length",
            itoa::Buffer::new().format(payload.len()),
        );
        if !given(http::header::ACCEPT_ENCODING) {
            put_header(out, "Accept-Encoding", "gzip");
        }
        if gzipped.is_some() {
            put_header(out, "Content-Encoding", "gzip");
        }
        if let (Some(value), false) = (&fixed.authorization, given(http::header::AUTHORIZATION)) {
            put_header(out, "Authorization", value);
        }
        let cookie = match &config.cookie_jar {
            Some(jar) if !extra.contains_key(http::header::COOKIE) => {
                jar.request_header(&config.address)
            }
            _ => None,
        };
        let cookie = cookie.iter().map(|v| (&http::header::COOKIE, v));
        // A per-call header replaces the client's headers of that name.
        let own = custom.iter().filter(|(name, _)| !extra.contains_key(*name));
        for (name, value) in own.chain(extra).chain(cookie) {
            if is_framing_header(name) {
                continue;
            }
            out.put_slice(name.as_str().as_bytes());
            out.put_slice(b": ");
            out.put_slice(value.as_bytes());
            out.put_slice(b"\r\n");
        }
        out.put_slice(b"\r\n");
        out.put_slice(payload);
    }

    fn check_deadline(&mut self, now: Instant) -> bool {
        let what = match &self.state {
            State::Head {
                first_byte: Some(f),
                ..
            } if now >= *f => TimeoutKind::FirstByte,
            State::Head { deadline, .. } if now >= *deadline => TimeoutKind::Response,
            State::Body(body) if now >= body.deadline => TimeoutKind::Response,
            _ => return false,
        };
        self.fail(ClientError::Timeout(what));
        true
    }

    fn advance(&mut self) {
        loop {
            match &mut self.state {
                State::Head { scan_from, .. } => {
                    let Some(end) = head::find_head_end(&self.inbuf, *scan_from) else {
                        *scan_from = self.inbuf.len();
                        if self.inbuf.len() > MAX_RESPONSE_HEAD {
                            self.fail(ClientError::Protocol("response head too large".into()));
                        }
                        return;
                    };
                    let deadline = match &self.state {
                        State::Head { deadline, .. } => *deadline,
                        _ => return,
                    };
                    let mut head = self.inbuf.split_to(end);
                    if self.config.address.is_scgi() {
                        match crate::scgi::client::cgi_head_to_http(&head) {
                            Ok(http) => head = http,
                            Err(e) => return self.fail(e),
                        }
                    }
                    match parse_response(&head, &self.config) {
                        Err(e) => return self.fail(e),
                        // 1xx (100 Continue): skip, the real head follows.
                        Ok(None) => {
                            self.state = State::Head {
                                first_byte: None,
                                deadline,
                                scan_from: 0,
                            }
                        }
                        Ok(Some((framer, keep_alive, kind))) => {
                            self.state = State::Body(Box::new(InBody {
                                framer,
                                deadline,
                                keep_alive,
                                kind,
                            }))
                        }
                    }
                }
                State::Body(body) => {
                    while !self.inbuf.is_empty() && !body.framer.is_done() {
                        let step = body.framer.read(&self.inbuf).and_then(|(n, data)| {
                            match &mut body.kind {
                                BodyKind::Ok(dec) => dec.push(data)?,
                                BodyKind::Status { excerpt, .. } => {
                                    let room = EXCERPT.saturating_sub(excerpt.len());
                                    excerpt.extend_from_slice(&data[..room.min(data.len())]);
                                }
                            }
                            Ok(n)
                        });
                        match step {
                            Ok(n) => self.inbuf.advance(n),
                            Err(e) => return self.fail(body_error(e)),
                        }
                    }
                    if body.framer.is_done() {
                        self.finish_body();
                    }
                    return;
                }
                State::Idle | State::Closed => return,
            }
        }
    }

    fn eof(&mut self) {
        match &mut self.state {
            State::Idle => self.close(),
            State::Closed => {}
            State::Head { .. } => {
                let untouched = self.inbuf.is_empty()
                    && matches!(
                        self.state,
                        State::Head {
                            first_byte: Some(_),
                            ..
                        }
                    );
                let retryable = untouched && self.calls_done > 0;
                self.fail(ClientError::Closed { retryable });
            }
            State::Body(body) => match body.framer.eof() {
                Ok(()) => {
                    body.keep_alive = false;
                    self.finish_body();
                }
                Err(_) => self.fail(ClientError::Closed { retryable: false }),
            },
        }
    }

    /// The body is complete: report the result and pick the next state.
    fn finish_body(&mut self) {
        let State::Body(body) = std::mem::replace(&mut self.state, State::Closed) else {
            return;
        };
        let InBody {
            keep_alive, kind, ..
        } = *body;
        let (result, raw_body) = match kind {
            BodyKind::Status {
                status,
                headers,
                excerpt,
            } => (
                Err(ClientError::Status {
                    status,
                    headers: Box::new(headers),
                    body_excerpt: String::from_utf8_lossy(&excerpt).into_owned(),
                }),
                None,
            ),
            BodyKind::Ok(mut dec) => match dec.finish_response() {
                Ok((result, raw)) => (result.map_err(ClientError::Decode), raw),
                Err(e) => (Err(body_error(e)), None),
            },
        };
        self.calls_done += 1;
        self.write_deadline = None;
        // Bytes after the response were never asked for: do not reuse.
        if keep_alive && self.inbuf.is_empty() && !self.write_dead {
            self.state = State::Idle;
        } else {
            self.close();
        }
        self.events
            .push_back(ClientEvent::Response { result, raw_body });
    }

    /// Reports `error` for the call in flight and closes.
    fn fail(&mut self, error: ClientError) {
        self.events.push_back(ClientEvent::Response {
            result: Err(error),
            raw_body: None,
        });
        self.close();
    }

    fn close(&mut self) {
        self.inbuf.clear();
        self.write_deadline = None;
        self.state = State::Closed;
    }
}

fn body_error(e: BodyError) -> ClientError {
    ClientError::Protocol(
        match e {
            BodyError::TooLarge => "response body over max_message_size",
            BodyError::Framing(c) => c.describe(),
            BodyError::Truncated => "response body truncated",
            BodyError::BadGzip => "response body is not valid gzip",
        }
        .into(),
    )
}

/// Headers the connection writes itself; custom values would break framing.
pub(crate) fn is_framing_header(name: &HeaderName) -> bool {
    [
        http::header::HOST,
        http::header::CONTENT_LENGTH,
        http::header::TRANSFER_ENCODING,
        http::header::CONTENT_ENCODING,
        http::header::CONNECTION,
    ]
    .contains(name)
}

type Parsed = Option<(BodyFramer, bool, BodyKind)>;

/// Parses a response head; `None` for an informational (1xx) head.
/// The response headers [`parse_response`] reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    TransferEncoding,
    ContentLength,
    Connection,
    ContentEncoding,
    ContentType,
    Other,
}

impl Read {
    fn of(name: &str) -> Read {
        [
            ("transfer-encoding", Read::TransferEncoding),
            ("content-length", Read::ContentLength),
            ("connection", Read::Connection),
            ("content-encoding", Read::ContentEncoding),
            ("content-type", Read::ContentType),
        ]
        .into_iter()
        .find(|(known, _)| name.eq_ignore_ascii_case(known))
        .map_or(Read::Other, |(_, read)| read)
    }
}

fn parse_response(head: &[u8], config: &ClientConfig) -> Result<Parsed, ClientError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_RESPONSE_HEADERS];
    let mut resp = httparse::Response::new(&mut headers);
    match resp.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) | Err(_) => {
            return Err(ClientError::Protocol("malformed response head".into()))
        }
    }
    let status = StatusCode::from_u16(resp.code.unwrap_or(0))
        .map_err(|_| ClientError::Protocol("malformed response status".into()))?;
    if status.is_informational() {
        return Ok(None);
    }
    let raw: &[httparse::Header<'_>] = resp.headers;
    // Framing and coding are read from the raw head; a header map is made
    // only where one is kept: for the cookie jar, or for the error a
    // status other than 200 becomes (a 200 needs none: most calls). Each
    // name is matched once, here; the reads below compare one byte.
    let mut read = [Read::Other; MAX_RESPONSE_HEADERS];
    for (tag, h) in read.iter_mut().zip(raw) {
        *tag = Read::of(h.name);
    }
    let values = |wanted: Read| {
        raw.iter()
            .zip(read)
            .filter(move |(_, tag)| *tag == wanted)
            .map(|(h, _)| h.value)
    };
    let map = (config.cookie_jar.is_some() || status != StatusCode::OK).then(|| header_map(raw));
    if let (Some(jar), Some(map)) = (&config.cookie_jar, &map) {
        jar.store_response(&config.address, map);
    }
    let protocol = |m: &str| ClientError::Protocol(m.to_string());
    let codings = head::tokens_of(values(Read::TransferEncoding));
    let framing = if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
        Framing::Length(0)
    } else if !codings.is_empty() {
        if codings.last().map(String::as_str) == Some("chunked") && codings.len() == 1 {
            Framing::Chunked
        } else {
            Framing::UntilClose
        }
    } else {
        match head::content_length_of(values(Read::ContentLength)) {
            Ok(Some(n)) => Framing::Length(n),
            Ok(None) => Framing::UntilClose,
            Err(r) => return Err(protocol(r.reason)),
        }
    };
    let connection = head::tokens_of(values(Read::Connection));
    let keep_alive = framing != Framing::UntilClose
        && !connection.iter().any(|t| t == "close")
        && (resp.version == Some(1) || connection.iter().any(|t| t == "keep-alive"));
    // Only a 200 body is kept; another status's body is skimmed for an
    // excerpt and dropped, so it needs no cap (the deadline bounds it).
    let cap = if status == StatusCode::OK {
        config.limits.max_message_size
    } else {
        usize::MAX
    };
    let framer = BodyFramer::new(framing, cap, MAX_RESPONSE_HEAD).map_err(body_error)?;
    let kind = if status == StatusCode::OK {
        let mut gzip = false;
        for c in head::tokens_of(values(Read::ContentEncoding)) {
            match c.as_str() {
                "identity" => {}
                "gzip" | "x-gzip" if !gzip => gzip = true,
                _ => return Err(protocol("unsupported Content-Encoding in response")),
            }
        }
        let charset = values(Read::ContentType).next().and_then(head::charset_of);
        BodyKind::Ok(Box::new(
            BodyDecoder::new(
                MessageKind::Response,
                config.limits,
                config.decode_options,
                gzip,
                charset.as_deref(),
                config.keep_raw_body,
            )
            .whole_length(framing.declared()),
        ))
    } else {
        BodyKind::Status {
            status,
            headers: map.unwrap_or_default(),
            excerpt: Vec::new(),
        }
    };
    Ok(Some((framer, keep_alive, kind)))
}

/// The response head's headers as a map (names and values that do not
/// parse as such are left out).
fn header_map(raw: &[httparse::Header<'_>]) -> HeaderMap {
    let mut map = HeaderMap::with_capacity(raw.len());
    for h in raw {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(h.name.as_bytes()),
            HeaderValue::from_bytes(h.value),
        ) {
            map.append(name, value);
        }
    }
    map
}
