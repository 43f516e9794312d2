//! The lexer: UTF-8 bytes in, XML tokens out, resumable at any byte.
//!
//! It is hand-written for speed (memchr to the next `<`, no per-token
//! allocation) and for the subset of XML that XML-RPC needs: elements,
//! namespace declarations, text, references, CDATA and comments. DOCTYPE and
//! processing instructions are refused outright, never expanded; the XML
//! declaration is accepted only at the very start. quick-xml's reader is not
//! used: an XML-RPC decoder must refuse more than a general XML reader does,
//! and must resume mid-token, which its borrowed reader cannot.
//!
//! Long runs (text, CDATA, comments) are handed out in pieces as input
//! arrives, cut on character boundaries and never inside a reference, so
//! the caller never re-scans a growing tail: time stays linear even when
//! input comes one byte at a time. Tags are bounded by `max_tag`.

use memchr::memchr;

use super::declaration::check_declaration;
use super::encoding::CANONICAL;
use super::error::{DecodeErrorKind, Fail};
use super::text::{check_chars, find, is_ws};

/// One lexical item, borrowing from the input.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// `<name ...>` or `<name .../>` (`empty`); attributes were checked.
    Start { name: &'a [u8], empty: bool },
    /// `</name>`.
    End { name: &'a [u8] },
    /// Character data with references still in it; never cut inside one.
    Text(&'a str),
    /// The content of a CDATA section, or a piece of it.
    CData(&'a str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Markup,
    Comment,
    CData,
}

/// Resumable lexer state; the input itself is owned by the caller.
#[derive(Debug)]
pub(crate) struct Lexer {
    mode: Mode,
    /// Nothing consumed yet: the only place an XML declaration may stand.
    at_start: bool,
    /// Longest tag (`<` to `>`) accepted.
    max_tag: usize,
}

fn tag_too_long(at: usize) -> Fail {
    Fail::new(DecodeErrorKind::Syntax, at, "tag longer than 8 KiB")
}

fn syntax(at: usize, msg: &'static str) -> Fail {
    Fail::new(DecodeErrorKind::Syntax, at, msg)
}

impl Lexer {
    pub(crate) fn new(max_tag: usize) -> Self {
        Lexer {
            mode: Mode::Markup,
            at_start: true,
            max_tag,
        }
    }

    /// The next token of `input[*pos..]`, advancing `*pos` past it.
    /// `Ok(None)` means more input is needed; `*pos` then marks what was
    /// consumed (the rest must be offered again with more bytes after it).
    /// With `eof`, nothing more will come and an incomplete token is an error.
    // Inlined into the decoder's loop: its large result then stays in
    // registers instead of going through memory once per token.
    #[inline(always)]
    pub(crate) fn next<'a>(
        &mut self,
        input: &'a [u8],
        pos: &mut usize,
        eof: bool,
    ) -> Result<Option<(Token<'a>, usize)>, Fail> {
        loop {
            let start = *pos;
            if start >= input.len() {
                if eof && self.mode != Mode::Markup {
                    return Err(syntax(
                        start,
                        "unexpected end of input in a comment or CDATA",
                    ));
                }
                return Ok(None);
            }
            let step = match self.mode {
                Mode::Markup if input[start] == b'<' => {
                    let step = self.markup(input, start, eof)?;
                    if step
                        .as_ref()
                        .is_some_and(|(_, end)| end - start > self.max_tag)
                    {
                        return Err(tag_too_long(start));
                    }
                    step
                }
                Mode::Markup => {
                    text(input, start, eof)?.map(|(s, end)| (Some(Token::Text(s)), end))
                }
                Mode::Comment => self.comment(input, start, eof)?.map(|end| (None, end)),
                Mode::CData => self.cdata(input, start, eof)?,
            };
            match step {
                Some((token, end)) => {
                    self.at_start = false;
                    *pos = end;
                    if let Some(token) = token {
                        return Ok(Some((token, start)));
                    }
                }
                None => {
                    if eof {
                        return Err(syntax(start, "unexpected end of input inside markup"));
                    }
                    if input.len() - start > self.max_tag && self.mode == Mode::Markup {
                        return Err(tag_too_long(start));
                    }
                    return Ok(None);
                }
            }
        }
    }

    /// A token starting with `<`. `None`: incomplete.
    #[allow(clippy::type_complexity)]
    #[inline(always)]
    fn markup<'a>(
        &mut self,
        input: &'a [u8],
        start: usize,
        eof: bool,
    ) -> Result<Option<(Option<Token<'a>>, usize)>, Fail> {
        let rest = &input[start..];
        let Some(&second) = rest.get(1) else {
            return Ok(None);
        };
        match second {
            b'/' => {
                // `</name S? >`, scanned by hand: end tags are short.
                let i = name_end(rest, 2);
                let name = &rest[2..i];
                let i = ws_end(rest, i);
                match rest.get(i) {
                    None => Ok(None),
                    Some(b'>') if !name.is_empty() => {
                        Ok(Some((Some(Token::End { name }), start + i + 1)))
                    }
                    Some(_) => Err(syntax(start, "malformed end tag")),
                }
            }
            b'?' => {
                if self.at_start {
                    if let Some(d) = CANONICAL.iter().find(|d| rest.starts_with(d)) {
                        // What the checks below accept, without parsing.
                        return Ok(Some((None, start + d.len())));
                    }
                }
                // `<?>` is not a complete PI: search after the `<?`.
                let Some(end) = find(&rest[2..], b"?>").map(|i| i + 2) else {
                    return Ok(None);
                };
                let body = &rest[2..end];
                let target_len = body.iter().position(|&b| is_ws(b)).unwrap_or(body.len());
                if !body[..target_len].eq_ignore_ascii_case(b"xml") {
                    return Err(syntax(start, "processing instructions are not allowed"));
                }
                if !self.at_start || &body[..target_len] != b"xml" {
                    return Err(syntax(
                        start,
                        "XML declaration allowed only at the very start",
                    ));
                }
                check_declaration(&body[target_len..], start)?;
                Ok(Some((None, start + end + 2)))
            }
            b'!' => {
                const COMMENT: &[u8] = b"<!--";
                const CDATA: &[u8] = b"<![CDATA[";
                for (open, mode) in [(COMMENT, Mode::Comment), (CDATA, Mode::CData)] {
                    if rest.starts_with(open) {
                        self.mode = mode;
                        return Ok(Some((None, start + open.len())));
                    }
                    if open.starts_with(rest) && !eof {
                        return Ok(None);
                    }
                }
                if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
                    return Err(syntax(start, "DOCTYPE is refused (never expanded)"));
                }
                if b"<!DOCTYPE".starts_with(rest) && !eof {
                    return Ok(None);
                }
                Err(syntax(start, "markup declarations are not allowed"))
            }
            _ => start_tag(rest, start),
        }
    }

    /// Skips comment content; `Some(end)` is how far it got.
    fn comment(&mut self, input: &[u8], start: usize, eof: bool) -> Result<Option<usize>, Fail> {
        let rest = &input[start..];
        match find(rest, b"--") {
            Some(i) => {
                check_chars(&rest[..i], start)?;
                match rest.get(i + 2) {
                    Some(b'>') => {
                        self.mode = Mode::Markup;
                        Ok(Some(start + i + 3))
                    }
                    Some(_) => Err(syntax(start + i, "`--` inside a comment")),
                    None if i > 0 => Ok(Some(start + i)),
                    None => Ok(None),
                }
            }
            None => {
                let cut = piece_end(rest, if eof { 0 } else { 1 });
                if cut == 0 {
                    return Ok(None);
                }
                check_chars(&rest[..cut], start)?;
                Ok(Some(start + cut))
            }
        }
    }

    /// A piece of CDATA content.
    #[allow(clippy::type_complexity)]
    fn cdata<'a>(
        &mut self,
        input: &'a [u8],
        start: usize,
        eof: bool,
    ) -> Result<Option<(Option<Token<'a>>, usize)>, Fail> {
        let rest = &input[start..];
        let (cut, next, closed) = match find(rest, b"]]>") {
            Some(i) => (i, i + 3, true),
            None => {
                // Keep a possible `]]` and a CR (for CR LF) for the next piece.
                let cut = piece_end(rest, if eof { 0 } else { 2 });
                (cut, cut, false)
            }
        };
        if closed {
            self.mode = Mode::Markup;
        } else if cut == 0 {
            return Ok(None);
        }
        let (s, end) = valid_prefix(&rest[..cut], start)?;
        let next = if end < cut { start + end } else { start + next };
        if end < cut {
            // Resume in CDATA at the bad character, which then fails.
            self.mode = Mode::CData;
        }
        Ok(Some((Some(Token::CData(s)), next)))
    }
}

