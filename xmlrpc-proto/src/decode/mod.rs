//! The push decoder: bytes in any split, events out as soon as they complete.
//!
//! **Drain rule: after every [`Decoder::feed`] and [`Decoder::finish`], call
//! [`Decoder::poll_event`] until it returns `Ok(None)`.**
//!
//! ```
//! use xmlrpc_proto::decode::{Decoder, Event, MessageKind};
//! use xmlrpc_proto::{Limits, Value};
//!
//! let mut decoder = Decoder::new(MessageKind::Call, Limits::default());
//! let mut events = Vec::new();
//! for chunk in [&b"<methodCall><methodName>add</methodName><params><param><value><int>4"[..],
//!               b"</int></value></param></params></methodCall>"] {
//!     decoder.feed(chunk).unwrap();
//!     while let Some(event) = decoder.poll_event().unwrap() {
//!         events.push(event);
//!     }
//! }
//! decoder.finish().unwrap();
//! while let Some(event) = decoder.poll_event().unwrap() {
//!     events.push(event);
//! }
//! assert_eq!(events, [Event::MethodName("add".into()), Event::Param(Value::Int(4)), Event::End]);
//! ```
//!
//! What it refuses, with the error kind (and fault code):
//! - not well-formed XML, a DOCTYPE (never expanded), processing
//!   instructions, an XML declaration anywhere but the very start, text
//!   outside the root, truncated input: `Syntax` (-32700);
//! - an encoding other than UTF-8, US-ASCII, ISO-8859-1, Windows-1252,
//!   UTF-16: `UnsupportedEncoding` (-32701);
//! - bytes invalid for the encoding, characters XML forbids: `InvalidCharacter`
//!   (-32702);
//! - anything off the XML-RPC grammar (unknown or misplaced elements,
//!   attributes other than namespace declarations, prefixes other than
//!   Apache's `ex:`, `ex:serializable`/`ex:dom`, duplicate struct members,
//!   a response without exactly one `<param>`): `Structure` (-32600);
//! - a typed value with invalid text: `InvalidValue` (-32600);
//! - any of [`Limits`]: `LimitExceeded` naming the field (-32600).
//!
//! Namespaces: declarations are tolerated anywhere; the `ex:` prefix is read
//! as Apache's extension namespace whatever URI it is bound to (Apache binds
//! it on the root), and every other prefix is refused. `ex:serializable` and
//! `ex:dom` are refused unread, except as an extra member of a `<fault>`
//! (Apache's `faultCause`), where they are skipped unread.
//!
//! Whole messages: [`decode_call`], [`decode_response`] and their `_with`
//! forms first try a fast path over the one slice (recursive descent over
//! the tags XML-RPC expects, as the encoder writes them). It needs no state
//! between calls and no scratch memory on the heap: a call whose arrays,
//! structs and params hold at most eight values each allocates its decoded
//! values, each once at its final size, and nothing else. Anything off that
//! path (comments, CDATA, another encoding, an error, a limit reached) is
//! decoded again from the start by the push decoder, so results and errors
//! are the push decoder's in every case.
//!
//! Typed scalars (`int`, `i4`, `i8`, `boolean`, `double`,
//! `dateTime.iso8601`, `base64` and the `ex:` numbers) may have XML
//! whitespace around their text; `<string>` and bare `<value>` text are kept
//! verbatim. Line ends are normalised to LF as XML requires; a CR sent as
//! `&#xD;` survives.

mod builder;
mod declaration;
mod encoding;
mod error;
mod fault;
mod grammar;
mod lexer;
mod limits;
mod options;
pub(crate) mod slice;
mod tag;
mod text;

pub use error::{DecodeError, DecodeErrorKind, LimitKind};
pub use limits::Limits;
pub use options::DecodeOptions;

use encoding::{sniff, Charset, Sniff, Transcoder};
use error::Fail;
use grammar::Grammar;
use lexer::{Lexer, Token};

use crate::{Fault, MethodCall, MethodResponse, Value};

