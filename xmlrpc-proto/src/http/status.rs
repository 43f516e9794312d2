//! The HTTP-level refusals of SPEC.md's status table, and how they are written.
//!
//! Every refusal is a short `text/plain` body and closes the connection: after
//! a refusal the server cannot trust where the next request starts (the body
//! may or may not follow), so closing is the one safe answer.

use bytes::{BufMut, Bytes, BytesMut};
use http::StatusCode;

use super::ServerConfig;

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

    /// The header its status calls for, if any.
    fn extra_header(&self) -> Option<(&'static str, &'static str)> {
        match self.status {
            StatusCode::METHOD_NOT_ALLOWED => Some(("Allow", "POST")),
            StatusCode::UNAUTHORIZED => Some(("WWW-Authenticate", "Basic realm=\"xmlrpc\"")),
            // Overload passes: the body budget frees as calls are answered.
            StatusCode::SERVICE_UNAVAILABLE => Some(("Retry-After", "1")),
            _ => None,
        }
    }

    /// The refusal as an `http::Response` (same status, headers and body;
    /// the framework frames it and decides about the connection).
    pub(crate) fn to_response(&self, server: Option<&http::HeaderValue>) -> http::Response<Bytes> {
        let mut body = BytesMut::with_capacity(self.reason.len() + 1);
        body.put_slice(self.reason.as_bytes());
        body.put_u8(b'\n');
        let mut response = page_response(
            self.status,
            "text/plain; charset=utf-8",
            body.freeze(),
            server,
        );
        if let Some((name, value)) = self.extra_header() {
            response
                .headers_mut()
                .insert(name, http::HeaderValue::from_static(value));
        }
        response
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
        if let Some((name, value)) = self.extra_header() {
            put_header(out, name, value);
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

/// A page a server answers on `GET`, before any XML-RPC.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    /// 200, or 503 from the health path while draining.
    pub status: StatusCode,
    /// `text/plain` or `text/html`, with the charset.
    pub content_type: &'static str,
    /// The page.
    pub body: &'a [u8],
}

/// What a `GET`/`HEAD` of `path` answers: the health path (200, or 503
/// while `draining`, so a balancer sends no more), or the docs page on an
/// RPC path when configured; `None` when neither. `any_path` makes every
/// path an RPC path (a framework routed the request here).
pub(crate) fn page_for<'c>(
    config: &'c ServerConfig,
    path: &str,
    any_path: bool,
    draining: bool,
) -> Option<Page<'c>> {
    const TEXT: &str = "text/plain; charset=utf-8";
    if config.health_path.as_deref() == Some(path) {
        return Some(if draining {
            Page {
                status: StatusCode::SERVICE_UNAVAILABLE,
                content_type: TEXT,
                body: b"draining\n",
            }
        } else {
            Page {
                status: StatusCode::OK,
                content_type: TEXT,
                body: b"ok\n",
            }
        });
    }
    match &config.docs_page {
        Some(page) if any_path || config.served_path(path).is_some() => Some(Page {
            status: StatusCode::OK,
            content_type: "text/html; charset=utf-8",
            body: page.as_bytes(),
        }),
        _ => None,
    }
}

/// A whole response of `status` with `body` of `content_type`, for a
/// framework to frame.
pub(crate) fn page_response(
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    server: Option<&http::HeaderValue>,
) -> http::Response<Bytes> {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    if let Some(server) = server {
        headers.insert(http::header::SERVER, server.clone());
    }
    response
}

/// The `Server` header of `server_name` (none when empty or not a valid
/// header value), made once per server.
pub(crate) fn server_header(server_name: &str) -> Option<http::HeaderValue> {
    (!server_name.is_empty())
        .then(|| http::HeaderValue::from_str(server_name).ok())
        .flatten()
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
