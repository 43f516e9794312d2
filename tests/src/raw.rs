//! Raw sockets for what no well-behaved client does: half bodies, stalls, garbage.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Connects to `addr` (`127.0.0.1:PORT`) with a read timeout.
pub fn connect(addr: &str, read_timeout: Duration) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to the test server");
    stream
        .set_read_timeout(Some(read_timeout))
        .expect("set read timeout");
    stream
}

/// A complete request head for a body of `len` bytes.
pub fn request_head(len: usize) -> String {
    format!(
        "POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: {len}\r\n\r\n"
    )
}

/// A `<methodCall>` of `echo` with one string.
pub fn echo_body(text: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>echo</methodName><params><param><value><string>{text}</string></value></param></params></methodCall>"
    )
}

/// Writes `bytes` and reads until EOF, the timeout, or `limit` elapsed;
/// returns what arrived and how long it took.
pub fn exchange(stream: &mut TcpStream, bytes: &[u8], limit: Duration) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    // The server may close early (e.g. a 413 before the body): ignore write errors.
    let _ = stream.write_all(bytes);
    (read_until_close(stream, limit), start.elapsed())
}

/// Writes `bytes`, then reads until a whole response head arrived (or EOF,
/// or `limit`); returns what arrived and how long that took. For answers
/// the server sends before it closes (a refusal is followed by a linger).
pub fn exchange_head(stream: &mut TcpStream, bytes: &[u8], limit: Duration) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    let _ = stream.write_all(bytes);
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while start.elapsed() < limit && !out.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::Interrupted
                        | std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
    }
    (out, start.elapsed())
}

/// Reads until EOF, an error, or `limit` elapsed.
pub fn read_until_close(stream: &mut TcpStream, limit: Duration) -> Vec<u8> {
    let start = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while start.elapsed() < limit {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                continue
            }
            Err(_) => break,
        }
    }
    out
}

/// The status code of the first response in `bytes`, if any.
pub fn status_of(bytes: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(bytes.get(..bytes.len().min(64))?).ok()?;
    let rest = text.strip_prefix("HTTP/1.")?;
    rest.get(2..5)?.parse().ok()
}
