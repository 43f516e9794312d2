//! The server's `200 OK` writer: every XML-RPC answer, fault or not (SPEC 26).

use bytes::{BufMut, Bytes, BytesMut};

use super::gzip;
use super::status::put_header;
use crate::{encode_response, fault_code, Fault, MethodResponse};

/// How a response is framed and whether the connection stays open.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ResponseMeta {
    /// The client accepts a gzip body.
    pub accept_gzip: bool,
    /// Gzip bodies at least this large.
    pub gzip_threshold: Option<usize>,
    /// Send `Connection: close`.
    pub close: bool,
    /// The request was HTTP/1.0 and stays open: say `Connection: keep-alive`.
    pub http10_keep_alive: bool,
}

/// Encodes `response` and appends the whole HTTP response to `out`. A
/// response that cannot be encoded is replaced by fault -32603 saying why.
pub(crate) fn write_response(
    response: &MethodResponse,
    meta: ResponseMeta,
    server_name: &str,
    body: &mut BytesMut,
    out: &mut BytesMut,
) {
    encode_body(response, body);
    let gzipped = gzip_if_worth(body, meta.accept_gzip, meta.gzip_threshold);
    let payload: &[u8] = gzipped.as_deref().unwrap_or(body);
    out.reserve(160 + server_name.len() + payload.len());
    out.put_slice(b"HTTP/1.1 200 OK\r\n");
    put_header(out, "Server", server_name);
    out.put_slice(b"Content-Type: text/xml\r\nContent-Length: ");
    out.put_slice(itoa::Buffer::new().format(payload.len()).as_bytes());
    out.put_slice(b"\r\n");
    if gzipped.is_some() {
        out.put_slice(b"Content-Encoding: gzip\r\n");
    }
    if meta.close {
        out.put_slice(b"Connection: close\r\n");
    } else if meta.http10_keep_alive {
        out.put_slice(b"Connection: keep-alive\r\n");
    }
    out.put_slice(b"\r\n");
    out.put_slice(payload);
}

/// `body` gzipped when the client accepts gzip and it is at least
/// `threshold` bytes; `None` when it goes out as it is.
pub(crate) fn gzip_if_worth(
    body: &[u8],
    accept_gzip: bool,
    threshold: Option<usize>,
) -> Option<Bytes> {
    match threshold {
        Some(t) if accept_gzip && body.len() >= t => Some(gzip::compress(body)),
        _ => None,
    }
}

/// Encodes `response` into `body` (cleared first). A response that cannot
/// be encoded is replaced by fault -32603 saying why.
pub(crate) fn encode_body(response: &MethodResponse, body: &mut BytesMut) {
    body.clear();
    if let Err(e) = encode_response(response, body) {
        body.clear();
        let fault = Fault::new(
            fault_code::INTERNAL_ERROR,
            format!("the response could not be encoded: {e:?}"),
        );
        // A fault with a plain ASCII message always encodes.
        let _ = encode_response(&MethodResponse::Fault(fault), body);
    }
}
