//! The rows where the transports used to drift apart, asserted identically
//! for every adapter: the same failure gives the same error variant, a
//! client that keeps writing reads the 413, unix socket files are handled
//! alike.

use std::io::Write;
use std::os::unix::net::UnixListener;
use std::time::Duration;

use xmlrpc_proto::client::{ClientError, ConfigError, TimeoutKind};
use xmlrpc_proto::{EncodeError, Value};

use super::secure::temp_socket_path;
use super::{assert_echo, client, serve};
use crate::raw;
use crate::{Adapter, ClientOpts, ServerOpts};

/// A port nobody listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Each kind of failure, one variant, whatever the transport.
pub fn the_same_failure_is_the_same_error<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let name = A::NAME;

    // No answer in time: the first-byte deadline, typed.
    let impatient = ClientOpts {
        timeout: Some(Duration::from_millis(300)),
        ..ClientOpts::default()
    };
    let client = client::<A>(&fx.server.url, &impatient);
    let slow = client.call_value("suite.sleep", vec![Value::Int(2000)]);
    assert!(
        matches!(slow, Err(ClientError::Timeout(TimeoutKind::FirstByte))),
        "[{name}] {slow:?}"
    );

    // A param XML cannot carry: an encode error, nothing sent.
    let nan = client.call_value("echo", vec![Value::Double(f64::NAN)]);
    assert!(
        matches!(
            nan,
            Err(ClientError::Encode(EncodeError::NonFiniteDouble { .. }))
        ),
        "[{name}] {nan:?}"
    );

    // Nobody listening: I/O, not a timeout and not a configuration error.
    let url = format!("http://127.0.0.1:{}/RPC2", closed_port());
    let refused = A::client(&url, &ClientOpts::default())
        .map(|c| c.call_value("echo", vec![]))
        .unwrap_or_else(Err);
    assert!(
        matches!(refused, Err(ClientError::Io(_))),
        "[{name}] {refused:?}"
    );

    // Configuration mistakes are reported by the builder, typed.
    let bad_header = ClientOpts {
        headers: vec![("bad header".into(), "x".into())],
        ..ClientOpts::default()
    };
    let header = A::client(&fx.server.url, &bad_header).map(|_| ());
    assert!(
        matches!(&header, Err(ClientError::Config(ConfigError::Header { name, .. })) if name == "bad header"),
        "[{name}] {header:?}"
    );
    for bad_url in [
        "ftp://127.0.0.1/",
        "unix://",
        "unix://relative.sock",
        "http://[::1/",
    ] {
        let built = A::client(bad_url, &ClientOpts::default()).map(|_| ());
        assert!(
            matches!(built, Err(ClientError::Config(ConfigError::Address(_)))),
            "[{name}] {bad_url}: {built:?}"
        );
    }

    // A unix socket that does not exist: I/O.
    let missing = temp_socket_path(name, "missing");
    let url = format!("unix://{}", missing.display());
    let gone = A::client(&url, &ClientOpts::default())
        .map(|c| c.call_value("echo", vec![]))
        .unwrap_or_else(Err);
    assert!(matches!(gone, Err(ClientError::Io(_))), "[{name}] {gone:?}");

    // The server is still fine.
    assert_echo(client.as_ref(), Value::Int(7));
}

/// A client that writes its whole oversized body before reading (as a
/// blocking client does) still reads the 413: the server drains what it
/// sends while lingering instead of resetting the connection.
pub fn a_client_that_keeps_writing_reads_the_413<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.limits.max_message_size = 64 * 1024;
    let fx = serve::<A>(opts);
    let body = "x".repeat(8 << 20); // far beyond the socket buffers
    let mut stream = raw::connect(&fx.server.local_addr, Duration::from_secs(5));
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .expect("write timeout");
    let wrote = stream
        .write_all(raw::request_head(body.len()).as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()));
    assert!(
        wrote.is_ok(),
        "[{}] the server stopped reading: {wrote:?}",
        A::NAME
    );
    // Done sending: the server's linger ends at our end of input.
    stream
        .shutdown(std::net::Shutdown::Write)
        .expect("half-close");
    let reply = raw::read_until_close(&mut stream, Duration::from_secs(5));
    assert_eq!(
        raw::status_of(&reply),
        Some(413),
        "[{}] {}",
        A::NAME,
        String::from_utf8_lossy(&reply)
    );
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    assert_echo(client.as_ref(), Value::Int(1));
}

