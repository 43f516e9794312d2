//! Text handling: character checks, entity references, line ends, and the
//! lexical rules of the scalar types (SPEC rules 8-14).
//!
//! Scalars are parsed straight from the collected text, without an
//! intermediate allocation. Surrounding XML whitespace is allowed around
//! `int`, `i4`, `i8`, `boolean`, `double`, `dateTime.iso8601` and `base64`
//! text (pretty-printers add it); whitespace inside is refused.

use std::borrow::Cow;

use bytes::Bytes;

use super::error::{DecodeErrorKind, Fail, LimitKind};
use super::options::DecodeOptions;
use crate::{DateTime, Value};

/// XML whitespace.
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The first index of `needle` in `hay`. memchr to the needle's first
/// byte, then a compare: for the short delimiters of XML (`?>`, `--`,
/// `]]>`) this beats building a `memmem` finder on every call.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = memchr::memchr(first, hay.get(from..)?) {
        let at = from + i;
        if hay.get(at + 1..at + 1 + rest.len()) == Some(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// True when every byte is XML whitespace.
pub(crate) fn all_ws(s: &[u8]) -> bool {
    s.iter().all(|&b| is_ws(b))
}

/// Checks that `seg` is UTF-8 holding only characters XML 1.0 allows
/// (no C0 controls but TAB, LF, CR; no U+FFFE/U+FFFF).
#[inline]
pub(crate) fn check_chars(seg: &[u8], at: usize) -> Result<&str, Fail> {
    // Fast path: one branch-free pass over the bytes, then one UTF-8
    // validation; clean text is by far the common case.
    let (mut control, mut high) = (false, false);
    for &b in seg {
        control |= is_control(b);
        high |= b >= 0x80;
    }
    if !control {
        if let Ok(s) = std::str::from_utf8(seg) {
            if !high || !s.contains(['\u{FFFE}', '\u{FFFF}']) {
                return Ok(s);
            }
        }
    }
    check_chars_slow(seg, at)
}

/// A C0 control character other than TAB, LF and CR.
#[inline]
fn is_control(b: u8) -> bool {
    b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r'
}

#[cold]
fn check_chars_slow(seg: &[u8], at: usize) -> Result<&str, Fail> {
    // Report the first problem in byte order, whatever its class, so the
    // error is the same however the input was split.
    let valid = match std::str::from_utf8(seg) {
        Ok(_) => seg.len(),
        Err(e) => e.valid_up_to(),
    };
    let prefix = &seg[..valid];
    let mut first = prefix.iter().position(|&b| is_control(b));
    let end = first.unwrap_or(valid);
    // Valid UTF-8 up to `valid`, and `end` is an ASCII byte or `valid`.
    if let Ok(s) = std::str::from_utf8(&prefix[..end]) {
        if let Some(i) = s.find(['\u{FFFE}', '\u{FFFF}']) {
            first = Some(i);
        }
    }
    let (i, msg) = match first {
        Some(i) => (
            i,
            "character not allowed in XML (control, U+FFFE or U+FFFF)",
        ),
        None => (valid, "invalid UTF-8"),
    };
    Err(Fail::new(DecodeErrorKind::InvalidCharacter, at + i, msg))
}

/// Appends `raw` text to `out`, resolving entity and character references
/// when `references` (not in CDATA) and normalising CR LF and lone CR to LF
/// (XML 1.0 section 2.11). `out` may not grow past `max` bytes: that is
/// checked as the text is read, so whichever error comes first in the
/// input wins (a bad reference, or the text growing too long), however the
/// text was split.
pub(crate) fn append_text(
    raw: &str,
    references: bool,
    out: &mut String,
    max: usize,
    at: usize,
) -> Result<(), Fail> {
    let bytes = raw.as_bytes();
    let amp = if references { b'&' } else { b'\r' };
    let too_long = || {
        Fail::new(
            DecodeErrorKind::LimitExceeded(LimitKind::TextSize),
            at,
            "limit max_text_size exceeded",
        )
    };
    let mut from = 0;
    while let Some(rel) = memchr::memchr2(amp, b'\r', &bytes[from..]) {
        let i = from + rel;
        out.push_str(&raw[from..i]);
        if out.len() > max {
            return Err(too_long());
        }
        if bytes[i] == b'\r' {
            out.push('\n');
            from = i + 1;
            if bytes.get(from) == Some(&b'\n') {
                from += 1;
            }
        } else {
            let end = bytes[i..]
                .iter()
                .take(12)
                .position(|&b| b == b';')
                .map(|p| i + p)
                .ok_or_else(|| {
                    Fail::new(DecodeErrorKind::Syntax, at + i, "unterminated reference")
                })?;
            out.push(resolve(&raw[i + 1..end]).ok_or_else(|| {
                Fail::new(
                    DecodeErrorKind::Syntax,
                    at + i,
                    "unknown entity or invalid character reference",
                )
            })?);
            from = end + 1;
        }
        if out.len() > max {
            return Err(too_long());
        }
    }
    out.push_str(&raw[from..]);
    if out.len() > max {
        return Err(too_long());
    }
    Ok(())
}

/// The character a reference's name (between `&` and `;`) stands for.
fn resolve(name: &str) -> Option<char> {
    let code = match name {
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "amp" => return Some('&'),
        "quot" => return Some('"'),
        "apos" => return Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            match num.strip_prefix('x') {
                Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u32::from_str_radix(hex, 16).ok()?
                }
                None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => {
                    num.parse().ok()?
                }
                _ => return None,
            }
        }
    };
    let c = char::from_u32(code)?;
    let allowed =
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}');
    allowed.then_some(c)
}

