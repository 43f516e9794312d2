//! Character encodings (SPEC rule 19): finding the body's encoding and
//! transcoding it to UTF-8 incrementally.
//!
//! Precedence: a byte-order mark, then the transport's charset (HTTP
//! `Content-Type`), then the XML declaration's `encoding`, then UTF-8.
//! Supported: UTF-8 (and US-ASCII, read as UTF-8), ISO-8859-1 (byte =
//! code point, unlike the WHATWG mapping to Windows-1252), Windows-1252 and
//! UTF-16 (LE/BE, with or without BOM). Anything else is -32701.

use std::fmt;

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::declaration::declaration_attributes;
use super::error::{DecodeErrorKind, Fail};
use super::text::{find, is_ws};

/// Longest XML declaration read while sniffing the encoding.
const MAX_DECLARATION: usize = 1024;

/// Declarations that say UTF-8 (by saying nothing or naming it), matched
/// byte for byte before any parsing: what almost every peer sends.
pub(crate) const CANONICAL: [&[u8]; 4] = [
    b"<?xml version=\"1.0\"?>",
    b"<?xml version='1.0'?>",
    b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    b"<?xml version='1.0' encoding='UTF-8'?>",
];

/// A supported body encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Charset {
    Utf8,
    Latin1,
    Windows1252,
    Utf16Le,
    Utf16Be,
}

impl Charset {
    /// The charset for an encoding label (case and surrounding quotes and
    /// whitespace ignored), or an UnsupportedEncoding failure.
    pub(crate) fn from_label(label: &[u8]) -> Result<Charset, Fail> {
        // Lower-cased into a fixed buffer (no allocation per message); a
        // label longer than every known one is unsupported anyway.
        let mut buf = [0u8; 16];
        let mut len = 0;
        for b in label.iter().copied() {
            if is_ws(b) || b == b'"' || b == b'\'' {
                continue;
            }
            // Past the buffer, `len` stays out of range and matches nothing.
            if let Some(slot) = buf.get_mut(len) {
                *slot = b.to_ascii_lowercase();
            }
            len += 1;
        }
        let trimmed = buf.get(..len).unwrap_or(b"-");
        Ok(match trimmed {
            b"utf-8" | b"utf8" | b"us-ascii" | b"ascii" => Charset::Utf8,
            b"iso-8859-1" | b"iso8859-1" | b"iso_8859-1" | b"latin1" | b"latin-1" | b"l1" => {
                Charset::Latin1
            }
            b"windows-1252" | b"cp1252" | b"x-cp1252" => Charset::Windows1252,
            b"utf-16" | b"utf-16le" | b"utf16" => Charset::Utf16Le,
            b"utf-16be" => Charset::Utf16Be,
            _ => {
                let shown = String::from_utf8_lossy(&label[..label.len().min(40)]).into_owned();
                return Err(Fail::new(
                    DecodeErrorKind::UnsupportedEncoding,
                    0,
                    format!("unsupported encoding `{shown}`"),
                ));
            }
        })
    }

    fn is_utf16(self) -> bool {
        matches!(self, Charset::Utf16Le | Charset::Utf16Be)
    }
}

/// What sniffing the first bytes found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Sniff {
    /// Not enough bytes to tell yet.
    NeedMore,
    /// The encoding, and how many bytes of byte-order mark to skip.
    Found(Charset, usize),
}

