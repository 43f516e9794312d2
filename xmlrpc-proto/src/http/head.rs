//! Request heads: finding the end, parsing with httparse, and every check of
//! SPEC.md's status table that can be made before the body.

use std::mem::MaybeUninit;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version};

use super::head_scan::{HeadScan, Read};
use super::status::Reject;

/// Longest request line (method, target, version); longer is 414.
pub(crate) const MAX_REQUEST_LINE: usize = 8 * 1024;

/// Header slots kept on the stack; larger `max_headers` use the heap.
const STACK_HEADERS: usize = 128;

/// How a message body is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Framing {
    /// `Content-Length: n`.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Neither (responses only): the body runs until the connection closes.
    UntilClose,
}

impl Framing {
    /// The body's length when declared up front.
    pub(crate) fn declared(self) -> Option<u64> {
        match self {
            Framing::Length(n) => Some(n),
            Framing::Chunked | Framing::UntilClose => None,
        }
    }
}

/// Where the end of a head is in a buffer: the head's length including the
/// blank line, or `None` while incomplete. `from` is where a previous search
/// stopped, so byte-by-byte input costs linear time.
pub(crate) fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    let start = from.saturating_sub(3).min(buf.len());
    let mut at = start;
    while let Some(pos) = memchr::memchr(b'\n', &buf[at..]) {
        let nl = at + pos;
        match buf.get(nl + 1) {
            Some(b'\n') => return Some(nl + 2),
            Some(b'\r') if buf.get(nl + 2) == Some(&b'\n') => return Some(nl + 3),
            _ => at = nl + 1,
        }
    }
    None
}

/// Everything the server needs from a request head that passed the checks,
/// beside the head's `Parts` (read by reference: they are moved once, into
/// the request's context, not through every step).
#[derive(Debug)]
pub(crate) struct RequestHead {
    /// Body framing (never `UntilClose`).
    pub framing: Framing,
    /// The client allows the connection to stay open.
    pub keep_alive: bool,
    /// `Expect: 100-continue` on HTTP/1.1.
    pub expect_continue: bool,
    /// `Content-Encoding: gzip`.
    pub gzip_body: bool,
    /// `Accept-Encoding` allows a gzip response.
    pub accept_gzip: bool,
    /// `charset=` of the Content-Type, if any.
    pub charset: Option<String>,
}

/// Parses a complete head (`head` ends with the blank line) with at most
/// `max_headers` headers: syntax (400), request line length (414), header
/// count (431) and version (505). [`analyse`] does the rest.
///
/// Header values and the target are slices of `head` (no copy).
pub(crate) fn parse_request(
    head: &Bytes,
    max_headers: usize,
) -> Result<http::request::Parts, Reject> {
    let line_end = memchr::memchr(b'\n', head).unwrap_or(head.len());
    if line_end > MAX_REQUEST_LINE {
        return Err(Reject::new(
            StatusCode::URI_TOO_LONG,
            "request line too long",
        ));
    }
    // Header slots on the stack for the usual limits: no allocation, no
    // zeroing per request.
    let mut stack = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; STACK_HEADERS];
    let mut heap;
    // A header line takes at least three bytes, so a head holds fewer than
    // `len / 2 + 1` of them: more slots than that are never used, and a
    // huge `max_headers` must not size an allocation.
    let wanted = max_headers.min(head.len() / 2 + 1);
    let slots = if wanted <= STACK_HEADERS {
        &mut stack[..wanted]
    } else {
        heap = vec![MaybeUninit::uninit(); wanted];
        &mut heap[..]
    };
    let mut req = httparse::Request::new(&mut []);
    match req.parse_with_uninit_headers(head, slots) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(Reject::bad_request("malformed request head")),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Reject::new(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "too many request headers",
            ))
        }
        Err(httparse::Error::Version) if names_other_http_version(&head[..line_end]) => {
            return Err(Reject::new(
                StatusCode::HTTP_VERSION_NOT_SUPPORTED,
                "only HTTP/1.0 and HTTP/1.1 are served",
            ))
        }
        Err(_) => return Err(Reject::bad_request("malformed request line or header")),
    }
    let version = match req.version {
        Some(0) => Version::HTTP_10,
        _ => Version::HTTP_11,
    };
    let method = Method::from_bytes(req.method.unwrap_or("").as_bytes())
        .map_err(|_| Reject::bad_request("malformed method"))?;
    let target = req.path.unwrap_or("").as_bytes();
    let uri = http::Uri::from_maybe_shared(head.slice_ref(target))
        .map_err(|_| Reject::bad_request("malformed request target"))?;
    let mut map = HeaderMap::with_capacity(req.headers.len());
    for h in req.headers.iter() {
        let name = HeaderName::from_bytes(h.name.as_bytes())
            .map_err(|_| Reject::bad_request("malformed header name"))?;
        let value = HeaderValue::from_maybe_shared(head.slice_ref(h.value))
            .map_err(|_| Reject::bad_request("malformed header value"))?;
        map.append(name, value);
    }
    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts.method = method;
    parts.uri = uri;
    parts.version = version;
    parts.headers = map;
    Ok(parts)
}