/// The text with surrounding XML whitespace removed.
fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_ws(c as u8))
}

fn bad(at: usize, msg: impl Into<Cow<'static, str>>) -> Fail {
    Fail::new(DecodeErrorKind::InvalidValue, at, msg)
}

/// Parses `[+-]digits` into an integer in `min..=max` (rules 8, 9, 18).
pub(crate) fn parse_int(
    text: &str,
    min: i64,
    max: i64,
    what: &str,
    at: usize,
) -> Result<i64, Fail> {
    let t = trim(text).as_bytes();
    let (neg, digits) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad(at, format!("<{what}> is not a decimal integer")));
    }
    let mut v: i64 = 0;
    for &d in digits {
        let d = i64::from(d - b'0');
        // Accumulate negatively so i64::MIN fits.
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_sub(d))
            .ok_or_else(|| bad(at, format!("<{what}> out of range")))?;
    }
    let v = if neg {
        v
    } else {
        v.checked_neg()
            .ok_or_else(|| bad(at, format!("<{what}> out of range")))?
    };
    if v < min || v > max {
        return Err(bad(at, format!("<{what}> out of range")));
    }
    Ok(v)
}

/// Parses `<boolean>`: exactly `0` or `1` (rule 10).
pub(crate) fn parse_bool(text: &str, at: usize) -> Result<bool, Fail> {
    match trim(text) {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err(bad(at, "<boolean> is not 0 or 1")),
    }
}

/// Parses `<double>` (rule 12): `[+-]digits[.digits]` with an optional
/// exponent; NaN, infinities and values that overflow are refused.
pub(crate) fn parse_double(text: &str, what: &str, at: usize) -> Result<f64, Fail> {
    let t = trim(text);
    if let Some(v) = short_decimal(t.as_bytes()) {
        return Ok(v);
    }
    if !is_decimal(t.as_bytes()) {
        return Err(bad(at, format!("<{what}> is not a decimal number")));
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(bad(at, format!("<{what}> out of range"))),
    }
}

/// `[+-]?[0-9]+(\.[0-9]+)?` with at most 15 digits, the common case, read
/// without the general float parser: the digits as an integer are exact in
/// an f64 (< 2^53) and so is the power of ten (<= 1e22), so one division
/// rounds correctly (Clinger's fast path) and the result equals `parse`.
/// `None` for anything else, which takes the general path.
fn short_decimal(s: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (neg, body) = match s.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, s),
    };
    let (int, frac) = match body.iter().position(|&b| b == b'.') {
        Some(dot) => (&body[..dot], &body[dot + 1..]),
        None => (body, &[][..]),
    };
    let has_dot = int.len() < body.len();
    if int.is_empty() || (has_dot && frac.is_empty()) || int.len() + frac.len() > 15 {
        return None;
    }
    let mut m: u64 = 0;
    for &b in int.iter().chain(frac) {
        if !b.is_ascii_digit() {
            return None;
        }
        m = m * 10 + u64::from(b - b'0');
    }
    let v = m as f64 / POW10[frac.len()];
    Some(if neg { -v } else { v })
}

