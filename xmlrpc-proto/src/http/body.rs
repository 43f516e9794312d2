//! Message bodies: framing on the wire (Content-Length, chunked, until
//! close) with the size cap, then gzip inflation and the streaming decoder.

use bytes::{Bytes, BytesMut};

use super::chunked::{ChunkError, ChunkedDecoder};
use super::gzip::{InflateError, Inflater};
use super::head::Framing;
use crate::decode::{DecodeOptions, Event, MessageKind};
use crate::{DecodeError, Decoder, Fault, Limits, MethodCall, MethodResponse, Value};

/// Why a body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Over the size cap, on the wire or once inflated.
    TooLarge,
    /// Broken chunked framing.
    Framing(ChunkError),
    /// The connection ended before the body did.
    Truncated,
    /// `Content-Encoding: gzip` but the data is not gzip.
    BadGzip,
}

#[derive(Debug)]
enum Frame {
    Length(u64),
    Chunked(ChunkedDecoder),
    UntilClose { done: bool },
}

/// Splits body bytes off the wire, checking the cap before reading data.
#[derive(Debug)]
pub(crate) struct BodyFramer {
    frame: Frame,
    total: u64,
    cap: u64,
}

impl BodyFramer {
    /// A framer for `framing`, refusing bodies over `cap` bytes on the wire.
    /// A Content-Length over the cap fails here, before any body byte.
    pub(crate) fn new(
        framing: Framing,
        cap: usize,
        max_trailers: usize,
    ) -> Result<Self, BodyError> {
        let cap = cap as u64;
        let frame = match framing {
            Framing::Length(n) if n > cap => return Err(BodyError::TooLarge),
            Framing::Length(n) => Frame::Length(n),
            Framing::Chunked => Frame::Chunked(ChunkedDecoder::new(max_trailers)),
            Framing::UntilClose => Frame::UntilClose { done: false },
        };
        Ok(BodyFramer {
            frame,
            total: 0,
            cap,
        })
    }

    /// True once the whole body was read.
    pub(crate) fn is_done(&self) -> bool {
        match &self.frame {
            Frame::Length(n) => *n == 0,
            Frame::Chunked(c) => c.is_done(),
            Frame::UntilClose { done } => *done,
        }
    }

    /// Takes body bytes from `input`: returns how many were consumed and the
    /// data among them. Call again with the rest until it consumes nothing.
    pub(crate) fn read<'a>(&mut self, input: &'a [u8]) -> Result<(usize, &'a [u8]), BodyError> {
        match &mut self.frame {
            Frame::Length(n) => {
                let take = usize::try_from(*n).unwrap_or(usize::MAX).min(input.len());
                *n -= take as u64;
                Ok((take, &input[..take]))
            }
            Frame::Chunked(dec) => {
                let step = dec.decode(input).map_err(BodyError::Framing)?;
                if let Some(size) = step.new_chunk {
                    self.total = self.total.saturating_add(size);
                    if self.total > self.cap {
                        return Err(BodyError::TooLarge);
                    }
                }
                Ok((step.consumed, step.data))
            }
            Frame::UntilClose { done: true } => Ok((0, &[])),
            Frame::UntilClose { done: false } => {
                self.total = self.total.saturating_add(input.len() as u64);
                if self.total > self.cap {
                    return Err(BodyError::TooLarge);
                }
                Ok((input.len(), input))
            }
        }
    }

    /// The peer closed: fine for a read-until-close body, truncation otherwise.
    pub(crate) fn eof(&mut self) -> Result<(), BodyError> {
        if let Frame::UntilClose { done } = &mut self.frame {
            *done = true;
        }
        if self.is_done() {
            Ok(())
        } else {
            Err(BodyError::Truncated)
        }
    }
}

/// What a decoded body held.
#[derive(Debug, Default)]
struct Collected {
    method: Option<String>,
    params: Vec<Value>,
    fault: Option<Fault>,
    ended: bool,
}

/// Inflates (when gzip) and decodes body data as it arrives. A decode
/// error stops decoding but not reading, so the connection stays in sync.
///
/// A plain body whose declared length arrives in one piece (the usual
/// small call) goes through the whole-slice fast path of `decode`, which
/// allocates nothing but the decoded values; otherwise the push decoder,
/// made only then, reads it (and is the one to report any error).
#[derive(Debug)]
pub(crate) struct BodyDecoder {
    /// Boxed: 264 bytes that only gzip bodies use would otherwise be moved
    /// with every decoder.
    inflater: Option<Box<Inflater>>,
    /// The push decoder: made up front for gzip and charset bodies, else
    /// at the first piece that is not the whole body.
    decoder: Option<Box<Decoder>>,
    kind: MessageKind,
    limits: Limits,
    options: DecodeOptions,
    /// The declared length, when the fast path may read the body whole.
    whole_len: Option<u64>,
    /// What the fast path read.
    whole: Option<Whole>,
    collected: Collected,
    error: Option<DecodeError>,
    raw: Option<BytesMut>,
    /// Bytes handed to the decoder: the body, inflated when gzip.
    fed: u64,
}

