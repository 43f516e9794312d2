//! transport-tokio over real loopback sockets: what is particular to this
//! crate (the pool, spawn_blocking, the connection cap, shutdown). The
//! shared suite in `tests/` covers the protocol behaviour for every adapter.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use transport_tokio::{Client, Error, Server, ShutdownHandle};
use xmlrpc_proto::http::ServerConfig;
use xmlrpc_proto::service::{Context, Router};
use xmlrpc_proto::{fault_code, Fault, MethodCall, Value};

fn router() -> Arc<Router> {
    let mut router = Router::new();
    router.register("factorial", |n: i64| -> Result<i64, Fault> {
        if !(0..=20).contains(&n) {
            return Err(Fault::new(fault_code::INVALID_PARAMS, "n out of range"));
        }
        Ok((2..=n).product())
    });
    // Blocks its thread: registered as blocking, so it runs on the blocking
    // pool, not the connection task.
    router.register_blocking("sleep", |ms: i64| -> Result<i64, Fault> {
        std::thread::sleep(Duration::from_millis(ms as u64));
        Ok(ms)
    });
    router.register_async("async_sleep", |ms: i64| async move {
        tokio::time::sleep(Duration::from_millis(ms as u64)).await;
        Ok::<_, Fault>(ms)
    });
    router.register_with_context("peer", |ctx: &Context| -> Result<String, Fault> {
        Ok(ctx.peer.as_deref().unwrap_or_default().to_owned())
    });
    router.register_with_context("header", |ctx: &Context, name: String| {
        let value = ctx.headers.get(name.as_str()).and_then(|v| v.to_str().ok());
        Ok::<_, Fault>(value.unwrap_or("").to_owned())
    });
    Arc::new(router)
}

struct Running {
    url: String,
    addr: String,
    stop: ShutdownHandle,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    async fn shutdown(self) {
        self.stop.shutdown();
        let served = tokio::time::timeout(Duration::from_secs(10), self.task).await;
        assert!(
            matches!(served, Ok(Ok(Ok(())))),
            "serve did not return cleanly"
        );
    }
}

fn start(server: Server) -> Running {
    let addr = server.local_addr();
    let url = format!("http://{addr}/RPC2");
    let stop = server.shutdown_handle();
    let task = tokio::spawn(server.serve());
    Running {
        url,
        addr,
        stop,
        task,
    }
}

fn serve_default() -> Running {
    start(Server::builder(router()).bind("127.0.0.1:0").unwrap())
}