/// `[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn is_decimal(s: &[u8]) -> bool {
    let mut i = usize::from(matches!(s.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while s.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return false;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == s.len()
}

/// The all-zero date, in the basic or the extended form.
fn is_zero_date(text: &str) -> bool {
    matches!(text, "00000000T00:00:00" | "0000-00-00T00:00:00")
}

/// Parses `<dateTime.iso8601>` (rule 13).
pub(crate) fn parse_datetime(text: &str, at: usize) -> Result<DateTime, Fail> {
    DateTime::parse_bytes(trim(text).as_bytes())
        .map_err(|e| bad(at, format!("invalid <dateTime.iso8601>: {e}")))
}

/// Decodes `<base64>` (rule 14): whitespace and line breaks anywhere are
/// skipped; bad characters or padding are refused. `scratch` is reused.
pub(crate) fn parse_base64(text: &str, scratch: &mut Vec<u8>, at: usize) -> Result<Bytes, Fail> {
    use base64::Engine as _;
    let b = text.as_bytes();
    let compact: &[u8] = if b.iter().any(|&c| is_ws(c)) {
        scratch.clear();
        scratch.extend(b.iter().copied().filter(|&c| !is_ws(c)));
        scratch
    } else {
        b
    };
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map(Bytes::from)
        .map_err(|e| bad(at, format!("invalid <base64>: {e}")))
}

/// A finished scalar element's value, with the leniencies of `options`.
pub(crate) fn scalar(
    kind: Scalar,
    text: &str,
    scratch: &mut Vec<u8>,
    options: DecodeOptions,
    at: usize,
) -> Result<Value, Fail> {
    const I32: (i64, i64) = (i32::MIN as i64, i32::MAX as i64);
    if !matches!(kind, Scalar::String | Scalar::Base64) && trim(text).is_empty() {
        if options.lenient_empty_scalars {
            return Ok(Value::Nil);
        }
        return Err(bad(
            at,
            format!(
                "empty <{}> (see DecodeOptions::lenient_empty_scalars)",
                kind.name()
            ),
        ));
    }
    Ok(match kind {
        Scalar::Int(what) => Value::Int(parse_int(text, I32.0, I32.1, what, at)? as i32),
        Scalar::I1 => Value::Int(parse_int(text, -128, 127, "ex:i1", at)? as i32),
        Scalar::I2 => Value::Int(parse_int(text, -32768, 32767, "ex:i2", at)? as i32),
        Scalar::I8(what) => Value::I8(parse_int(text, i64::MIN, i64::MAX, what, at)?),
        Scalar::Bool => Value::Bool(parse_bool(text, at)?),
        Scalar::Double => Value::Double(parse_double(text, "double", at)?),
        Scalar::Float => {
            let v = parse_double(text, "ex:float", at)?;
            if v.abs() > f64::from(f32::MAX) {
                return Err(bad(at, "<ex:float> out of range"));
            }
            Value::Double(v)
        }
        Scalar::String => Value::String(text.to_owned()),
        Scalar::DateTime if is_zero_date(trim(text)) => {
            if !options.lenient_zero_date {
                return Err(bad(
                    at,
                    "the all-zero <dateTime.iso8601> is no date (see DecodeOptions::lenient_zero_date)",
                ));
            }
            Value::DateTime(DateTime::ZERO)
        }
        Scalar::DateTime => Value::DateTime(parse_datetime(text, at)?),
        Scalar::Base64 => Value::Base64(parse_base64(text, scratch, at)?),
    })
}

/// The leaf value types, with the element name for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scalar {
    /// `int`, `i4`, `ex:i4`.
    Int(&'static str),
    /// `ex:i1`.
    I1,
    /// `ex:i2`.
    I2,
    /// `i8`, `ex:i8`.
    I8(&'static str),
    Bool,
    Double,
    /// `ex:float`.
    Float,
    String,
    /// `dateTime.iso8601`, `ex:dateTime`.
    DateTime,
    Base64,
}

impl Scalar {
    /// The element's name, for messages.
    fn name(self) -> &'static str {
        match self {
            Scalar::Int(what) | Scalar::I8(what) => what,
            Scalar::I1 => "ex:i1",
            Scalar::I2 => "ex:i2",
            Scalar::Bool => "boolean",
            Scalar::Double => "double",
            Scalar::Float => "ex:float",
            Scalar::String => "string",
            Scalar::DateTime => "dateTime.iso8601",
            Scalar::Base64 => "base64",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_decimals_equal_the_general_parse() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut cases = vec![
            "0".to_owned(),
            "-0.0".into(),
            "+7".into(),
            "0.875".into(),
            "123456789012345".into(),
            "0.00000000000001".into(),
            "99999999999999.9".into(),
            "-777.0625".into(),
            "0.1".into(),
        ];
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 15 + 1) as usize;
            let dot = (x >> 8) as usize % (digits + 1);
            let n = format!("{:015}", x >> 16);
            let n = &n[n.len() - digits..];
            let sign = ["", "-", "+"][(x >> 4) as usize % 3];
            cases.push(if dot == 0 || dot == digits {
                format!("{sign}{n}")
            } else {
                format!("{sign}{}.{}", &n[..dot], &n[dot..])
            });
        }
        for c in &cases {
            let want: f64 = c.parse().unwrap();
            let got = short_decimal(c.as_bytes()).unwrap_or_else(|| panic!("{c}"));
            assert_eq!(got.to_bits(), want.to_bits(), "{c}");
        }
        for other in [
            "1e5",
            "1.",
            ".5",
            "-",
            "",
            "1.2.3",
            "1234567890123456",
            "0x1",
            "1 ",
        ] {
            assert!(short_decimal(other.as_bytes()).is_none(), "{other}");
        }
    }

    fn unescape(s: &str) -> Result<String, Fail> {
        let mut out = String::new();
        append_text(s, true, &mut out, usize::MAX, 0).map(|()| out)
    }

    #[test]
    fn references_and_line_ends() {
        assert_eq!(unescape("a&lt;&gt;&amp;&quot;&apos;b").unwrap(), "a<>&\"'b");
        assert_eq!(unescape("&#65;&#x42;&#x1F600;").unwrap(), "AB\u{1F600}");
        assert_eq!(unescape("a\r\nb\rc\n").unwrap(), "a\nb\nc\n");
        for bad in [
            "&nbsp;", "&#0;", "&#x1;", "&#xD800;", "&#xFFFE;", "&amp", "&;", "&#;", "&#x;",
            "&#12a;",
        ] {
            assert!(unescape(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ints() {
        assert_eq!(
            parse_int("-2147483648", i32::MIN.into(), i32::MAX.into(), "int", 0).unwrap(),
            -2147483648
        );
        assert_eq!(
            parse_int(" +007\n", i32::MIN.into(), i32::MAX.into(), "int", 0).unwrap(),
            7
        );
        assert_eq!(
            parse_int("-9223372036854775808", i64::MIN, i64::MAX, "i8", 0).unwrap(),
            i64::MIN
        );
        for t in [
            "",
            "-",
            "1 2",
            "0x1",
            "1.0",
            "2147483648",
            "99999999999999999999",
        ] {
            assert!(
                parse_int(t, i32::MIN.into(), i32::MAX.into(), "int", 0).is_err(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn doubles() {
        for (t, v) in [
            ("1.5", 1.5),
            ("-0.0", -0.0),
            ("1e+16", 1e16),
            ("1.0E7", 1e7),
            ("+3", 3.0),
        ] {
            assert_eq!(parse_double(t, "double", 0).unwrap(), v, "{t}");
        }
        for t in [
            "",
            ".5",
            "5.",
            "nan",
            "inf",
            "-Infinity",
            "1e",
            "1e999",
            "1,5",
            "0x10",
        ] {
            assert!(parse_double(t, "double", 0).is_err(), "{t:?}");
        }
    }

    #[test]
    fn base64_rules() {
        let mut s = Vec::new();
        assert_eq!(
            &parse_base64("aGVs\r\nbG8=", &mut s, 0).unwrap()[..],
            b"hello"
        );
        assert_eq!(&parse_base64("", &mut s, 0).unwrap()[..], b"");
        for t in ["aGVsbG8", "aGVs*G8=", "aGVsbG8=="] {
            assert!(parse_base64(t, &mut s, 0).is_err(), "{t}");
        }
    }

    #[test]
    fn finds_delimiters() {
        assert_eq!(find(b"a-b--c", b"--"), Some(3));
        assert_eq!(find(b"]]]>", b"]]>"), Some(1));
        assert_eq!(find(b"x]]", b"]]>"), None);
        assert_eq!(find(b"", b"?>"), None);
    }

    #[test]
    fn forbidden_characters() {
        assert!(check_chars(b"a\tb\n", 0).is_ok());
        assert_eq!(check_chars(b"ab\x01", 5).unwrap_err().at, 7);
        assert!(check_chars(b"\xff", 0).is_err());
        assert!(check_chars("\u{FFFF}".as_bytes(), 0).is_err());
    }
}