/// Which root element the decoder expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// `<methodCall>`.
    Call,
    /// `<methodResponse>`.
    Response,
}

/// What the decoder reports, in document order.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The `<methodName>` of a call.
    MethodName(String),
    /// One `<param>`'s value, as soon as its `</param>` closes.
    Param(Value),
    /// The `<fault>` of a response.
    Fault(Fault),
    /// The root element closed and only trailing whitespace/comments followed.
    End,
}

/// Longest tag (`<` to `>`) accepted, a fixed bound (a `Syntax` error past
/// it): an incomplete tag is re-scanned as bytes arrive, so this bounds the
/// cost of byte-by-byte input.
const MAX_TAG: usize = 8 << 10;

/// Where the input stands on its way to the lexer.
#[derive(Debug)]
enum Stage {
    /// The encoding is not known yet; the first bytes wait here.
    Sniffing(Vec<u8>),
    /// UTF-8: lexed straight from the caller's chunks.
    Utf8,
    /// Another encoding, transcoded into the buffer first.
    Transcode(Transcoder),
}

/// Incremental XML-RPC decoder.
///
/// Feed bytes split anywhere; the result is the same as feeding them whole.
/// Memory stays proportional to the input (the values built plus the
/// incomplete tail of the last chunk); time is linear in it. After an
/// error the decoder is spent: every later call returns that error.
#[derive(Debug)]
pub struct Decoder {
    limits: Limits,
    stage: Stage,
    transport: Option<Charset>,
    lexer: Lexer,
    grammar: Grammar,
    /// UTF-8 input not lexed yet (an incomplete token, or transcoded text).
    buf: Vec<u8>,
    /// Offset in the UTF-8 text of the first byte of `buf`.
    base: u64,
    /// Bytes fed so far.
    fed: u64,
    failed: Option<DecodeError>,
    finished: bool,
}

impl Decoder {
    /// A decoder for one message of `kind`, strict (default options).
    pub fn new(kind: MessageKind, limits: Limits) -> Self {
        Decoder::with_options(kind, limits, DecodeOptions::default())
    }

    /// A decoder for one message of `kind` with the leniencies of `options`.
    pub fn with_options(kind: MessageKind, limits: Limits, options: DecodeOptions) -> Self {
        Decoder {
            limits,
            stage: Stage::Sniffing(Vec::new()),
            transport: None,
            lexer: Lexer::new(MAX_TAG),
            grammar: Grammar::new(kind, limits, options),
            buf: Vec::new(),
            base: 0,
            fed: 0,
            failed: None,
            finished: false,
        }
    }

    /// Tells the decoder the charset the transport declared (HTTP
    /// `Content-Type: text/xml; charset=...`). It overrides the XML
    /// declaration; a byte-order mark overrides it. Call before the first
    /// `feed`; later calls have no effect. An unsupported charset is an
    /// `UnsupportedEncoding` error (-32701).
    pub fn set_transport_charset(&mut self, charset: &str) -> Result<(), DecodeError> {
        let charset =
            Charset::from_label(charset.as_bytes()).map_err(|f| f.locate(0, charset.as_bytes()))?;
        if matches!(&self.stage, Stage::Sniffing(prefix) if prefix.is_empty()) {
            self.transport = Some(charset);
        }
        Ok(())
    }