/// `HTTP/<digit>...` that httparse refused: a version we do not speak (505),
/// as opposed to a broken line (400).
fn names_other_http_version(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let parts: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let [_, _, last] = parts[..] else {
        return false;
    };
    last.starts_with(b"HTTP/") && last.get(5).is_some_and(u8::is_ascii_digit)
}

/// Checks Host (400), framing (400, 411, 501) and Content-Encoding (415),
/// and reads what the server needs from the headers.
pub(crate) fn analyse(parts: &http::request::Parts) -> Result<RequestHead, Reject> {
    let headers = HeadScan::new(&parts.headers);
    let http11 = parts.version == Version::HTTP_11;
    check_host(parts.version, &headers)?;
    let framing = request_framing(&headers)?;
    let connection = tokens_of(headers.all(Read::Connection));
    let keep_alive = if connection.iter().any(|t| t == "close") {
        false
    } else {
        http11 || connection.iter().any(|t| t == "keep-alive")
    };
    let expect_continue = http11
        && headers
            .first(Read::Expect)
            .is_some_and(|v| v.eq_ignore_ascii_case(b"100-continue"));
    let coding = body_coding(&headers)?;
    Ok(RequestHead {
        framing,
        keep_alive,
        expect_continue,
        gzip_body: coding.gzip_body,
        accept_gzip: coding.accept_gzip,
        charset: coding.charset,
    })
}

/// One Host header (none is allowed before HTTP/1.1; HTTP/2 carries the
/// authority in the URI instead).
pub(crate) fn check_host(version: Version, headers: &HeadScan<'_>) -> Result<(), Reject> {
    match headers.count(Read::Host) {
        0 if version == Version::HTTP_11 => Err(Reject::bad_request("missing Host header")),
        0 | 1 => Ok(()),
        _ => Err(Reject::bad_request("several Host headers")),
    }
}

/// How a request body is coded and how its answer may be.
#[derive(Debug)]
pub(crate) struct BodyCoding {
    /// `Content-Encoding: gzip`.
    pub gzip_body: bool,
    /// `Accept-Encoding` allows a gzip response.
    pub accept_gzip: bool,
    /// `charset=` of the Content-Type, if any.
    pub charset: Option<String>,
}

/// Content-Encoding (identity or gzip, else 415), Accept-Encoding and the
/// Content-Type's charset.
pub(crate) fn body_coding(headers: &HeadScan<'_>) -> Result<BodyCoding, Reject> {
    Ok(BodyCoding {
        gzip_body: body_is_gzip(headers)?,
        accept_gzip: headers
            .all(Read::AcceptEncoding)
            .any(super::gzip::accepts_gzip),
        charset: headers.first(Read::ContentType).and_then(charset_of),
    })
}

/// Request framing by RFC 9112 section 6: the smuggling vectors (CL with TE,
/// different CLs, TE not ending in chunked) are 400; codings we do not
/// implement are 501; no framing at all is 411.
pub(crate) fn request_framing(headers: &HeadScan<'_>) -> Result<Framing, Reject> {
    let codings = tokens_of(headers.all(Read::TransferEncoding));
    let length = content_length(headers)?;
    if !codings.is_empty() || headers.has(Read::TransferEncoding) {
        if length.is_some() {
            return Err(Reject::bad_request(
                "Content-Length and Transfer-Encoding together",
            ));
        }
        let chunked = codings.iter().filter(|c| *c == "chunked").count();
        return match codings.last().map(String::as_str) {
            Some("chunked") if codings.len() == 1 => Ok(Framing::Chunked),
            Some("chunked") if chunked == 1 => Err(Reject::new(
                StatusCode::NOT_IMPLEMENTED,
                "only the chunked transfer coding is implemented",
            )),
            _ if chunked > 0 => Err(Reject::bad_request(
                "Transfer-Encoding must end in chunked, once",
            )),
            _ => Err(Reject::new(
                StatusCode::NOT_IMPLEMENTED,
                "only the chunked transfer coding is implemented",
            )),
        };
    }
    match length {
        Some(n) => Ok(Framing::Length(n)),
        None => Err(Reject::new(
            StatusCode::LENGTH_REQUIRED,
            "Content-Length or chunked body required",
        )),
    }
}