/// A message the fast path read whole.
#[derive(Debug)]
enum Whole {
    Call(MethodCall),
    Response(MethodResponse),
}

impl BodyDecoder {
    /// A decoder for a `kind` message under `limits`; `gzip` inflates first
    /// (capped at `limits.max_message_size`); `keep_raw` keeps the bytes.
    pub(crate) fn new(
        kind: MessageKind,
        limits: Limits,
        options: DecodeOptions,
        gzip: bool,
        charset: Option<&str>,
        keep_raw: bool,
    ) -> Self {
        let mut this = BodyDecoder {
            inflater: gzip.then(|| Box::new(Inflater::new(limits.max_message_size))),
            decoder: None,
            kind,
            limits,
            options,
            whole_len: None,
            whole: None,
            collected: Collected::default(),
            error: None,
            raw: keep_raw.then(BytesMut::new),
            fed: 0,
        };
        if gzip || charset.is_some() {
            let decoder = this.push_decoder();
            this.error = charset.and_then(|c| decoder.set_transport_charset(c).err());
        }
        this
    }

    /// The body's declared length: when it arrives in one piece, the
    /// whole-slice fast path reads it (plain bodies only).
    pub(crate) fn whole_length(mut self, len: Option<u64>) -> Self {
        self.whole_len = len.filter(|_| self.decoder.is_none());
        self
    }

    /// The push decoder, made on first use.
    fn push_decoder(&mut self) -> &mut Decoder {
        let (kind, limits, options) = (self.kind, self.limits, self.options);
        self.decoder
            .get_or_insert_with(|| Box::new(Decoder::with_options(kind, limits, options)))
    }

    /// Reads `data`, the whole body, by the fast path; false when it gave
    /// up (the push decoder then reads the same bytes).
    fn read_whole(&mut self, data: &[u8]) -> bool {
        let whole = match self.kind {
            MessageKind::Call => {
                crate::decode::slice::call(data, self.limits, self.options).map(Whole::Call)
            }
            MessageKind::Response => {
                crate::decode::slice::response(data, self.limits, self.options).map(Whole::Response)
            }
        };
        self.whole = whole;
        self.whole.is_some()
    }

    /// Bytes handed to the decoder so far: the body, inflated when gzip.
    pub(crate) fn fed(&self) -> u64 {
        self.fed
    }

    /// Takes the next piece of body data.
    pub(crate) fn push(&mut self, data: &[u8]) -> Result<(), BodyError> {
        if data.is_empty() {
            return Ok(());
        }
        if self.decoder.is_none()
            && self.fed == 0
            && self.whole_len == Some(data.len() as u64)
            && self.read_whole(data)
        {
            self.fed = data.len() as u64;
            if let Some(raw) = self.raw.as_mut() {
                raw.extend_from_slice(data);
            }
            return Ok(());
        }
        if self.whole.is_some() {
            // Bytes past the declared length (no framer of ours hands them
            // over): the message does not end where it said.
            self.whole = None;
            self.error = Some(DecodeError::new(
                crate::decode::DecodeErrorKind::Syntax,
                self.fed,
                "data after the end of the message",
                data,
            ));
            return Ok(());
        }
        self.push_decoder();
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(());
        };
        match self.inflater.as_mut() {
            None => {
                self.fed += data.len() as u64;
                feed(
                    decoder,
                    &mut self.collected,
                    &mut self.error,
                    &mut self.raw,
                    data,
                );
                Ok(())
            }
            Some(inf) => {
                let (collected, error, raw, fed) = (
                    &mut self.collected,
                    &mut self.error,
                    &mut self.raw,
                    &mut self.fed,
                );
                inf.push(data, &mut |d| {
                    *fed += d.len() as u64;
                    feed(decoder, collected, error, raw, d)
                })
                .map_err(inflate_error)
            }
        }
    }

    /// The body ended: finishes inflation and decoding.
    fn finish(&mut self) -> Result<(), BodyError> {
        if self.whole.is_some() {
            return Ok(());
        }
        self.push_decoder();
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(());
        };
        if let Some(inf) = self.inflater.as_mut() {
            let (collected, error, raw) = (&mut self.collected, &mut self.error, &mut self.raw);
            inf.finish(&mut |d| feed(decoder, collected, error, raw, d))
                .map_err(inflate_error)?;
        }
        if self.error.is_none() {
            let done = decoder
                .finish()
                .and_then(|()| drain(decoder, &mut self.collected));
            self.error = done.err();
        }
        Ok(())
    }

    /// The body ended: the call it held, or why it held none. By reference
    /// (the decoder is spent after it), so callers need not move the
    /// decoder's few hundred bytes out of where it lives.
    pub(crate) fn finish_call(&mut self) -> Result<Result<MethodCall, DecodeError>, BodyError> {
        self.finish()?;
        if let Some(Whole::Call(call)) = self.whole.take() {
            return Ok(Ok(call));
        }
        let (error, collected) = (self.error.take(), std::mem::take(&mut self.collected));
        Ok(match (error, collected) {
            (Some(e), _) => Err(e),
            (
                None,
                Collected {
                    method: Some(method),
                    params,
                    fault: None,
                    ended: true,
                },
            ) => Ok(MethodCall { method, params }),
            (None, _) => Err(incomplete()),
        })
    }

    /// The body ended: the response it held (and the raw body if kept). By
    /// reference, as [`finish_call`](Self::finish_call).
    #[allow(clippy::type_complexity)]
    pub(crate) fn finish_response(
        &mut self,
    ) -> Result<(Result<MethodResponse, DecodeError>, Option<Bytes>), BodyError> {
        self.finish()?;
        let raw = self.raw.take().map(BytesMut::freeze);
        if let Some(Whole::Response(response)) = self.whole.take() {
            return Ok((Ok(response), raw));
        }
        let mut c = std::mem::take(&mut self.collected);
        let result = match self.error.take() {
            Some(e) => Err(e),
            None if !c.ended => Err(incomplete()),
            None => match (c.fault.take(), c.params.pop()) {
                (Some(f), _) => Ok(MethodResponse::Fault(f)),
                (None, Some(v)) => Ok(MethodResponse::Success(v)),
                (None, None) => Err(incomplete()),
            },
        };
        Ok((result, raw))
    }
}

