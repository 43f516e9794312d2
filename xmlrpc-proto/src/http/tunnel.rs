//! [`Tunnel`]: opening a `CONNECT` tunnel through an HTTP proxy, sans IO.
//!
//! The transport connects to the proxy, writes [`Tunnel::request`], and
//! feeds what the proxy answers to [`Tunnel::handle`] until it says the
//! tunnel is open; then TLS to the server starts inside it. A refusal is
//! [`ClientError::Status`] with the proxy's status (407 when it wants
//! credentials), anything else malformed a [`ClientError::Protocol`].

use bytes::{BufMut, Bytes, BytesMut};

use super::auth;
use super::status::put_header;
use crate::client::{ClientError, Proxy};

/// The largest proxy answer head read before giving up.
const MAX_HEAD: usize = 16 * 1024;

/// A `CONNECT` handshake in progress.
#[derive(Debug, Default)]
pub struct Tunnel {
    head: Vec<u8>,
}

impl Tunnel {
    /// A handshake waiting for the proxy's answer.
    pub fn new() -> Self {
        Tunnel::default()
    }

    /// The `CONNECT host:port` request for `proxy`, with its credentials.
    pub fn request(proxy: &Proxy, host: &str, port: u16) -> Bytes {
        let target = Proxy::authority(host, port);
        let mut out = BytesMut::with_capacity(128);
        out.put_slice(b"CONNECT ");
        out.put_slice(target.as_bytes());
        out.put_slice(b" HTTP/1.1\r\n");
        put_header(&mut out, "Host", &target);
        if let Some((user, password)) = &proxy.credentials {
            put_header(
                &mut out,
                "Proxy-Authorization",
                &auth::basic_header(user, password),
            );
        }
        out.put_slice(b"\r\n");
        out.freeze()
    }

    /// Takes bytes the proxy sent: `Ok(true)` once the tunnel is open (no
    /// byte may follow the answer's head: the server speaks only after the
    /// TLS hello), `Ok(false)` to read on.
    pub fn handle(&mut self, data: &[u8]) -> Result<bool, ClientError> {
        self.head.extend_from_slice(data);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut headers);
        let end = match response.parse(&self.head) {
            Ok(httparse::Status::Complete(end)) => end,
            Ok(httparse::Status::Partial) if self.head.len() <= MAX_HEAD => return Ok(false),
            Ok(httparse::Status::Partial) => {
                return Err(ClientError::Protocol(
                    "the proxy's answer to CONNECT has an oversized head".into(),
                ))
            }
            Err(e) => {
                return Err(ClientError::Protocol(format!(
                    "the proxy's answer to CONNECT is not HTTP: {e}"
                )))
            }
        };
        let code = response.code.unwrap_or(0);
        if (200..300).contains(&code) {
            if self.head.len() > end {
                return Err(ClientError::Protocol(
                    "the proxy sent bytes after opening the tunnel".into(),
                ));
            }
            return Ok(true);
        }
        let status = http::StatusCode::from_u16(code).map_err(|_| {
            ClientError::Protocol(format!("the proxy answered CONNECT with status {code}"))
        })?;
        let mut map = http::HeaderMap::new();
        for h in response.headers.iter() {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(h.name.as_bytes()),
                http::HeaderValue::from_bytes(h.value),
            ) {
                map.append(name, value);
            }
        }
        let body = &self.head[end..];
        Err(ClientError::Status {
            status,
            headers: Box::new(map),
            body_excerpt: String::from_utf8_lossy(&body[..body.len().min(256)]).into_owned(),
        })
    }

    /// The proxy closed before answering.
    pub fn eof(&self) -> ClientError {
        ClientError::Protocol("the proxy closed the connection before answering CONNECT".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(credentials: bool) -> Proxy {
        Proxy {
            host: "proxy".into(),
            port: 3128,
            credentials: credentials.then(|| ("u".to_owned(), "p".to_owned())),
        }
    }

    #[test]
    fn the_request_names_the_target_and_carries_credentials() {
        let r = Tunnel::request(&proxy(true), "rpc.example", 443);
        assert_eq!(
            &r[..],
            b"CONNECT rpc.example:443 HTTP/1.1\r\nHost: rpc.example:443\r\n\
              Proxy-Authorization: Basic dTpw\r\n\r\n"
        );
        let r = Tunnel::request(&proxy(false), "::1", 8443);
        assert!(r.starts_with(b"CONNECT [::1]:8443 HTTP/1.1\r\n"));
    }

    #[test]
    fn a_2xx_opens_the_tunnel_whole_or_byte_by_byte() {
        let answer = b"HTTP/1.1 200 Connection established\r\nProxy-agent: x\r\n\r\n";
        let mut whole = Tunnel::new();
        assert!(whole.handle(answer).unwrap());
        let mut bytewise = Tunnel::new();
        let (last, rest) = answer.split_last().unwrap();
        for b in rest {
            assert!(!bytewise.handle(&[*b]).unwrap());
        }
        assert!(bytewise.handle(&[*last]).unwrap());
    }

    #[test]
    fn refusals_and_garbage_are_typed_errors() {
        let mut t = Tunnel::new();
        let e = t
            .handle(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\nno")
            .unwrap_err();
        assert!(
            matches!(&e, ClientError::Status { status, .. } if status.as_u16() == 407),
            "{e}"
        );
        let e = Tunnel::new().handle(b"SSH-2.0-x\r\n\r\n").unwrap_err();
        assert!(matches!(e, ClientError::Protocol(_)));
        let e = Tunnel::new()
            .handle(b"HTTP/1.1 200 OK\r\n\r\nearly")
            .unwrap_err();
        assert!(e.to_string().contains("after opening the tunnel"));
        let mut long = Tunnel::new();
        assert!(!long.handle(b"HTTP/1.1 200 OK\r\n").unwrap());
        let e = long.handle(&vec![b'a'; MAX_HEAD]).unwrap_err();
        assert!(matches!(e, ClientError::Protocol(_)));
    }
}