/// The Content-Length, if any; several headers or list items must agree.
pub(crate) fn content_length(headers: &HeadScan<'_>) -> Result<Option<u64>, Reject> {
    content_length_of(headers.all(Read::ContentLength))
}

/// [`content_length`] over the raw values of every `Content-Length` header.
pub(crate) fn content_length_of<'a>(
    values: impl Iterator<Item = &'a [u8]>,
) -> Result<Option<u64>, Reject> {
    let mut found: Option<u64> = None;
    for value in values {
        for item in value.split(|&b| b == b',') {
            let item = item.trim_ascii();
            if item.is_empty() || !item.iter().all(u8::is_ascii_digit) {
                return Err(Reject::bad_request("malformed Content-Length"));
            }
            // All digits (checked above): accumulated directly, with
            // overflow as the only failure left.
            let n = item
                .iter()
                .try_fold(0u64, |n, &d| {
                    n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
                })
                .ok_or(Reject::bad_request("Content-Length overflows"))?;
            if found.is_some_and(|f| f != n) {
                return Err(Reject::bad_request("conflicting Content-Length headers"));
            }
            found = Some(n);
        }
    }
    Ok(found)
}

/// `Content-Encoding`: identity (or none) or gzip; anything else is 415.
fn body_is_gzip(headers: &HeadScan<'_>) -> Result<bool, Reject> {
    let codings = tokens_of(headers.all(Read::ContentEncoding));
    let mut gzip = false;
    for c in &codings {
        match c.as_str() {
            "identity" => {}
            "gzip" | "x-gzip" if !gzip => gzip = true,
            _ => {
                return Err(Reject::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "Content-Encoding must be identity or gzip",
                ))
            }
        }
    }
    Ok(gzip)
}

/// The comma-separated tokens of the raw values of every header of one
/// name, lowercased.
pub(crate) fn tokens_of<'a>(values: impl Iterator<Item = &'a [u8]>) -> Vec<String> {
    let mut out = Vec::new();
    for value in values {
        for item in value.split(|&b| b == b',') {
            let item = item.trim_ascii();
            if !item.is_empty() {
                out.push(String::from_utf8_lossy(item).to_ascii_lowercase());
            }
        }
    }
    out
}

