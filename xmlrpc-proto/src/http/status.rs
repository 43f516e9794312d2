//! The HTTP-level refusals of SPEC.md's status table, and how they are written.
//!
//! Every refusal is a short `text/plain` body and closes the connection: after
//! a refusal the server cannot trust where the next request starts (the body
//! may or may not follow), so closing is the one safe answer.

use bytes::{BufMut, BytesMut};
use http::StatusCode;

/// A request the server refuses below the XML-RPC layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reject {
    /// The status of the table row.
    pub status: StatusCode,
    /// The short text body (one line, never request bytes).
    pub reason: &'static str,
}

impl Reject {
    /// A refusal with `status` and `reason`.
    pub(crate) const fn new(status: StatusCode, reason: &'static str) -> Self {
        Reject { status, reason }
    }

    /// Malformed request: 400, then close.
    pub(crate) const fn bad_request(reason: &'static str) -> Self {
        Reject::new(StatusCode::BAD_REQUEST, reason)
    }

    /// Writes the whole response (head and body) to `out`.
    pub(crate) fn write(&self, server_name: &str, out: &mut BytesMut) {
        self.write_with(b"HTTP/1.1 ", server_name, out);
    }

    /// Writes the refusal as a CGI response (`Status: 400 Bad Request`, the
    /// same headers, no `Connection`), as SCGI answers.
    pub(crate) fn write_cgi(&self, out: &mut BytesMut) {
        self.write_with(b"Status: ", "", out);
    }

    /// The refusal after `first` (the status line's start).
    fn write_with(&self, first: &[u8], server_name: &str, out: &mut BytesMut) {
        let http = first.starts_with(b"HTTP/");
        let body_len = self.reason.len() + 1;
        out.reserve(160 + server_name.len() + body_len);
        out.put_slice(first);
        out.put_slice(self.status.as_str().as_bytes());
        out.put_u8(b' ');
        out.put_slice(self.status.canonical_reason().unwrap_or("Error").as_bytes());
        out.put_slice(b"\r\n");
        put_header(out, "Server", server_name);
        match self.status {
            StatusCode::METHOD_NOT_ALLOWED => put_header(out, "Allow", "POST"),
            StatusCode::UNAUTHORIZED => {
                put_header(out, "WWW-Authenticate", "Basic realm=\"xmlrpc\"")
            }
            // Overload passes: the body budget frees as calls are answered.
            StatusCode::SERVICE_UNAVAILABLE => put_header(out, "Retry-After", "1"),
            _ => {}
        }
        put_header(out, "Content-Type", "text/plain; charset=utf-8");
        out.put_slice(b"Content-Length: ");
        let mut itoa = itoa::Buffer::new();
        out.put_slice(itoa.format(body_len).as_bytes());
        out.put_slice(b"\r\n");
        if http {
            out.put_slice(b"Connection: close\r\n");
        }
        out.put_slice(b"\r\n");
        out.put_slice(self.reason.as_bytes());
        out.put_u8(b'\n');
    }
}

/// Writes a whole `status` response with `body` of `content_type` (only
/// its length when `head_only`, for `HEAD`), closing the connection: the
/// answer to a `GET` of the docs page or the health path.
pub(crate) fn write_page(
    status: StatusCode,
    content_type: &str,
    body: &[u8],
    head_only: bool,
    server_name: &str,
    out: &mut BytesMut,
) {
    out.reserve(160 + server_name.len() + body.len());
    out.put_slice(b"HTTP/1.1 ");
    out.put_slice(status.as_str().as_bytes());
    out.put_u8(b' ');
    out.put_slice(status.canonical_reason().unwrap_or("Error").as_bytes());
    out.put_slice(b"\r\n");
    put_header(out, "Server", server_name);
    put_header(out, "Content-Type", content_type);
    put_header(out, "Cache-Control", "no-store");
    out.put_slice(b"Content-Length: ");
    out.put_slice(itoa::Buffer::new().format(body.len()).as_bytes());
    out.put_slice(b"\r\nConnection: close\r\n\r\n");
    if !head_only {
        out.put_slice(body);
    }
}

/// Appends `name: value\r\n` (skipped when `value` is empty).
pub(crate) fn put_header(out: &mut BytesMut, name: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    out.put_slice(name.as_bytes());
    out.put_slice(b": ");
    out.put_slice(value.as_bytes());
    out.put_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_bytes() {
        let mut out = BytesMut::new();
        Reject::new(StatusCode::METHOD_NOT_ALLOWED, "only POST is served").write("x", &mut out);
        assert_eq!(
            &out[..],
            b"HTTP/1.1 405 Method Not Allowed\r\nServer: x\r\nAllow: POST\r\n\
              Content-Type: text/plain; charset=utf-8\r\nContent-Length: 20\r\n\
              Connection: close\r\n\r\nonly POST is served\n"
        );
    }
}
