//! `transport_hyper::serve` keeps the config's connection deadlines with
//! `with_deadlines`: a head must complete within `head_timeout` of its first
//! byte, an idle keep-alive connection closes after `idle_timeout`, an
//! answer must be written within `write_timeout`, and a handler may take as
//! long as it likes. HTTP/2 (h2c) connections keep the idle deadline.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use transport_hyper::XmlRpcService;
use xmlrpc_proto::http::ServerConfig;
use xmlrpc_proto::service::Router;
use xmlrpc_proto::Fault;

const HEAD: Duration = Duration::from_millis(300);
const IDLE: Duration = Duration::from_millis(1500);
const WRITE: Duration = Duration::from_millis(400);
/// The answer of `big`: more than the loopback socket buffers hold.
const BIG: usize = 48 << 20;

struct Server {
    addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start() -> Server {
    let mut router = Router::new();
    router.register("echo", |n: i32| -> Result<i32, Fault> { Ok(n) });
    router.register("big", || -> Result<String, Fault> { Ok("x".repeat(BIG)) });
    router.register_async("sleep", |ms: i32| async move {
        tokio::time::sleep(Duration::from_millis(u64::try_from(ms).unwrap_or(0))).await;
        Ok::<_, Fault>(ms)
    });
    let config = ServerConfig {
        head_timeout: HEAD,
        idle_timeout: IDLE,
        write_timeout: WRITE,
        limits: xmlrpc_proto::Limits {
            max_message_size: 2 * BIG,
            ..xmlrpc_proto::Limits::default()
        },
        ..ServerConfig::default()
    };
    let service = XmlRpcService::builder(router).config(config).build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(transport_hyper::serve(listener, service, async {
        let _ = stopped.await;
    }));
    Server {
        addr,
        stop: Some(stop),
    }
}

fn call(method: &str, param: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName>\
         <params>{param}</params></methodCall>"
    )
}

fn request(body: &str) -> Vec<u8> {
    format!(
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn echo_request(n: i32) -> Vec<u8> {
    request(&call(
        "echo",
        &format!("<param><value><int>{n}</int></value></param>"),
    ))
}

/// Reads one whole response (head and Content-Length body).
async fn read_response(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .unwrap();
            if got.len() >= end + 4 + length {
                return String::from_utf8_lossy(&got[..end + 4 + length]).into_owned();
            }
        }
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("the response came")
            .unwrap();
        assert!(
            n > 0,
            "closed mid-response: {}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
    }
}

/// How long until the server closes `stream`, reading and dropping what
/// comes; the bytes read.
async fn until_closed(stream: &mut TcpStream, since: Instant) -> (Duration, usize) {
    let mut total = 0;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("the server closed the connection")
        {
            Ok(0) | Err(_) => return (since.elapsed(), total),
            Ok(n) => total += n,
        }
    }
}

fn assert_between(took: Duration, low: Duration, high: Duration, what: &str) {
    assert!(
        took >= low && took < high,
        "{what}: closed after {took:?}, expected {low:?}..{high:?}"
    );
}

#[tokio::test]
async fn a_head_that_stops_closes_at_the_head_deadline() {
    let server = start().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let (took, _) = until_closed(&mut stream, Instant::now()).await;
    assert_between(
        took,
        HEAD,
        IDLE - Duration::from_millis(200),
        "a stalled head",
    );
}

#[tokio::test]
async fn a_trickled_head_closes_at_the_head_deadline() {
    let server = start().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let began = Instant::now();
    let trickle = async {
        for &byte in
            b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".iter()
        {
            if stream.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    };
    // The trickle would take 2.6 s; the head deadline ends it first.
    trickle.await;
    let (took, _) = until_closed(&mut stream, began).await;
    assert_between(
        took,
        HEAD,
        IDLE - Duration::from_millis(200),
        "a trickled head",
    );
}

#[tokio::test]
async fn a_fresh_connection_that_sends_nothing_closes_at_the_idle_deadline() {
    let server = start().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let (took, _) = until_closed(&mut stream, Instant::now()).await;
    assert_between(took, IDLE, IDLE * 3, "a silent connection");
}

#[tokio::test]
async fn between_requests_the_idle_deadline_holds_not_the_heads() {
    let server = start().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(&echo_request(1)).await.unwrap();
    assert!(read_response(&mut stream).await.contains("<int>1</int>"));
    // Idle for twice the head deadline: still open.
    tokio::time::sleep(HEAD * 2).await;
    stream.write_all(&echo_request(2)).await.unwrap();
    assert!(read_response(&mut stream).await.contains("<int>2</int>"));
    let (took, _) = until_closed(&mut stream, Instant::now()).await;
    assert_between(
        took,
        IDLE - Duration::from_millis(50),
        IDLE * 3,
        "an idle keep-alive connection",
    );
}

#[tokio::test]
async fn a_slow_handler_outlives_the_head_and_write_deadlines() {
    let server = start().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let sleep = u32::try_from((HEAD + WRITE).as_millis()).unwrap() * 2;
    let body = call(
        "sleep",
        &format!("<param><value><int>{sleep}</int></value></param>"),
    );
    stream.write_all(&request(&body)).await.unwrap();
    let response = read_response(&mut stream).await;
    assert!(
        response.contains(&format!("<int>{sleep}</int>")),
        "{response}"
    );
}

#[tokio::test]
async fn a_peer_that_stops_reading_is_dropped_at_the_write_deadline() {
    let server = start().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(&request(&call("big", ""))).await.unwrap();
    // Read nothing until well past the write deadline, then all there is.
    tokio::time::sleep(WRITE * 4).await;
    let (_, got) = until_closed(&mut stream, Instant::now()).await;
    assert!(got > 0, "the answer had begun");
    assert!(
        got < BIG,
        "the whole {got}-byte answer was written to a peer that stopped reading"
    );
}

#[tokio::test]
async fn h2c_streams_are_answered_and_an_idle_h2c_connection_closes() {
    let server = start().await;
    let stream = TcpStream::connect(server.addr).await.unwrap();
    let (sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
    let connection = tokio::spawn(connection);
    let send = |n: i32| {
        let mut sender = sender.clone();
        async move {
            let body = call(
                "echo",
                &format!("<param><value><int>{n}</int></value></param>"),
            );
            let request = http::Request::post("http://x/RPC2")
                .header("content-type", "text/xml")
                .body(Full::new(Bytes::from(body)))
                .unwrap();
            let response = sender.send_request(request).await.unwrap();
            assert_eq!(response.status(), 200);
            let body = response.into_body().collect().await.unwrap().to_bytes();
            String::from_utf8(body.to_vec()).unwrap()
        }
    };
    // Two streams at once, and no head deadline between them (frames are
    // not heads): a pause past it, then one more.
    let (a, b) = tokio::join!(send(1), send(2));
    assert!(
        a.contains("<int>1</int>") && b.contains("<int>2</int>"),
        "{a} {b}"
    );
    tokio::time::sleep(HEAD * 2).await;
    assert!(send(3).await.contains("<int>3</int>"));
    let idle = Instant::now();
    let ended = tokio::time::timeout(Duration::from_secs(10), connection)
        .await
        .expect("the server closed the idle h2c connection");
    let _ = ended;
    assert_between(
        idle.elapsed(),
        IDLE - Duration::from_millis(50),
        IDLE * 3,
        "an idle h2c connection",
    );
}
