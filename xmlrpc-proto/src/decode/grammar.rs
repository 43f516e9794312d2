//! The XML-RPC grammar as a pushdown machine over lexer tokens.
//!
//! Open elements live on an explicit stack of frames, and arrays and
//! structs under construction on a second stack: nothing recurses on input
//! depth. A finished value waits in `pending` until the next end tag takes
//! it (`</value>`, `</param>`, `</member>`, `</fault>`), so each `<param>`
//! is reported the moment it closes.

use std::borrow::Cow;
use std::collections::VecDeque;

mod leaf;

use super::builder::Builder;
use super::error::{DecodeErrorKind, Fail, LimitKind};
use super::fault::fault_from;
use super::lexer::Token;
use super::tag::{Kind, Tag};
use super::text::{all_ws, append_text, is_ws, scalar, Scalar};
use super::{DecodeOptions, Event, Limits, MessageKind};
use crate::Value;

/// Text buffers larger than this are moved into the value, not copied.
const TAKE_TEXT_ABOVE: usize = 64 << 10;

/// One open element and what has been seen inside it so far.
#[derive(Debug)]
enum Frame {
    Call {
        named: bool,
        params: bool,
    },
    Response {
        done: bool,
    },
    MethodName,
    Params {
        count: usize,
    },
    Param {
        has_value: bool,
    },
    Fault {
        has_value: bool,
    },
    Value {
        typed: bool,
    },
    Scalar(Tag, Scalar),
    Nil(Tag),
    Struct,
    Member {
        name: Option<String>,
        has_value: bool,
    },
    Name,
    Array {
        data: bool,
    },
    Data,
    /// `ex:serializable`/`ex:dom` in a fault's extra member: skipped
    /// unread; `depth` counts elements open inside it.
    Skipped {
        tag: Tag,
        depth: usize,
    },
}

impl Frame {
    fn tag(&self) -> Tag {
        match self {
            Frame::Call { .. } => Tag::MethodCall,
            Frame::Response { .. } => Tag::MethodResponse,
            Frame::MethodName => Tag::MethodName,
            Frame::Params { .. } => Tag::Params,
            Frame::Param { .. } => Tag::Param,
            Frame::Fault { .. } => Tag::Fault,
            Frame::Value { .. } => Tag::Value,
            Frame::Scalar(tag, _) | Frame::Nil(tag) => *tag,
            Frame::Struct => Tag::Struct,
            Frame::Member { .. } => Tag::Member,
            Frame::Name => Tag::Name,
            Frame::Array { .. } => Tag::Array,
            Frame::Data => Tag::Data,
            Frame::Skipped { tag, .. } => *tag,
        }
    }