/// Where to cut a partial run of `rest` so that the next piece can still
/// complete a delimiter: keep `keep` bytes back, a trailing CR, and never
/// split a UTF-8 sequence.
fn piece_end(rest: &[u8], keep: usize) -> usize {
    let mut cut = rest.len().saturating_sub(keep);
    if keep > 0 {
        while cut > 0 && rest[cut - 1] == b'\r' {
            cut -= 1;
        }
    }
    utf8_boundary(rest, cut)
}

/// `cut`, moved back so it does not split a UTF-8 sequence of `s`.
fn utf8_boundary(s: &[u8], cut: usize) -> usize {
    let mut i = cut;
    while i > 0 && cut - i < 4 {
        i -= 1;
        let b = s[i];
        if b & 0xC0 != 0x80 {
            let len = match b {
                0..=0x7F => 1,
                0xF0.. => 4,
                0xE0.. => 3,
                _ => 2,
            };
            return if i + len > cut { i } else { cut };
        }
    }
    cut
}

/// Character data up to the next `<`, or a safe piece of it.
#[inline(always)]
fn text(input: &[u8], start: usize, eof: bool) -> Result<Option<(&str, usize)>, Fail> {
    match short_text(&input[start..]) {
        Some(short) => Ok(Some((short, start + short.len()))),
        None => long_text(input, start, eof),
    }
}