/// A server whose idle keep-alive connections close after `idle`.
fn serve_idle_timeout(idle: Duration) -> Running {
    let config = ServerConfig {
        idle_timeout: idle,
        ..ServerConfig::default()
    };
    let server = Server::builder(router()).config(config);
    start(server.bind("127.0.0.1:0").unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_carries_peer_and_headers() {
    let server = serve_default();
    let client = Client::builder(&server.url)
        .header("X-Trace", "abc123")
        .build()
        .unwrap();
    let peer: String = client.call("peer", ()).await.unwrap();
    assert!(peer.starts_with("127.0.0.1:"), "peer {peer:?}");
    assert_ne!(peer, server.addr, "peer is the client side, not the server");
    let header: String = client.call("header", ("x-trace",)).await.unwrap();
    assert_eq!(header, "abc123");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_share_connections_across_concurrent_calls() {
    let server = serve_default();
    let client = Client::new(&server.url).unwrap();
    let mut calls = Vec::new();
    for i in 0..64i64 {
        let client = client.clone();
        calls.push(tokio::spawn(async move {
            client.call::<i64>("factorial", (i % 10,)).await
        }));
    }
    for (i, call) in calls.into_iter().enumerate() {
        let expected: i64 = (2..=(i as i64 % 10)).product();
        assert_eq!(call.await.unwrap().unwrap(), expected);
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_handler_does_not_stall_other_connections() {
    let server = serve_default();
    let slow = Client::new(&server.url).unwrap();
    let fast = Client::new(&server.url).unwrap();
    let slow_call = tokio::spawn(async move { slow.call::<i64>("sleep", (800,)).await });
    let async_slow = Client::new(&server.url).unwrap();
    let async_call =
        tokio::spawn(async move { async_slow.call::<i64>("async_sleep", (800,)).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    for _ in 0..5 {
        let _: i64 = fast.call("factorial", (5,)).await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "fast calls waited {:?} behind slow handlers",
        started.elapsed()
    );
    assert_eq!(slow_call.await.unwrap().unwrap(), 800);
    assert_eq!(async_call.await.unwrap().unwrap(), 800);
    server.shutdown().await;
}

/// A `system.multicall` holding a slow sync entry and async entries that
/// need tokio's timer: the router makes the batch blocking work (awaiting
/// the async entries with its own park-based `block_on` on the blocking
/// thread), so it must answer every entry and must not stall another call.
async fn mixed_multicall_answers_without_stalling_others() {
    let server = serve_default();
    let batch_client = Client::new(&server.url).unwrap();
    let batch = tokio::spawn(async move {
        batch_client
            .multicall(vec![
                MethodCall::new("async_sleep", vec![Value::Int(100)]),
                MethodCall::new("sleep", vec![Value::Int(1200)]),
                MethodCall::new("nope", vec![]),
                MethodCall::new("async_sleep", vec![Value::Int(50)]),
            ])
            .await
    });
    // Let the batch reach its slow sync entry.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let fast = Client::new(&server.url).unwrap();
    let started = Instant::now();
    let n: i64 = fast.call("factorial", (5,)).await.unwrap();
    let waited = started.elapsed();
    assert_eq!(n, 120);
    assert!(
        waited < Duration::from_millis(700),
        "an unrelated call waited {waited:?} behind the multicall's sync entry"
    );
    let results = tokio::time::timeout(Duration::from_secs(10), batch)
        .await
        .expect("the multicall answers (its async entries must not hang)")
        .expect("batch task")
        .expect("multicall");
    assert_eq!(results.len(), 4);
    assert_eq!(results[0], Ok(Value::Int(100)));
    assert_eq!(results[1], Ok(Value::Int(1200)));
    assert_eq!(
        results[2].as_ref().unwrap_err().code,
        fault_code::METHOD_NOT_FOUND
    );
    assert_eq!(results[3], Ok(Value::Int(50)));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_sync_async_multicall_on_the_multi_thread_runtime() {
    mixed_multicall_answers_without_stalling_others().await;
}

/// One runtime thread: a batch run on it would block the only thread that
/// drives tokio's timer, so its async entries would never finish. That is a
/// hang, not a failure, so a watchdog thread turns it into one.
#[test]
fn mixed_sync_async_multicall_on_the_current_thread_runtime() {
    let (done, finished) = std::sync::mpsc::channel();
    let scenario = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(mixed_multicall_answers_without_stalling_others());
        let _ = done.send(());
    });
    match finished.recv_timeout(Duration::from_secs(20)) {
        Ok(()) => scenario.join().expect("scenario thread"),
        // The scenario panicked: report its assertion.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = scenario.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("the mixed multicall hung the current-thread runtime")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_answers_calls_in_flight_then_stops_accepting() {
    let server = serve_default();
    let url = server.url.clone();
    let started = Arc::new(AtomicUsize::new(0));
    let mut calls = Vec::new();
    for _ in 0..4 {
        let client = Client::new(&url).unwrap();
        let started = started.clone();
        calls.push(tokio::spawn(async move {
            started.fetch_add(1, Ordering::SeqCst);
            client.call::<i64>("sleep", (400,)).await
        }));
    }
    let idle = Client::new(&url).unwrap();
    let _: i64 = idle.call("factorial", (2,)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(started.load(Ordering::SeqCst), 4);
    server.shutdown().await;
    for call in calls {
        assert_eq!(
            call.await.unwrap().unwrap(),
            400,
            "an accepted call was lost"
        );
    }
    let refused = Client::new(&url)
        .unwrap()
        .call::<i64>("factorial", (2,))
        .await;
    assert!(matches!(refused, Err(Error::Io(_))), "got {refused:?}");
}

/// One raw keep-alive request for `factorial(3)`.
fn raw_request() -> Vec<u8> {
    let body = "<?xml version=\"1.0\"?><methodCall><methodName>factorial</methodName>\
                <params><param><value><int>3</int></value></param></params></methodCall>";
    format!(
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_deadline_follows_activity_then_closes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = serve_idle_timeout(Duration::from_millis(300));
    let mut socket = tokio::net::TcpStream::connect(&server.addr).await.unwrap();
    let mut buf = vec![0u8; 4096];
    // Busy for well past one idle period: activity keeps moving the deadline.
    for _ in 0..6 {
        socket.write_all(&raw_request()).await.unwrap();
        let n = socket.read(&mut buf).await.unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(answer.contains("<int>6</int>"), "answer: {answer}");
        tokio::time::sleep(Duration::from_millis(120)).await;
    }
    // Then idle: the server closes within about one idle period.
    let started = Instant::now();
    let n = tokio::time::timeout(Duration::from_secs(3), socket.read(&mut buf))
        .await
        .expect("the idle connection was never closed")
        .unwrap_or(0);
    assert_eq!(n, 0, "expected a close, got bytes");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(150) && waited < Duration::from_millis(1500),
        "closed after {waited:?}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_stops_reading_loses_its_slot_after_the_write_timeout() {
    use tokio::io::AsyncWriteExt;
    let mut router = Router::new();
    router.register("big", |n: i64| -> Result<String, Fault> {
        Ok("x".repeat(n as usize))
    });
    router.register("factorial", |n: i64| -> Result<i64, Fault> {
        Ok((2..=n).product())
    });
    let server = start(
        Server::builder(Arc::new(router))
            .config(xmlrpc_proto::http::ServerConfig {
                max_connections: Some(1),
                write_timeout: Duration::from_millis(300),
                ..Default::default()
            })
            .bind("127.0.0.1:0")
            .unwrap(),
    );
    // Asks for far more than the socket buffers hold, then never reads.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stuck = socket.connect(server.addr.parse().unwrap()).await.unwrap();
    let body = "<?xml version=\"1.0\"?><methodCall><methodName>big</methodName>\
                <params><param><value><int>16000000</int></value></param></params></methodCall>";
    let request = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stuck.write_all(request.as_bytes()).await.unwrap();
    // The only slot is the stuck peer's until its write times out.
    let client = Client::builder(&server.url)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let n: i64 = client.call("factorial", (5,)).await.unwrap();
    assert_eq!(n, 120);
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "served before the stuck peer was dropped ({:?})",
        started.elapsed()
    );
    drop(stuck);
    drop(client);
    server.shutdown().await;
}
