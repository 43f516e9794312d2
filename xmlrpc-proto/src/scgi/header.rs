//! The SCGI request header block: a netstring `LEN:NAME\0VALUE\0...,`
//! whose first variable is `CONTENT_LENGTH` and which holds `SCGI=1`.

use bytes::{BufMut, BytesMut};

use super::ScgiError;

/// A header block that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeaderBlock {
    /// The body's length from `CONTENT_LENGTH`.
    pub content_length: u64,
    /// Every variable in order, `CONTENT_LENGTH` and `SCGI` included.
    pub vars: Vec<(String, String)>,
}

impl HeaderBlock {
    /// The value of variable `name`, if present.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Where the netstring's length prefix ends: `Some((len, prefix))` once
/// the `:` arrived (`prefix` counts the digits and the colon), `None`
/// while more digits may come. A length over `cap` fails as soon as its
/// digits say so, before the block is read.
pub(crate) fn parse_prefix(buf: &[u8], cap: usize) -> Result<Option<(usize, usize)>, ScgiError> {
    let mut len: usize = 0;
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b':' if i > 0 => return Ok(Some((len, i + 1))),
            // A leading zero is only allowed for the length 0 itself.
            b'0'..=b'9' if !(i == 1 && buf[0] == b'0') => {
                len = len
                    .checked_mul(10)
                    .and_then(|l| l.checked_add(usize::from(b - b'0')))
                    .ok_or(ScgiError::HeaderBlockTooLarge)?;
                if len > cap {
                    return Err(ScgiError::HeaderBlockTooLarge);
                }
            }
            _ => return Err(ScgiError::BadLength),
        }
    }
    Ok(None)
}

/// Checks and splits the block's content (between `:` and `,`).
pub(crate) fn parse_block(block: &[u8], max_vars: usize) -> Result<HeaderBlock, ScgiError> {
    if block.is_empty() {
        return Err(ScgiError::MissingContentLength);
    }
    let Some(body) = block.strip_suffix(b"\0") else {
        return Err(ScgiError::Malformed);
    };
    let mut parts = body.split(|&b| b == 0);
    let mut vars: Vec<(String, String)> = Vec::new();
    while let Some(name) = parts.next() {
        let Some(value) = parts.next() else {
            return Err(ScgiError::Malformed);
        };
        if name.is_empty() {
            return Err(ScgiError::Malformed);
        }
        if vars.len() >= max_vars {
            return Err(ScgiError::TooManyVariables);
        }
        let name = String::from_utf8_lossy(name).into_owned();
        if vars.iter().any(|(n, _)| *n == name) {
            return Err(ScgiError::DuplicateVariable);
        }
        vars.push((name, String::from_utf8_lossy(value).into_owned()));
    }
    let content_length = match vars.first() {
        Some((name, value)) if name == "CONTENT_LENGTH" => parse_length(value)?,
        _ => return Err(ScgiError::MissingContentLength),
    };
    let block = HeaderBlock {
        content_length,
        vars,
    };
    if block.get("SCGI") != Some("1") {
        return Err(ScgiError::MissingScgi);
    }
    Ok(block)
}

/// A decimal length: digits only, no sign, no spaces, no leading zeros.
fn parse_length(text: &str) -> Result<u64, ScgiError> {
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    if !digits || text.is_empty() || (text.len() > 1 && text.starts_with('0')) {
        return Err(ScgiError::BadContentLength);
    }
    text.parse().map_err(|_| ScgiError::BadContentLength)
}

