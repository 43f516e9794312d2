//! The XML declaration `<?xml version="1.0" encoding="..." standalone="..."?>`:
//! its pseudo-attributes, read both by the lexer (to check it) and by
//! encoding sniffing (to find the declared encoding before decoding).

use memchr::memchr;

use super::error::{DecodeErrorKind, Fail};
use super::text::is_ws;

fn syntax(at: usize, msg: &'static str) -> Fail {
    Fail::new(DecodeErrorKind::Syntax, at, msg)
}

/// Checks the pseudo-attributes of `<?xml ...?>`: `version` first, then
/// optional `encoding` and `standalone`.
pub(crate) fn check_declaration(body: &[u8], start: usize) -> Result<(), Fail> {
    let attrs =
        declaration_attributes(body).ok_or_else(|| syntax(start, "malformed XML declaration"))?;
    let attrs = attrs.as_slice();
    let mut names = attrs.iter().map(|(n, _)| *n);
    let ok_order = matches!(
        (names.next(), names.next(), names.next(), names.next()),
        (Some(b"version"), None, None, None)
            | (
                Some(b"version"),
                Some(b"encoding" | b"standalone"),
                None,
                None
            )
            | (
                Some(b"version"),
                Some(b"encoding"),
                Some(b"standalone"),
                None
            )
    );
    if !ok_order {
        return Err(syntax(start, "malformed XML declaration"));
    }
    let version = attrs[0].1;
    if version.len() < 3
        || !version.starts_with(b"1.")
        || !version[2..].iter().all(u8::is_ascii_digit)
    {
        return Err(syntax(start, "unsupported XML version"));
    }
    Ok(())
}

/// At most three `name="value"` pairs, without allocating.
pub(crate) struct Attributes<'a> {
    items: [(&'a [u8], &'a [u8]); 3],
    len: usize,
}

impl<'a> Attributes<'a> {
    pub(crate) fn as_slice(&self) -> &[(&'a [u8], &'a [u8])] {
        &self.items[..self.len]
    }
}

/// The `name="value"` pairs of a declaration body, or `None` if malformed
/// (more than three pairs is malformed too). Shared with encoding sniffing,
/// which reads the declaration before the encoding is known (it is ASCII in
/// every supported 8-bit encoding).
pub(crate) fn declaration_attributes(body: &[u8]) -> Option<Attributes<'_>> {
    let mut out = Attributes {
        items: [(&[], &[]); 3],
        len: 0,
    };
    let mut i = 0;
    loop {
        let before = i;
        while body.get(i).is_some_and(|&b| is_ws(b)) {
            i += 1;
        }
        if i == body.len() {
            return Some(out);
        }
        if i == before {
            return None; // pseudo-attributes are separated by whitespace
        }
        let n0 = i;
        while body.get(i).is_some_and(|b| b.is_ascii_alphabetic()) {
            i += 1;
        }
        let name = &body[n0..i];
        while body.get(i).is_some_and(|&b| is_ws(b)) {
            i += 1;
        }
        if body.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        while body.get(i).is_some_and(|&b| is_ws(b)) {
            i += 1;
        }
        let quote = *body.get(i).filter(|&&q| q == b'"' || q == b'\'')?;
        let len = memchr(quote, &body[i + 1..])?;
        *out.items.get_mut(out.len)? = (name, &body[i + 1..i + 1 + len]);
        out.len += 1;
        i += len + 2;
    }
}