fn inflate_error(e: InflateError) -> BodyError {
    match e {
        InflateError::TooLarge => BodyError::TooLarge,
        InflateError::Corrupt => BodyError::BadGzip,
    }
}

/// The decoder reported the end without a complete message; it normally
/// errors itself, this guards the event contract.
fn incomplete() -> DecodeError {
    DecodeError::new(
        crate::decode::DecodeErrorKind::Structure,
        0,
        "message ended before it was complete",
        b"",
    )
}

fn feed(
    decoder: &mut Decoder,
    collected: &mut Collected,
    error: &mut Option<DecodeError>,
    raw: &mut Option<BytesMut>,
    data: &[u8],
) {
    if let Some(raw) = raw.as_mut() {
        raw.extend_from_slice(data);
    }
    if error.is_some() {
        return;
    }
    let result = decoder.feed(data).and_then(|()| drain(decoder, collected));
    *error = result.err();
}

/// Moves the decoder's finished events into `collected`.
fn drain(decoder: &mut Decoder, collected: &mut Collected) -> Result<(), DecodeError> {
    while let Some(event) = decoder.poll_event()? {
        match event {
            Event::MethodName(name) => collected.method = Some(name),
            Event::Param(value) => collected.params.push(value),
            Event::Fault(fault) => collected.fault = Some(fault),
            Event::End => collected.ended = true,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALL: &[u8] = b"<methodCall><methodName>m</methodName></methodCall>";

    fn decoder() -> BodyDecoder {
        BodyDecoder::new(
            MessageKind::Call,
            Limits::server(),
            DecodeOptions::strict(),
            false,
            None,
            false,
        )
        .whole_length(Some(CALL.len() as u64))
    }

    #[test]
    fn a_whole_body_goes_through_the_fast_path_and_no_push_decoder_is_made() {
        let mut body = decoder();
        assert_eq!(body.push(CALL), Ok(()));
        assert!(body.decoder.is_none());
        let call = body.finish_call().map(|r| r.map(|c| c.method));
        assert_eq!(call, Ok(Ok("m".to_owned())));
    }

    #[test]
    fn bytes_past_the_declared_length_are_an_error_not_ignored() {
        let mut body = decoder();
        assert_eq!(body.push(CALL), Ok(()));
        assert_eq!(body.push(b"<x/>"), Ok(()));
        match body.finish_call() {
            Ok(Err(e)) => assert!(e.to_string().contains("after the end"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_body_in_pieces_goes_through_the_push_decoder() {
        let mut body = decoder();
        let (a, b) = CALL.split_at(7);
        assert_eq!(body.push(a), Ok(()));
        assert_eq!(body.push(b), Ok(()));
        assert!(body.decoder.is_some());
        let call = body.finish_call().map(|r| r.map(|c| c.method));
        assert_eq!(call, Ok(Ok("m".to_owned())));
    }
}