/// Decides the encoding from the first bytes of the body.
pub(crate) fn sniff(prefix: &[u8], transport: Option<Charset>, eof: bool) -> Result<Sniff, Fail> {
    if prefix.len() < 4 && !eof {
        return Ok(Sniff::NeedMore);
    }
    match prefix {
        [0xEF, 0xBB, 0xBF, ..] => return Ok(Sniff::Found(Charset::Utf8, 3)),
        [0xFF, 0xFE, ..] => return Ok(Sniff::Found(Charset::Utf16Le, 2)),
        [0xFE, 0xFF, ..] => return Ok(Sniff::Found(Charset::Utf16Be, 2)),
        [0x3C, 0x00, 0x3F, 0x00, ..] => return Ok(Sniff::Found(Charset::Utf16Le, 0)),
        [0x00, 0x3C, 0x00, 0x3F, ..] => return Ok(Sniff::Found(Charset::Utf16Be, 0)),
        _ => {}
    }
    if let Some(charset) = transport {
        return Ok(Sniff::Found(charset, 0));
    }
    const OPEN: &[u8] = b"<?xml";
    if prefix.len() <= OPEN.len() {
        return Ok(if OPEN.starts_with(prefix) && !eof {
            Sniff::NeedMore
        } else {
            Sniff::Found(Charset::Utf8, 0)
        });
    }
    if !prefix.starts_with(OPEN) || !is_ws(prefix[OPEN.len()]) {
        return Ok(Sniff::Found(Charset::Utf8, 0));
    }
    if CANONICAL.iter().any(|d| prefix.starts_with(d)) {
        // What the parse below would find, without parsing.
        return Ok(Sniff::Found(Charset::Utf8, 0));
    }
    // Only the first MAX_DECLARATION bytes are searched, so the outcome
    // does not depend on how much input the first chunk held.
    let window = &prefix[..prefix.len().min(MAX_DECLARATION)];
    let Some(end) = find(window, b"?>") else {
        if prefix.len() >= MAX_DECLARATION {
            return Err(Fail::new(
                DecodeErrorKind::Syntax,
                0,
                "XML declaration too long",
            ));
        }
        // At the end of input the lexer reports the broken declaration.
        return Ok(if eof {
            Sniff::Found(Charset::Utf8, 0)
        } else {
            Sniff::NeedMore
        });
    };
    let attrs = declaration_attributes(&prefix[OPEN.len()..end])
        .ok_or_else(|| Fail::new(DecodeErrorKind::Syntax, 0, "malformed XML declaration"))?;
    let Some((_, label)) = attrs.as_slice().iter().find(|(n, _)| *n == b"encoding") else {
        return Ok(Sniff::Found(Charset::Utf8, 0));
    };
    let charset = Charset::from_label(label)?;
    if charset.is_utf16() {
        return Err(Fail::new(
            DecodeErrorKind::UnsupportedEncoding,
            0,
            "declared UTF-16 but the bytes are not UTF-16",
        ));
    }
    Ok(Sniff::Found(charset, 0))
}

/// Turns a non-UTF-8 body into UTF-8, chunk by chunk.
pub(crate) enum Transcoder {
    Latin1,
    Rs(encoding_rs::Decoder),
}

impl fmt::Debug for Transcoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transcoder::Latin1 => f.write_str("Latin1"),
            Transcoder::Rs(d) => write!(f, "Rs({})", d.encoding().name()),
        }
    }
}

