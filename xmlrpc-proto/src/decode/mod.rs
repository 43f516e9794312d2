//! The push decoder: bytes in any split, events out as soon as they complete.
//!
//! CONTRACT (implemented in the decoder work): the signatures below are what
//! the rest of the crate builds on.

mod error;
mod limits;

pub use error::{DecodeError, DecodeErrorKind, LimitKind};
pub use limits::Limits;

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

/// Incremental XML-RPC decoder.
#[derive(Debug)]
pub struct Decoder {
    _todo: (),
}

impl Decoder {
    /// A decoder for one message of `kind`.
    pub fn new(kind: MessageKind, limits: Limits) -> Self {
        let _ = (kind, limits);
        todo!("decoder")
    }

    /// Tells the decoder the charset the transport declared (HTTP
    /// `Content-Type: text/xml; charset=...`). Call before the first `feed`.
    pub fn set_transport_charset(&mut self, charset: &str) -> Result<(), DecodeError> {
        let _ = charset;
        todo!("decoder")
    }

    /// Feeds the next chunk of input; chunks may split the input anywhere.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), DecodeError> {
        let _ = chunk;
        todo!("decoder")
    }

    /// Marks the end of input.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        todo!("decoder")
    }

    /// The next complete event, or `None` until more input arrives.
    pub fn poll_event(&mut self) -> Result<Option<Event>, DecodeError> {
        todo!("decoder")
    }
}

/// Decodes a whole `<methodCall>` with the default (server) limits.
pub fn decode_call(bytes: &[u8]) -> Result<MethodCall, DecodeError> {
    let _ = bytes;
    todo!("decoder")
}

/// Decodes a whole `<methodResponse>` with the default (client) limits.
pub fn decode_response(bytes: &[u8]) -> Result<MethodResponse, DecodeError> {
    let _ = bytes;
    todo!("decoder")
}