    /// Feeds the next chunk of input; chunks may split the input anywhere.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), DecodeError> {
        self.usable()?;
        let result = self.feed_inner(chunk, false);
        self.record(result)
    }

    /// Marks the end of input.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        self.usable()?;
        self.finished = true;
        let result = self.feed_inner(&[], true).and_then(|()| {
            self.grammar
                .finish()
                .map_err(|f| f.locate(self.base, &self.buf))
        });
        self.record(result)
    }

    /// The next complete event, or `None` until more input arrives.
    pub fn poll_event(&mut self) -> Result<Option<Event>, DecodeError> {
        if let Some(event) = self.grammar.events.pop_front() {
            return Ok(Some(event));
        }
        match &self.failed {
            Some(e) => Err(e.clone()),
            None => Ok(None),
        }
    }

    fn usable(&self) -> Result<(), DecodeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.finished {
            return Err(DecodeError::new(
                DecodeErrorKind::Syntax,
                self.fed,
                "input after finish()",
                &[],
            ));
        }
        Ok(())
    }

    fn record(&mut self, result: Result<(), DecodeError>) -> Result<(), DecodeError> {
        if let Err(e) = &result {
            self.failed = Some(e.clone());
            self.buf = Vec::new();
        }
        result
    }

    fn feed_inner(&mut self, chunk: &[u8], eof: bool) -> Result<(), DecodeError> {
        let raw_base = self.fed;
        let room = (self.limits.max_message_size as u64).saturating_sub(self.fed);
        if chunk.len() as u64 > room {
            // Decode what fits first, so an earlier error wins in any split.
            let fits = room as usize;
            self.feed_inner(&chunk[..fits], false)?;
            return Err(DecodeError::new(
                DecodeErrorKind::LimitExceeded(LimitKind::MessageSize),
                self.limits.max_message_size as u64,
                "limit max_message_size exceeded",
                &[],
            ));
        }
        self.fed += chunk.len() as u64;
        if let Stage::Sniffing(prefix) = &mut self.stage {
            // Sniff the caller's chunk in place unless earlier bytes wait:
            // copying a whole message here would double its footprint.
            let waiting = std::mem::take(prefix);
            let joined;
            let data: &[u8] = if waiting.is_empty() {
                chunk
            } else {
                joined = [&waiting[..], chunk].concat();
                &joined
            };
            let found = sniff(data, self.transport, eof).map_err(|f| f.locate(0, data))?;
            let Sniff::Found(charset, skip) = found else {
                self.stage = Stage::Sniffing(data.to_vec());
                return Ok(());
            };
            self.stage = match Transcoder::new(charset) {
                Some(t) => Stage::Transcode(t),
                None => Stage::Utf8,
            };
            let before = raw_base - waiting.len() as u64 + skip as u64;
            return self.push(&data[skip..], before, eof);
        }
        self.push(chunk, raw_base, eof)
    }

    /// Passes `data` (starting at raw offset `raw_base`) on to the lexer.
    fn push(&mut self, data: &[u8], raw_base: u64, eof: bool) -> Result<(), DecodeError> {
        match &mut self.stage {
            Stage::Utf8 if self.buf.is_empty() => {
                // Fast path: lex the caller's bytes, keep only the tail.
                let used = self.lex(data, eof)?;
                self.buf.extend_from_slice(&data[used..]);
                self.base += used as u64;
                Ok(())
            }
            Stage::Utf8 => {
                self.buf.extend_from_slice(data);
                self.lex_buffer(eof)
            }
            Stage::Transcode(t) => {
                // On a bad sequence, what came before it is still lexed
                // first, so an earlier error wins in any split.
                let transcoded = t.push(data, raw_base, &mut self.buf, eof);
                self.lex_buffer(eof && transcoded.is_ok())?;
                transcoded.map_err(|f| f.locate(raw_base, data))
            }
            Stage::Sniffing(_) => Ok(()),
        }
    }

    fn lex_buffer(&mut self, eof: bool) -> Result<(), DecodeError> {
        let mut buf = std::mem::take(&mut self.buf);
        let used = self.lex(&buf, eof)?;
        buf.drain(..used);
        self.base += used as u64;
        self.buf = buf;
        Ok(())
    }

    /// Runs lexer and grammar over `input`; returns the bytes consumed.
    fn lex(&mut self, input: &[u8], eof: bool) -> Result<usize, DecodeError> {
        let mut pos = 0;
        self.grammar.base = self.base;
        loop {
            let step = match self.lexer.next(input, &mut pos, eof) {
                Ok(Some((Token::Text(raw), at))) if self.grammar.collecting_first_text() => {
                    // The common `<int>42</int>`: take the text and the end
                    // tag together, parsing straight from the input.
                    match self.lexer.next(input, &mut pos, eof) {
                        Ok(Some((Token::End { name }, end_at))) => {
                            self.grammar.leaf(raw, at, name, end_at)
                        }
                        Ok(Some((next, next_at))) => self
                            .grammar
                            .token(Token::Text(raw), at)
                            .and_then(|()| self.grammar.token(next, next_at)),
                        Ok(None) => {
                            let step = self.grammar.token(Token::Text(raw), at);
                            step.map_err(|f| f.locate(self.base, input))?;
                            return Ok(pos);
                        }
                        // The text comes first in the input, so its error wins.
                        Err(f) => self.grammar.token(Token::Text(raw), at).and(Err(f)),
                    }
                }
                Ok(Some((token, at))) => self.grammar.token(token, at),
                Ok(None) => return Ok(pos),
                Err(f) => Err(f),
            };
            step.map_err(|f: Fail| f.locate(self.base, input))?;
        }
    }
}

