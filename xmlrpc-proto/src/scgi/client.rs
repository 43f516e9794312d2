//! The client side of SCGI, as pieces of the HTTP client machine: the
//! request is a netstring header block and the body, and the CGI response
//! head is rewritten into the HTTP head the machine already reads (status
//! from `Status:`, 200 when absent; CRLF or LF lines; always closed after).

use bytes::{BufMut, BytesMut};

use super::header;
use crate::client::{ClientConfig, ClientError};
use crate::http::client::is_framing_header;

/// Appends the SCGI request for `body` to `out`: `CONTENT_LENGTH`,
/// `SCGI=1`, `REQUEST_METHOD=POST`, `REQUEST_URI` (the address's path),
/// `CONTENT_TYPE`, then the configured headers as `HTTP_*` variables.
pub(crate) fn write_request(config: &ClientConfig, body: &[u8], out: &mut BytesMut) {
    let custom: Vec<(String, String)> = config
        .headers
        .iter()
        .filter(|(name, _)| !is_framing_header(name))
        .filter_map(|(name, value)| {
            let value = value.to_str().ok()?;
            let var = format!(
                "HTTP_{}",
                name.as_str().to_ascii_uppercase().replace('-', "_")
            );
            Some((var, value.to_owned()))
        })
        .collect();
    let mut vars = vec![
        ("REQUEST_METHOD", "POST"),
        ("REQUEST_URI", config.address.path()),
        ("SERVER_PROTOCOL", "HTTP/1.1"),
    ];
    if !config.headers.contains_key(http::header::CONTENT_TYPE) {
        vars.push(("CONTENT_TYPE", "text/xml"));
    }
    if !config.headers.contains_key(http::header::USER_AGENT) {
        vars.push(("HTTP_USER_AGENT", &config.user_agent));
    }
    vars.extend(custom.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    out.reserve(256 + body.len());
    header::write_block(body.len(), &vars, out);
    out.put_slice(body);
}

/// Rewrites a CGI response head (blank line included) as an HTTP/1.1 head
/// with `Connection: close`: the `Status:` header becomes the status line
/// (`200 OK` when there is none); a head that already starts with an HTTP
/// status line keeps it.
pub(crate) fn cgi_head_to_http(head: &[u8]) -> Result<BytesMut, ClientError> {
    let mut status: Option<&[u8]> = None;
    let mut fields = BytesMut::with_capacity(head.len() + 32);
    for (i, line) in head.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if i == 0 && line.starts_with(b"HTTP/") {
            status = line.splitn(2, |&b| b == b' ').nth(1);
            continue;
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => (&line[..colon], line[colon + 1..].trim_ascii()),
            None => return Err(malformed()),
        };
        if name.eq_ignore_ascii_case(b"status") {
            if status.is_some() {
                return Err(malformed());
            }
            status = Some(value);
        } else if !name.eq_ignore_ascii_case(b"connection") {
            fields.put_slice(line);
            fields.put_slice(b"\r\n");
        }
    }
    let mut out = BytesMut::with_capacity(fields.len() + 64);
    out.put_slice(b"HTTP/1.1 ");
    out.put_slice(status.unwrap_or(b"200 OK"));
    out.put_slice(b"\r\n");
    out.put_slice(&fields);
    out.put_slice(b"Connection: close\r\n\r\n");
    Ok(out)
}

fn malformed() -> ClientError {
    ClientError::Protocol("malformed SCGI (CGI) response head".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(head: &str) -> String {
        match cgi_head_to_http(head.as_bytes()) {
            Ok(out) => String::from_utf8_lossy(&out).into_owned(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn heads() {
        assert_eq!(
            rewrite("Status: 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(
            rewrite("Content-Type: text/xml\n\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(
            rewrite("HTTP/1.0 404 Not Found\r\nConnection: keep-alive\r\n\r\n"),
            "HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n"
        );
        assert!(rewrite("garbage\r\n\r\n").starts_with("error"));
        assert!(rewrite("Status: 200 OK\nStatus: 500 x\n\n").starts_with("error"));
    }
}