/// [`text`] past its inline fast path.
fn long_text(input: &[u8], start: usize, eof: bool) -> Result<Option<(&str, usize)>, Fail> {
    let rest = &input[start..];
    let end = match memchr(b'<', rest) {
        Some(i) => i,
        None if eof => rest.len(),
        None => {
            let mut cut = piece_end(rest, 0);
            while cut > 0 && rest[cut - 1] == b'\r' {
                cut -= 1;
            }
            // Do not cut a reference in two.
            let tail = cut.saturating_sub(12);
            if let Some(amp) = memchr::memrchr(b'&', &rest[tail..cut]) {
                if memchr(b';', &rest[tail + amp..cut]).is_none() {
                    cut = tail + amp;
                }
            }
            let cut = utf8_boundary(rest, cut);
            if cut == 0 {
                return Ok(None);
            }
            cut
        }
    };
    let (s, end) = valid_prefix(&rest[..end], start)?;
    Ok(Some((s, start + end)))
}

/// Most texts are short ASCII (`42`, `item.name`): one inline pass finds
/// the `<` and checks the characters, in place of a memchr call and a
/// second pass. `None` when the text is long or anything but plain ASCII
/// and XML whitespace, which the general path then handles.
#[inline]
fn short_text(rest: &[u8]) -> Option<&str> {
    let mut plain = true;
    for (i, &b) in rest.iter().take(32).enumerate() {
        if b == b'<' {
            return if plain {
                std::str::from_utf8(&rest[..i]).ok()
            } else {
                None
            };
        }
        plain &= (0x20..0x80).contains(&b) || is_ws(b);
    }
    None
}