/// Has `decoder` read all of `bytes`; its events then wait to be polled.
/// (It is passed in, not returned: a returned decoder is copied.)
fn decode_whole(decoder: &mut Decoder, bytes: &[u8]) -> Result<(), DecodeError> {
    decoder.feed(bytes)?;
    decoder.finish()
}

/// Decodes a whole `<methodCall>` with the default (server) limits.
///
/// The same result as feeding `bytes` to a [`Decoder`] at once, usually
/// faster and without scratch allocations (see the module docs).
pub fn decode_call(bytes: &[u8]) -> Result<MethodCall, DecodeError> {
    decode_call_with(bytes, Limits::server())
}

/// Decodes a whole `<methodCall>` with `limits`.
pub fn decode_call_with(bytes: &[u8], limits: Limits) -> Result<MethodCall, DecodeError> {
    if let Some(call) = slice::call(bytes, limits, DecodeOptions::default()) {
        return Ok(call);
    }
    let mut decoder = Decoder::new(MessageKind::Call, limits);
    decode_whole(&mut decoder, bytes)?;
    // The events are a name, the params and the end: allocate params once.
    let count = decoder.grammar.events.len().saturating_sub(2);
    let mut call = MethodCall::new(String::new(), Vec::with_capacity(count));
    // Finished without error: every event is in the queue.
    while let Some(event) = decoder.grammar.events.pop_front() {
        match event {
            Event::MethodName(name) => call.method = name,
            Event::Param(value) => call.params.push(value),
            Event::Fault(_) | Event::End => {}
        }
    }
    Ok(call)
}

/// Decodes a whole `<methodResponse>` with the default (client) limits.
pub fn decode_response(bytes: &[u8]) -> Result<MethodResponse, DecodeError> {
    decode_response_with(bytes, Limits::client())
}

/// Decodes a whole `<methodResponse>` with `limits`.
pub fn decode_response_with(bytes: &[u8], limits: Limits) -> Result<MethodResponse, DecodeError> {
    decode_response_with_options(bytes, limits, DecodeOptions::strict())
}

/// Decodes a whole `<methodResponse>` with `limits` and the leniencies of
/// `options`.
pub fn decode_response_with_options(
    bytes: &[u8],
    limits: Limits,
    options: DecodeOptions,
) -> Result<MethodResponse, DecodeError> {
    if let Some(response) = slice::response(bytes, limits, options) {
        return Ok(response);
    }
    let mut decoder = Decoder::with_options(MessageKind::Response, limits, options);
    decode_whole(&mut decoder, bytes)?;
    let mut response = None;
    for event in decoder.grammar.events.drain(..) {
        match event {
            Event::Param(value) => response = Some(MethodResponse::Success(value)),
            Event::Fault(fault) => response = Some(MethodResponse::Fault(fault)),
            Event::MethodName(_) | Event::End => {}
        }
    }
    // The grammar guarantees one param or one fault before End.
    response.ok_or_else(|| {
        DecodeError::new(
            DecodeErrorKind::Structure,
            0,
            "response without a result",
            &[],
        )
    })
}
