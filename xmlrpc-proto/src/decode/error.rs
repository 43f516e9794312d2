//! [`DecodeError`]: what went wrong, where, and which fault code it maps to.

use std::fmt;

use crate::message::fault_code;

/// The class of a decode failure; each maps to one interop fault code.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// Not well-formed XML (bad syntax, DOCTYPE, truncated input): -32700.
    Syntax,
    /// The declared or detected character encoding is not supported: -32701.
    UnsupportedEncoding,
    /// Bytes that are not valid in the message's encoding, or characters XML
    /// forbids: -32702.
    InvalidCharacter,
    /// Well-formed XML that breaks the XML-RPC grammar: -32600.
    Structure,
    /// A typed value whose text is invalid (`<int>x</int>`, a bad date): -32600.
    InvalidValue,
    /// A configured limit was exceeded; names the limit: -32600.
    LimitExceeded(LimitKind),
}

/// The limit a [`DecodeErrorKind::LimitExceeded`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitKind {
    /// `Limits::max_depth`.
    Depth,
    /// `Limits::max_message_size`.
    MessageSize,
    /// `Limits::max_text_size`.
    TextSize,
    /// `Limits::max_params`.
    Params,
    /// `Limits::max_elements`.
    Elements,
}

impl LimitKind {
    /// The name of the `Limits` field.
    pub fn name(self) -> &'static str {
        match self {
            LimitKind::Depth => "max_depth",
            LimitKind::MessageSize => "max_message_size",
            LimitKind::TextSize => "max_text_size",
            LimitKind::Params => "max_params",
            LimitKind::Elements => "max_elements",
        }
    }
}

/// A decode failure: a kind, the byte offset in the input where it was
/// found, a message, and a short excerpt of the input near it (at most
/// [`DecodeError::MAX_EXCERPT`] bytes, never the whole input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    offset: u64,
    message: String,
    excerpt: String,
}

impl DecodeError {
    /// The longest excerpt an error carries, in bytes.
    pub const MAX_EXCERPT: usize = 40;

    /// An error of `kind` at byte `offset`, with `message` and an excerpt of
    /// `context` (cut to [`DecodeError::MAX_EXCERPT`] bytes on a char boundary).
    pub fn new(
        kind: DecodeErrorKind,
        offset: u64,
        message: impl Into<String>,
        context: &[u8],
    ) -> Self {
        let cut = &context[..context.len().min(Self::MAX_EXCERPT)];
        let excerpt = String::from_utf8_lossy(cut).into_owned();
        DecodeError {
            kind,
            offset,
            message: message.into(),
            excerpt,
        }
    }

    /// The class of failure.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.kind
    }

    /// Byte offset of the failure. It counts input bytes for UTF-8 bodies
    /// and for encoding errors; for other errors in a transcoded body it
    /// counts bytes of the UTF-8 text.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// What was wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A short piece of the input near the failure.
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }

    /// The interop fault code for this failure.
    pub fn fault_code(&self) -> i32 {
        match self.kind {
            DecodeErrorKind::Syntax => fault_code::PARSE_ERROR,
            DecodeErrorKind::UnsupportedEncoding => fault_code::UNSUPPORTED_ENCODING,
            DecodeErrorKind::InvalidCharacter => fault_code::INVALID_CHARACTER,
            DecodeErrorKind::Structure
            | DecodeErrorKind::InvalidValue
            | DecodeErrorKind::LimitExceeded(_) => fault_code::INVALID_XMLRPC,
        }
    }

    /// This error as a fault to send back to the caller.
    pub fn to_fault(&self) -> crate::Fault {
        crate::Fault::new(self.fault_code(), self.to_string())
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)?;
        if !self.excerpt.is_empty() {
            write!(f, " near {:?}", self.excerpt)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A failure found inside the decoder, before it is placed in the input:
/// `at` is relative to the slice being lexed; the decoder adds the offset
/// and the excerpt when it turns this into a [`DecodeError`]. Boxed, so the
/// `Result`s of the per-token hot path stay one word wide.
#[derive(Debug)]
pub(crate) struct Fail(Box<FailData>);

/// What a [`Fail`] holds.
#[derive(Debug)]
pub(crate) struct FailData {
    pub(crate) kind: DecodeErrorKind,
    pub(crate) at: usize,
    pub(crate) msg: std::borrow::Cow<'static, str>,
    /// An absolute offset that overrides `at` (for errors about something
    /// that began in an earlier chunk).
    pub(crate) absolute: Option<u64>,
}

impl std::ops::Deref for Fail {
    type Target = FailData;
    fn deref(&self) -> &FailData {
        &self.0
    }
}

impl Fail {
    #[cold]
    pub(crate) fn new(
        kind: DecodeErrorKind,
        at: usize,
        msg: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Self {
        Fail(Box::new(FailData {
            kind,
            at,
            msg: msg.into(),
            absolute: None,
        }))
    }

    /// This failure placed at absolute offset `offset` instead.
    pub(crate) fn at_absolute(mut self, offset: u64) -> Self {
        self.0.absolute = Some(offset);
        self
    }

    /// Places this failure: `base` is the absolute offset of `input[0]`.
    pub(crate) fn locate(self, base: u64, input: &[u8]) -> DecodeError {
        let FailData {
            kind,
            at,
            msg,
            absolute,
        } = *self.0;
        if let Some(offset) = absolute {
            let context = usize::try_from(offset.saturating_sub(base))
                .ok()
                .and_then(|i| input.get(i..))
                .unwrap_or(&[]);
            return DecodeError::new(kind, offset, msg, context);
        }
        let at = at.min(input.len());
        DecodeError::new(kind, base + at as u64, msg, &input[at..])
    }
}