/// A socket file left behind by a server that is gone is replaced; the
/// server removes its own file when it stops.
pub fn a_stale_unix_socket_file_is_replaced<A: Adapter>() {
    let path = temp_socket_path(A::NAME, "stale");
    drop(UnixListener::bind(&path).expect("leave a stale socket file"));
    assert!(path.exists());
    let opts = ServerOpts {
        unix_path: Some(path.clone()),
        ..ServerOpts::default()
    };
    let fx = serve::<A>(opts);
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    assert_echo(client.as_ref(), Value::Int(3));
    fx.server.stop();
    assert!(
        !path.exists(),
        "[{}] the socket file was left behind",
        A::NAME
    );
}

/// Reads one request (head and Content-Length body) from `stream`; `None`
/// when the peer closed first.
fn read_request(stream: &mut std::net::TcpStream) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if got.len() >= end + 4 + length {
                return Some(got);
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// A keep-alive `200 OK` answering `n`.
fn answer(n: i32) -> Vec<u8> {
    let body = format!(
        "<?xml version=\"1.0\"?><methodResponse><params><param><value><int>{n}</int></value></param></params></methodResponse>"
    );
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A call on a pooled connection that the server closed while it was idle
/// is sent again on a fresh connection, once: shown by a scripted server
/// that counts connections and requests.
pub fn a_stale_pooled_connection_is_retried_exactly_once<A: Adapter>() {
    use std::io::Write;
    use std::net::TcpListener;

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/RPC2", listener.local_addr().expect("addr"));
    let script = std::thread::spawn(move || {
        let mut requests = Vec::new();
        let accept = || listener.accept().map(|(s, _)| s).expect("accept");
        // Connection 1: answer call 1, then close it while it sits idle.
        let mut first = accept();
        requests.push((1, read_request(&mut first).is_some()));
        first.write_all(&answer(1)).expect("answer 1");
        drop(first);
        // Connection 2: the retry of call 2 is answered; then call 3 comes
        // on it (pooled) and it closes without a byte of answer.
        let mut second = accept();
        requests.push((2, read_request(&mut second).is_some()));
        second.write_all(&answer(2)).expect("answer 2");
        requests.push((2, read_request(&mut second).is_some()));
        drop(second);
        // Connection 3: call 3's one retry, closed unanswered on a fresh
        // connection: the call may have run, so it is not sent again.
        let mut third = accept();
        requests.push((3, read_request(&mut third).is_some()));
        drop(third);
        listener.set_nonblocking(true).expect("nonblocking");
        std::thread::sleep(Duration::from_millis(300));
        let fourth = listener.accept().is_ok();
        (requests, fourth)
    });
    let client = client::<A>(&url, &ClientOpts::default());
    assert_eq!(client.call_value("m", vec![]).ok(), Some(Value::Int(1)));
    std::thread::sleep(Duration::from_millis(200)); // the close reaches us
    assert_eq!(
        client.call_value("m", vec![]).ok(),
        Some(Value::Int(2)),
        "[{}] the stale connection's call was not retried",
        A::NAME
    );
    let third = client.call_value("m", vec![]);
    assert!(
        matches!(third, Err(ClientError::Closed { retryable: false })),
        "[{}] {third:?}",
        A::NAME
    );
    let (requests, fourth) = script.join().expect("script");
    assert_eq!(
        requests,
        [(1, true), (2, true), (2, true), (3, true)],
        "[{}] each call sent where expected",
        A::NAME
    );
    assert!(!fourth, "[{}] a second retry", A::NAME);
}