/// The text of `seg` before its first bad character, and where that is.
/// Only a bad character at the very start is an error: the grammar sees
/// the good text first, so the first error in byte order wins whether the
/// input came whole or split.
#[inline]
fn valid_prefix(seg: &[u8], start: usize) -> Result<(&str, usize), Fail> {
    match check_chars(seg, start) {
        Ok(s) => Ok((s, seg.len())),
        Err(f) if f.at > start => {
            let end = f.at - start;
            check_chars(&seg[..end], start).map(|s| (s, end))
        }
        Err(f) => Err(f),
    }
}

/// Bytes that may appear in element and attribute names (non-ASCII ones
/// too: such names are refused later as unknown, with a better message).
static NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'.' | b'-') || c >= 0x80;
        b += 1;
    }
    table
};

#[inline]
fn is_name_byte(b: u8) -> bool {
    NAME_BYTES[usize::from(b)]
}

/// The index after the name bytes starting at `from`.
#[inline]
fn name_end(s: &[u8], from: usize) -> usize {
    let tail = s.get(from..).unwrap_or_default();
    from + tail
        .iter()
        .position(|&b| !is_name_byte(b))
        .unwrap_or(tail.len())
}

/// The index after the whitespace starting at `from`.
#[inline]
fn ws_end(s: &[u8], from: usize) -> usize {
    let tail = s.get(from..).unwrap_or_default();
    from + tail.iter().position(|&b| !is_ws(b)).unwrap_or(tail.len())
}

/// `<name attr="v" ...>`; attributes other than namespace declarations are
/// refused (SPEC rule 6).
#[allow(clippy::type_complexity)]
#[inline(always)]
fn start_tag<'a>(rest: &'a [u8], start: usize) -> Result<Option<(Option<Token<'a>>, usize)>, Fail> {
    let mut i = name_end(rest, 1);
    let name = &rest[1..i];
    if name.is_empty() {
        return Err(syntax(start, "malformed start tag"));
    }
    loop {
        let Some(&b) = rest.get(i) else {
            return Ok(None);
        };
        match b {
            b'>' => {
                return Ok(Some((
                    Some(Token::Start { name, empty: false }),
                    start + i + 1,
                )))
            }
            b'/' => {
                return match rest.get(i + 1) {
                    None => Ok(None),
                    Some(b'>') => Ok(Some((
                        Some(Token::Start { name, empty: true }),
                        start + i + 2,
                    ))),
                    Some(_) => Err(syntax(start + i, "malformed start tag")),
                };
            }
            _ if is_ws(b) => {
                while rest.get(i).is_some_and(|&b| is_ws(b)) {
                    i += 1;
                }
                match rest.get(i) {
                    None => return Ok(None),
                    Some(b'>' | b'/') => continue,
                    Some(_) => match attribute(rest, i, start)? {
                        Some(next) => i = next,
                        None => return Ok(None),
                    },
                }
            }
            _ => return Err(syntax(start + i, "malformed start tag")),
        }
    }
}