/// The `charset` parameter of a Content-Type value, unquoted.
pub(crate) fn charset_of(value: &[u8]) -> Option<String> {
    if !value.contains(&b';') {
        // No parameters (`text/xml`, the usual case): nothing to parse.
        return None;
    }
    let text = std::str::from_utf8(value).ok()?;
    text.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches('"');
        (!value.is_empty()).then(|| value.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(http::request::Parts, RequestHead), Reject> {
        let parts = parse_request(&Bytes::copy_from_slice(text.as_bytes()), 100)?;
        let head = analyse(&parts)?;
        Ok((parts, head))
    }

    fn status(text: &str) -> u16 {
        match parse(text) {
            Ok(_) => 200,
            Err(r) => r.status.as_u16(),
        }
    }

    #[test]
    fn finds_head_end_with_crlf_or_lf() {
        assert_eq!(find_head_end(b"POST / HTTP/1.1\r\n\r\nbody", 0), Some(19));
        assert_eq!(find_head_end(b"POST / HTTP/1.1\n\nbody", 0), Some(17));
        assert_eq!(find_head_end(b"POST / HTTP/1.1\r\nA: b\r\n", 0), None);
        let buf = b"POST / HTTP/1.1\r\n\r\n";
        assert_eq!(find_head_end(buf, buf.len() - 1), Some(buf.len()));
    }

    #[test]
    fn a_good_head() {
        let (parts, h) = parse(
            "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\
             Content-Type: text/xml; charset=\"ISO-8859-1\"\r\nAccept-Encoding: gzip\r\n\
             Content-Encoding: gzip\r\nExpect: 100-continue\r\n\r\n",
        )
        .unwrap();
        assert_eq!(h.framing, Framing::Length(10));
        assert!(h.keep_alive && h.expect_continue && h.gzip_body && h.accept_gzip);
        assert_eq!(h.charset.as_deref(), Some("ISO-8859-1"));
        assert_eq!(parts.uri.path(), "/RPC2");
    }

    #[test]
    fn header_slots_beyond_the_stack_array() {
        let many: String = (0..150).map(|i| format!("X-{i}: v\r\n")).collect();
        let text = format!("POST / HTTP/1.1\r\nHost: a\r\n{many}Content-Length: 0\r\n\r\n");
        let bytes = Bytes::from(text);
        let parts = parse_request(&bytes, 200).map_err(|r| r.reason);
        assert_eq!(parts.map(|p| p.headers.len()), Ok(152));
        let refused = parse_request(&bytes, 151)
            .map(|_| ())
            .map_err(|r| r.status.as_u16());
        assert_eq!(refused, Err(431));
    }

    #[test]
    fn content_length_digits_up_to_u64_max() {
        let read = |v: &'static str| content_length_of(std::iter::once(v.as_bytes()));
        assert_eq!(read("0").unwrap(), Some(0));
        assert_eq!(read(" 0129 ").unwrap(), Some(129));
        assert_eq!(read("18446744073709551615").unwrap(), Some(u64::MAX));
        let over = read("18446744073709551616").unwrap_err();
        assert_eq!(over.reason, "Content-Length overflows");
        assert_eq!(read("+5").unwrap_err().reason, "malformed Content-Length");
        assert_eq!(read("5, 5").unwrap(), Some(5));
    }

    #[test]
    fn keep_alive_rules() {
        let (_, h10) = parse("POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n").unwrap();
        assert!(!h10.keep_alive);
        let (_, h10ka) =
            parse("POST / HTTP/1.0\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
        assert!(h10ka.keep_alive);
        let (_, close) =
            parse("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
        assert!(!close.keep_alive);
    }

    #[test]
    fn framing_and_smuggling() {
        let base = "POST / HTTP/1.1\r\nHost: x\r\n";
        let cases = [
            ("Transfer-Encoding: chunked\r\n", 200),
            ("Transfer-Encoding: Chunked\r\n", 200),
            ("Content-Length: 5\r\nContent-Length: 5\r\n", 200),
            ("Content-Length: 5, 5\r\n", 200),
            ("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400),
            ("Content-Length: 5\r\nContent-Length: 6\r\n", 400),
            ("Content-Length: 5, 6\r\n", 400),
            ("Content-Length: -5\r\n", 400),
            ("Content-Length: 99999999999999999999999\r\n", 400),
            ("Transfer-Encoding: chunked, identity\r\n", 400),
            (
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
                400,
            ),
            ("Transfer-Encoding: chunked, chunked\r\n", 400),
            ("Transfer-Encoding: gzip, chunked\r\n", 501),
            ("Transfer-Encoding: gzip\r\n", 501),
            ("Transfer-Encoding: \r\n", 501),
            ("", 411),
            ("Content-Encoding: br\r\nContent-Length: 1\r\n", 415),
            ("Content-Encoding: gzip, gzip\r\nContent-Length: 1\r\n", 415),
        ];
        for (headers, want) in cases {
            assert_eq!(status(&format!("{base}{headers}\r\n")), want, "{headers}");
        }
    }

    #[test]
    fn head_syntax_statuses() {
        assert_eq!(status("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), 400);
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Length: 0\r\n\r\n"),
            400
        );
        assert_eq!(status("POST / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
        assert_eq!(status("POST / HTTP/1.2\r\nHost: a\r\n\r\n"), 505);
        assert_eq!(status("POST / FTP/1.1\r\nHost: a\r\n\r\n"), 400);
        assert_eq!(status("PO ST / HTTP/1.1\r\n\r\n"), 400);
        assert_eq!(status("POST / HTTP/1.1\r\nBad Header: x\r\n\r\n"), 400);
        let long = format!(
            "POST /{} HTTP/1.1\r\nHost: a\r\n\r\n",
            "a".repeat(MAX_REQUEST_LINE)
        );
        assert_eq!(status(&long), 414);
        let many: String = (0..101).map(|i| format!("X-{i}: v\r\n")).collect();
        assert_eq!(
            status(&format!("POST / HTTP/1.1\r\nHost: a\r\n{many}\r\n")),
            431
        );
    }
}