    /// True for elements whose text is the content being collected.
    fn collects_text(&self) -> bool {
        matches!(
            self,
            Frame::MethodName | Frame::Name | Frame::Scalar(..) | Frame::Value { typed: false }
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Prolog,
    Root,
    Epilog,
}

/// The grammar state; events come out in `events`.
#[derive(Debug)]
pub(crate) struct Grammar {
    kind: MessageKind,
    limits: Limits,
    options: DecodeOptions,
    phase: Phase,
    frames: Vec<Frame>,
    /// Arrays and structs being filled.
    open: Builder,
    pending: Option<Value>,
    /// Text of the element being collected (references resolved).
    text: String,
    /// Reused for base64 with whitespace inside.
    scratch: Vec<u8>,
    elements: usize,
    /// Absolute offset of the element whose text is being collected.
    text_at: u64,
    /// Absolute offset of the input slice being lexed (set by the decoder).
    pub(crate) base: u64,
    pub(crate) events: VecDeque<Event>,
}

/// Byte equality for short names: an inline loop beats a `memcmp` call.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

fn first_non_ws(raw: &str) -> usize {
    raw.bytes().position(|b| !is_ws(b)).unwrap_or(0)
}

fn structure(at: usize, msg: impl Into<Cow<'static, str>>) -> Fail {
    Fail::new(DecodeErrorKind::Structure, at, msg)
}

fn limit(kind: LimitKind, at: usize) -> Fail {
    Fail::new(
        DecodeErrorKind::LimitExceeded(kind),
        at,
        format!("limit {} exceeded", kind.name()),
    )
}

impl Grammar {
    pub(crate) fn new(kind: MessageKind, limits: Limits, options: DecodeOptions) -> Self {
        Grammar {
            kind,
            limits,
            options,
            phase: Phase::Prolog,
            frames: Vec::with_capacity(16),
            open: Builder::default(),
            pending: None,
            text: String::new(),
            scratch: Vec::new(),
            elements: 0,
            text_at: 0,
            base: 0,
            events: VecDeque::with_capacity(8),
        }
    }

    /// Consumes one token that starts at `at` in the current input slice.
    // Inlined into the decoder's loop: the token is then dispatched
    // without being copied into an argument block.
    #[inline(always)]
    pub(crate) fn token(&mut self, token: Token<'_>, at: usize) -> Result<(), Fail> {
        match token {
            Token::Start { name, empty } => self.start(name, empty, at),
            Token::End { name } => self.end(name, at),
            Token::Text(raw) => self.text(raw, true, at),
            Token::CData(raw) => self.text(raw, false, at),
        }
    }

    /// End of input: the root must have closed.
    pub(crate) fn finish(&mut self) -> Result<(), Fail> {
        let at = usize::MAX;
        match self.phase {
            Phase::Epilog => {
                self.events.push_back(Event::End);
                Ok(())
            }
            Phase::Prolog => Err(Fail::new(DecodeErrorKind::Syntax, at, "no root element")),
            Phase::Root => {
                let open = self.frames.last().map_or("root", |f| f.tag().name());
                Err(Fail::new(
                    DecodeErrorKind::Syntax,
                    at,
                    format!("input ended inside <{open}>"),
                ))
            }
        }
    }

    /// True when a text token would be the first text of an element that
    /// collects it (the case [`Grammar::leaf`] speeds up).
    pub(crate) fn collecting_first_text(&self) -> bool {
        self.text.is_empty() && self.frames.last().is_some_and(Frame::collects_text)
    }

    fn text(&mut self, raw: &str, references: bool, at: usize) -> Result<(), Fail> {
        match self.frames.last() {
            Some(Frame::Skipped { .. }) => Ok(()),
            Some(frame) if frame.collects_text() => {
                let max = self.limits.max_text_size;
                append_text(raw, references, &mut self.text, max, at).map_err(|f| {
                    if matches!(f.kind, DecodeErrorKind::LimitExceeded(_)) {
                        // Placed at the element, the same however input was split.
                        f.at_absolute(self.text_at)
                    } else {
                        f
                    }
                })
            }
            None if !references => Err(Fail::new(
                DecodeErrorKind::Syntax,
                at,
                "CDATA outside the root element",
            )),
            _ if all_ws(raw.as_bytes()) => Ok(()),
            Some(frame) => Err(structure(
                at + first_non_ws(raw),
                format!("text not allowed inside <{}>", frame.tag().name()),
            )),
            None => Err(Fail::new(
                DecodeErrorKind::Syntax,
                at + first_non_ws(raw),
                "text outside the root element",
            )),
        }
    }

    fn start(&mut self, name: &[u8], empty: bool, at: usize) -> Result<(), Fail> {
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(limit(LimitKind::Elements, at));
        }
        if let Some(Frame::Skipped { depth, .. }) = self.frames.last_mut() {
            *depth += usize::from(!empty);
            return Ok(());
        }
        if let Some(tag) = self.skippable(name) {
            if let Some(Frame::Value { typed }) = self.frames.last_mut() {
                *typed = true;
            }
            let frame = Frame::Skipped { tag, depth: 0 };
            return if empty {
                self.close(frame, at)
            } else {
                self.frames.push(frame);
                Ok(())
            };
        }
        let tag = Tag::parse(name, at)?;
        let misplaced = |parent: &str| {
            structure(
                at,
                format!("<{}> not allowed inside <{parent}>", tag.name()),
            )
        };
        let frame = match self.frames.last_mut() {
            None => self.root(tag, at)?,
            Some(top) => match (&mut *top, tag) {
                (Frame::Value { typed }, _) if !*typed => {
                    if !all_ws(self.text.as_bytes()) {
                        return Err(structure(at, "<value> holds both text and an element"));
                    }
                    *typed = true;
                    match tag.kind() {
                        Kind::Scalar(kind) => {
                            self.clear_text(at);
                            Frame::Scalar(tag, kind)
                        }
                        Kind::Nil => Frame::Nil(tag),
                        Kind::Struct | Kind::Array => {
                            if self.open.depth() >= self.limits.max_depth {
                                return Err(limit(LimitKind::Depth, at));
                            }
                            if tag == Tag::Struct {
                                self.open.open_struct();
                                Frame::Struct
                            } else {
                                self.open.open_array();
                                Frame::Array { data: false }
                            }
                        }
                        Kind::Other => return Err(misplaced("value")),
                    }
                }
                (Frame::Data, Tag::Value)
                | (Frame::Param { has_value: false }, Tag::Value)
                | (Frame::Fault { has_value: false }, Tag::Value)
                | (
                    Frame::Member {
                        name: Some(_),
                        has_value: false,
                    },
                    Tag::Value,
                ) => {
                    if let Frame::Param { has_value }
                    | Frame::Fault { has_value }
                    | Frame::Member { has_value, .. } = top
                    {
                        *has_value = true;
                    }
                    self.clear_text(at);
                    Frame::Value { typed: false }
                }
                (Frame::Struct, Tag::Member) => Frame::Member {
                    name: None,
                    has_value: false,
                },
                (Frame::Member { name: None, .. }, Tag::Name) => {
                    self.clear_text(at);
                    Frame::Name
                }
                (Frame::Array { data }, Tag::Data) if !*data => {
                    *data = true;
                    Frame::Data
                }
                (Frame::Params { count }, Tag::Param) => {
                    *count += 1;
                    if *count > self.limits.max_params {
                        return Err(limit(LimitKind::Params, at));
                    }
                    if self.kind == MessageKind::Response && *count > 1 {
                        return Err(structure(at, "a response holds exactly one <param>"));
                    }
                    Frame::Param { has_value: false }
                }
                (Frame::Call { named, params }, Tag::MethodName) if !*named && !*params => {
                    *named = true;
                    self.clear_text(at);
                    Frame::MethodName
                }
                (Frame::Call { named, params }, Tag::Params) if *named && !*params => {
                    *params = true;
                    Frame::Params { count: 0 }
                }
                (Frame::Response { done }, Tag::Params) if !*done => {
                    *done = true;
                    Frame::Params { count: 0 }
                }
                (Frame::Response { done }, Tag::Fault) if !*done => {
                    *done = true;
                    Frame::Fault { has_value: false }
                }
                (top, _) => return Err(misplaced(top.tag().name())),
            },
        };
        if empty {
            self.close(frame, at)
        } else {
            self.frames.push(frame);
            Ok(())
        }
    }

    /// The tag of an `ex:serializable`/`ex:dom` that starts the value of an
    /// extra member of a fault (Apache's `faultCause`, SPEC rule 4): it is
    /// skipped unread. Anywhere else these are refused (rule 18).
    fn skippable(&self, name: &[u8]) -> Option<Tag> {
        let tag = match name {
            b"ex:serializable" => Tag::ExSerializable,
            b"ex:dom" => Tag::ExDom,
            _ => return None,
        };
        let n = self.frames.len();
        match self.frames.get(n.checked_sub(5)?..)? {
            [Frame::Fault { .. }, Frame::Value { .. }, Frame::Struct, Frame::Member {
                name: Some(member), ..
            }, Frame::Value { typed: false }]
                if member != "faultCode" && member != "faultString" =>
            {
                Some(tag)
            }
            _ => None,
        }
    }

    /// The root element's frame.
    fn root(&mut self, tag: Tag, at: usize) -> Result<Frame, Fail> {
        if self.phase != Phase::Prolog {
            return Err(Fail::new(
                DecodeErrorKind::Syntax,
                at,
                "more than one root element",
            ));
        }
        self.phase = Phase::Root;
        match (self.kind, tag) {
            (MessageKind::Call, Tag::MethodCall) => Ok(Frame::Call {
                named: false,
                params: false,
            }),
            (MessageKind::Response, Tag::MethodResponse) => Ok(Frame::Response { done: false }),
            (MessageKind::Call, _) => Err(structure(
                at,
                format!("expected <methodCall>, found <{}>", tag.name()),
            )),
            (MessageKind::Response, _) => Err(structure(
                at,
                format!("expected <methodResponse>, found <{}>", tag.name()),
            )),
        }
    }

    #[inline(always)]
    fn end(&mut self, name: &[u8], at: usize) -> Result<(), Fail> {
        if let Some(Frame::Skipped { depth, .. }) = self.frames.last_mut() {
            if *depth > 0 {
                *depth -= 1;
                return Ok(());
            }
        }
        let Some(frame) = self.frames.pop() else {
            return Err(Fail::new(
                DecodeErrorKind::Syntax,
                at,
                "end tag without a start tag",
            ));
        };
        let expected = frame.tag().name();
        if !same(name, expected.as_bytes()) {
            return Err(Fail::new(
                DecodeErrorKind::Syntax,
                at,
                format!("mismatched end tag, expected </{expected}>"),
            ));
        }
        self.close(frame, at)
    }

    /// The element of `frame` closed (it is no longer on the stack).
    fn close(&mut self, frame: Frame, at: usize) -> Result<(), Fail> {
        match frame {
            Frame::Call { named, .. } => {
                if !named {
                    return Err(structure(at, "<methodCall> without <methodName>"));
                }
                self.phase = Phase::Epilog;
            }
            Frame::Response { done } => {
                if !done {
                    return Err(structure(
                        at,
                        "<methodResponse> holds neither <params> nor <fault>",
                    ));
                }
                self.phase = Phase::Epilog;
            }
            Frame::MethodName => {
                if self.text.is_empty() {
                    return Err(structure(at, "empty <methodName>"));
                }
                self.events.push_back(Event::MethodName(self.text.clone()));
            }
            Frame::Params { count } => {
                if self.kind == MessageKind::Response && count == 0 {
                    if !self.options.lenient_empty_response {
                        return Err(structure(
                            at,
                            "response <params> without a <param> (SPEC rule 3; see DecodeOptions::lenient_empty_response)",
                        ));
                    }
                    self.events.push_back(Event::Param(Value::Nil));
                }
            }
            Frame::Param { has_value } => {
                let value = self.take_pending(has_value, "param", at)?;
                self.events.push_back(Event::Param(value));
            }
            Frame::Fault { has_value } => {
                let value = self.take_pending(has_value, "fault", at)?;
                self.events.push_back(Event::Fault(fault_from(value, at)?));
            }
            Frame::Value { typed } => {
                let value = if typed {
                    self.take_pending(true, "value", at)?
                } else {
                    Value::String(self.take_text())
                };
                self.deliver(value, at)?;
            }
            Frame::Scalar(_, Scalar::String) => {
                self.pending = Some(Value::String(self.take_text()));
            }
            Frame::Scalar(_, kind) => {
                self.pending = Some(scalar(
                    kind,
                    &self.text,
                    &mut self.scratch,
                    self.options,
                    at,
                )?);
            }
            Frame::Nil(_) => self.pending = Some(Value::Nil),
            Frame::Struct | Frame::Array { data: true } => {
                let value = self.open.close();
                self.pending =
                    Some(value.ok_or_else(|| structure(at, "internal: no open container"))?);
            }
            Frame::Array { data: false } => {
                return Err(structure(at, "<array> without <data>"));
            }
            Frame::Data => {}
            // Never interpreted: the fault reader ignores extra members.
            Frame::Skipped { .. } => self.pending = Some(Value::Nil),
            Frame::Member { name, has_value } => {
                let Some(name) = name else {
                    return Err(structure(at, "<member> without <name>"));
                };
                let value = self.take_pending(has_value, "member", at)?;
                self.open.add_member(name, value, at)?;
            }
            Frame::Name => {
                if let Some(Frame::Member { name, .. }) = self.frames.last_mut() {
                    *name = Some(self.text.clone());
                }
            }
        }
        Ok(())
    }

    /// The collected text as an owned string: a large buffer is handed
    /// over instead of copied, so a long string costs its length once.
    fn take_text(&mut self) -> String {
        if self.text.capacity() > TAKE_TEXT_ABOVE {
            std::mem::take(&mut self.text)
        } else {
            self.text.clone()
        }
    }

    /// Starts collecting the text of the element at `at`.
    fn clear_text(&mut self, at: usize) {
        self.text.clear();
        self.text_at = self.base + at as u64;
    }

    fn take_pending(&mut self, present: bool, element: &str, at: usize) -> Result<Value, Fail> {
        match self.pending.take() {
            Some(value) if present => Ok(value),
            _ => Err(structure(at, format!("<{element}> without a value"))),
        }
    }

    /// Hands a finished `<value>` to the element around it.
    fn deliver(&mut self, value: Value, at: usize) -> Result<(), Fail> {
        match self.frames.last() {
            Some(Frame::Data) => self
                .open
                .push_item(value)
                .map_err(|_| structure(at, "internal: no open array")),
            _ => {
                self.pending = Some(value);
                Ok(())
            }
        }
    }
}