/// One `name="value"` at `rest[i..]`; the index after it, or `None` if
/// incomplete. Must be followed by whitespace, `>` or `/`.
fn attribute(rest: &[u8], mut i: usize, start: usize) -> Result<Option<usize>, Fail> {
    let name_start = i;
    while rest.get(i).is_some_and(|&b| is_name_byte(b)) {
        i += 1;
    }
    let name = &rest[name_start..i];
    if name.is_empty() {
        return Err(syntax(start + i, "malformed attribute"));
    }
    while rest.get(i).is_some_and(|&b| is_ws(b)) {
        i += 1;
    }
    match rest.get(i) {
        None => return Ok(None),
        Some(b'=') => i += 1,
        Some(_) => return Err(syntax(start + i, "attribute without a value")),
    }
    while rest.get(i).is_some_and(|&b| is_ws(b)) {
        i += 1;
    }
    let quote = match rest.get(i) {
        None => return Ok(None),
        Some(&q @ (b'"' | b'\'')) => q,
        Some(_) => return Err(syntax(start + i, "attribute value not quoted")),
    };
    let Some(len) = memchr(quote, &rest[i + 1..]) else {
        return Ok(None);
    };
    let value = &rest[i + 1..i + 1 + len];
    if memchr(b'<', value).is_some() {
        return Err(syntax(start + i, "`<` in an attribute value"));
    }
    check_chars(value, start + i + 1)?;
    if name != b"xmlns" && !name.starts_with(b"xmlns:") {
        let shown = String::from_utf8_lossy(&name[..name.len().min(40)]).into_owned();
        return Err(Fail::new(
            DecodeErrorKind::Structure,
            start + name_start,
            format!("attribute `{shown}` not allowed (only namespace declarations)"),
        ));
    }
    let next = i + 2 + len;
    match rest.get(next) {
        None => Ok(Some(next)),
        Some(&b) if is_ws(b) || b == b'>' || b == b'/' => Ok(Some(next)),
        Some(_) => Err(syntax(start + next, "malformed start tag")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex_all(input: &[u8]) -> Result<Vec<String>, Fail> {
        let mut lexer = Lexer::new(1 << 16);
        let mut pos = 0;
        let mut out = Vec::new();
        while let Some((t, _)) = lexer.next(input, &mut pos, true)? {
            out.push(format!("{t:?}"));
        }
        Ok(out)
    }

    #[test]
    fn tokens() {
        let got = lex_all(
            b"<?xml version='1.0'?><a xmlns:ex='u'>x&amp;<!-- c --><![CDATA[<y>]]><b/></a >",
        )
        .unwrap();
        assert_eq!(
            got,
            [
                "Start { name: [97], empty: false }",
                "Text(\"x&amp;\")",
                "CData(\"<y>\")",
                "Start { name: [98], empty: true }",
                "End { name: [97] }",
            ]
        );
    }

    #[test]
    fn refusals() {
        for bad in [
            &b"<!DOCTYPE a [<!ENTITY x 'y'>]><a/>"[..],
            b"<a><?pi x?></a>",
            b"<a/><?xml version='1.0'?>",
            b"<a b='1'/>",
            b"<a><!-- x -- y --></a>",
            b"<a x='<'/>",
            b"<?xml encoding='utf-8'?><a/>",
            b"<a",
            b"<a><![CDATA[x",
            b"<?>",
            b"<a><?></a>",
        ] {
            assert!(lex_all(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn resumes_at_every_split() {
        let doc = "<a>t\u{e9}xt &amp; more\r\n<![CDATA[c]]d]]><!-- \u{e9} --></a>".as_bytes();
        let whole = lex_all(doc).unwrap().concat();
        for split in 0..doc.len() {
            let mut lexer = Lexer::new(1 << 16);
            let mut buf = doc[..split].to_vec();
            let mut pos = 0;
            let mut got = Vec::new();
            while let Some((t, _)) = lexer.next(&buf, &mut pos, false).unwrap() {
                got.push(t.clone_debug());
            }
            buf.drain(..pos);
            buf.extend_from_slice(&doc[split..]);
            pos = 0;
            while let Some((t, _)) = lexer.next(&buf, &mut pos, true).unwrap() {
                got.push(t.clone_debug());
            }
            // Pieces of text may differ in number; their concatenation may not.
            let joined: String = got.concat();
            assert_eq!(normalise(&joined), normalise(&whole), "split at {split}");
        }
    }

    impl Token<'_> {
        fn clone_debug(&self) -> String {
            format!("{self:?}")
        }
    }

    /// Joins adjacent text pieces so different cuts compare equal.
    fn normalise(s: &str) -> String {
        s.replace("\")Text(\"", "").replace("\")CData(\"", "")
    }
}