/// Appends the netstring header block for a body of `content_length`
/// bytes: `CONTENT_LENGTH` first, `SCGI=1`, then `vars` (names or values
/// holding a NUL byte are skipped; they cannot be framed).
pub(crate) fn write_block(content_length: usize, vars: &[(&str, &str)], out: &mut BytesMut) {
    let mut block = BytesMut::new();
    let length = itoa::Buffer::new().format(content_length).to_owned();
    let fixed = [("CONTENT_LENGTH", length.as_str()), ("SCGI", "1")];
    for (name, value) in fixed.iter().chain(vars) {
        if name.is_empty() || name.contains('\0') || value.contains('\0') {
            continue;
        }
        block.put_slice(name.as_bytes());
        block.put_u8(0);
        block.put_slice(value.as_bytes());
        block.put_u8(0);
    }
    out.put_slice(itoa::Buffer::new().format(block.len()).as_bytes());
    out.put_u8(b':');
    out.put_slice(&block);
    out.put_u8(b',');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix() {
        assert_eq!(parse_prefix(b"", 100), Ok(None));
        assert_eq!(parse_prefix(b"12", 100), Ok(None));
        assert_eq!(parse_prefix(b"12:x", 100), Ok(Some((12, 3))));
        assert_eq!(parse_prefix(b"0:", 100), Ok(Some((0, 2))));
        assert_eq!(parse_prefix(b":", 100), Err(ScgiError::BadLength));
        assert_eq!(parse_prefix(b"1a", 100), Err(ScgiError::BadLength));
        assert_eq!(parse_prefix(b"-1:", 100), Err(ScgiError::BadLength));
        assert_eq!(parse_prefix(b"01:", 100), Err(ScgiError::BadLength));
        assert_eq!(
            parse_prefix(b"101", 100),
            Err(ScgiError::HeaderBlockTooLarge)
        );
        let huge = b"99999999999999999999999999";
        assert_eq!(
            parse_prefix(huge, usize::MAX),
            Err(ScgiError::HeaderBlockTooLarge)
        );
    }

    #[test]
    fn block_round_trip() {
        let mut out = BytesMut::new();
        write_block(42, &[("REQUEST_METHOD", "POST"), ("BAD\0", "x")], &mut out);
        let text = &out[..];
        assert_eq!(
            text,
            &b"45:CONTENT_LENGTH\x0042\x00SCGI\x001\x00REQUEST_METHOD\x00POST\x00,"[..]
        );
        let Ok(Some((len, at))) = parse_prefix(text, 1000) else {
            panic!("prefix")
        };
        let block = parse_block(&text[at..at + len], 100).expect("block");
        assert_eq!(block.content_length, 42);
        assert_eq!(block.get("REQUEST_METHOD"), Some("POST"));
        assert_eq!(block.vars.len(), 3);
    }

    #[test]
    fn block_errors() {
        let cases: [(&[u8], ScgiError); 9] = [
            (b"", ScgiError::MissingContentLength),
            (b"SCGI\x001\x00", ScgiError::MissingContentLength),
            (
                b"SCGI\x001\x00CONTENT_LENGTH\x001\x00",
                ScgiError::MissingContentLength,
            ),
            (
                b"CONTENT_LENGTH\x00x\x00SCGI\x001\x00",
                ScgiError::BadContentLength,
            ),
            (
                b"CONTENT_LENGTH\x00\x00SCGI\x001\x00",
                ScgiError::BadContentLength,
            ),
            (b"CONTENT_LENGTH\x001\x00", ScgiError::MissingScgi),
            (
                b"CONTENT_LENGTH\x001\x00SCGI\x002\x00",
                ScgiError::MissingScgi,
            ),
            (b"CONTENT_LENGTH\x001\x00SCGI", ScgiError::Malformed),
            (
                b"CONTENT_LENGTH\x001\x00A\x00\x00A\x00\x00",
                ScgiError::DuplicateVariable,
            ),
        ];
        for (block, want) in cases {
            assert_eq!(parse_block(block, 100), Err(want), "{block:?}");
        }
        let many = b"CONTENT_LENGTH\x001\x00SCGI\x001\x00A\x00\x00";
        assert_eq!(parse_block(many, 2), Err(ScgiError::TooManyVariables));
    }
}