impl Transcoder {
    /// The transcoder for `charset`, or `None` for UTF-8 (read as is).
    pub(crate) fn new(charset: Charset) -> Option<Transcoder> {
        let encoding: &'static Encoding = match charset {
            Charset::Utf8 => return None,
            Charset::Latin1 => return Some(Transcoder::Latin1),
            Charset::Windows1252 => WINDOWS_1252,
            Charset::Utf16Le => UTF_16LE,
            Charset::Utf16Be => UTF_16BE,
        };
        Some(Transcoder::Rs(encoding.new_decoder_without_bom_handling()))
    }

    /// Appends `src` (which starts at input offset `raw_base`) as UTF-8 to
    /// `out`. `last`: no more input follows, so an incomplete sequence is an
    /// error. What precedes a bad sequence is still appended.
    pub(crate) fn push(
        &mut self,
        src: &[u8],
        raw_base: u64,
        out: &mut Vec<u8>,
        last: bool,
    ) -> Result<(), Fail> {
        match self {
            Transcoder::Latin1 => {
                out.reserve(src.len());
                for &b in src {
                    if b < 0x80 {
                        out.push(b);
                    } else {
                        out.extend_from_slice(&[0xC0 | (b >> 6), 0x80 | (b & 0x3F)]);
                    }
                }
                Ok(())
            }
            Transcoder::Rs(decoder) => {
                let mut read_total = 0;
                loop {
                    let rest = &src[read_total..];
                    let room = decoder
                        .max_utf8_buffer_length_without_replacement(rest.len())
                        .unwrap_or(rest.len() * 3 + 16);
                    let start = out.len();
                    out.resize(start + room, 0);
                    let (result, read, written) =
                        decoder.decode_to_utf8_without_replacement(rest, &mut out[start..], last);
                    out.truncate(start + written);
                    read_total += read;
                    match result {
                        DecoderResult::InputEmpty => return Ok(()),
                        DecoderResult::OutputFull => continue,
                        DecoderResult::Malformed(bad, after) => {
                            // The bad sequence may have begun in an earlier
                            // chunk: place it absolutely, the same in any split.
                            let back = u64::from(bad) + u64::from(after);
                            let start = (raw_base + read_total as u64).saturating_sub(back);
                            return Err(Fail::new(
                                DecodeErrorKind::InvalidCharacter,
                                0,
                                format!("invalid byte sequence for {}", decoder.encoding().name()),
                            )
                            .at_absolute(start));
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::declaration::check_declaration;

    #[test]
    fn canonical_declarations_agree_with_the_parse() {
        for d in CANONICAL {
            let body = &d[5..d.len() - 2];
            check_declaration(body, 0).unwrap();
            let attrs = declaration_attributes(body).unwrap();
            let label = attrs.as_slice().iter().find(|(n, _)| *n == b"encoding");
            assert!(label.is_none_or(|(_, l)| Charset::from_label(l).unwrap() == Charset::Utf8));
        }
    }

    #[test]
    fn labels_without_allocation() {
        let label = |l: &[u8]| Charset::from_label(l).ok();
        assert_eq!(label(b" 'Windows-1252' "), Some(Charset::Windows1252));
        assert_eq!(label(b"utf-8"), Some(Charset::Utf8));
        assert_eq!(label(b"x-cp1252x-cp1252x-cp1252"), None);
        assert_eq!(label(b"utf-8             "), Some(Charset::Utf8));
        assert_eq!(label(b""), None);
    }

    #[test]
    fn sniffing() {
        let found = |p: &[u8], t| sniff(p, t, true).unwrap();
        assert_eq!(
            found(b"\xEF\xBB\xBF<a/>", None),
            Sniff::Found(Charset::Utf8, 3)
        );
        assert_eq!(
            found(b"\xFF\xFE<\0", None),
            Sniff::Found(Charset::Utf16Le, 2)
        );
        assert_eq!(found(b"\0<\0?\0x", None), Sniff::Found(Charset::Utf16Be, 0));
        assert_eq!(found(b"<a/>", None), Sniff::Found(Charset::Utf8, 0));
        assert_eq!(
            found(b"<a/>", Some(Charset::Latin1)),
            Sniff::Found(Charset::Latin1, 0)
        );
        assert_eq!(
            found(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", None),
            Sniff::Found(Charset::Latin1, 0)
        );
        assert_eq!(
            sniff(b"<?xml version", None, false).unwrap(),
            Sniff::NeedMore
        );
        assert_eq!(sniff(b"<?x", None, false).unwrap(), Sniff::NeedMore);
        let err = sniff(b"<?xml version='1.0' encoding='EBCDIC'?>", None, true).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::UnsupportedEncoding);
        let err = sniff(b"<?xml version='1.0' encoding='utf-16'?>", None, true).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::UnsupportedEncoding);
    }

    #[test]
    fn latin1_maps_bytes_to_code_points() {
        let mut out = Vec::new();
        Transcoder::new(Charset::Latin1)
            .unwrap()
            .push(b"a\xE9\x80", 0, &mut out, true)
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a\u{e9}\u{80}");
    }

    #[test]
    fn utf16_across_chunks_and_bad_surrogates() {
        let mut t = Transcoder::new(Charset::Utf16Le).unwrap();
        let mut out = Vec::new();
        let bytes: Vec<u8> = "h\u{e9}\u{1F600}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        for b in &bytes {
            t.push(std::slice::from_ref(b), 0, &mut out, false).unwrap();
        }
        t.push(&[], 0, &mut out, true).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "h\u{e9}\u{1F600}");
        let mut t = Transcoder::new(Charset::Utf16Le).unwrap();
        let err = t
            .push(
                &[0x41, 0x00, 0x00, 0xDC, 0x41, 0x00],
                10,
                &mut Vec::new(),
                true,
            )
            .unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::InvalidCharacter);
        assert_eq!(err.absolute, Some(12), "placed at the lone surrogate");
    }
}
