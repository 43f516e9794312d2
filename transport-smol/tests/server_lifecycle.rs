//! Server lifecycle: shutdown before and during serving, unix socket files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

mod support;

use std::os::unix::net::UnixListener;
use std::time::{Duration, Instant};

use support::{router, serve_tcp, Running};
use transport_smol::{block_on, Client, Server};
use xmlrpc_proto::Value;

#[test]
fn shutdown_before_serve_returns_at_once() {
    let server = Server::builder(router()).bind("127.0.0.1:0").expect("bind");
    let handle = server.shutdown_handle();
    handle.shutdown();
    assert!(handle.is_shutdown());
    let started = Instant::now();
    block_on(server.serve()).expect("serve");
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn idle_keep_alive_connection_does_not_delay_shutdown() {
    let server = serve_tcp();
    let client = Client::new(&server.url).expect("client");
    let v = block_on(client.call_value("echo", vec![Value::Int(5)])).expect("echo");
    assert_eq!(v, Value::Int(5));
    assert_eq!(client.idle_connections(), 1);
    let started = Instant::now();
    server.stop().expect("serve");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "shutdown waited {:?} on an idle connection",
        started.elapsed()
    );
}

#[test]
fn unix_socket_replaces_a_stale_file_and_removes_it_after() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rpc.sock");
    // A socket file left behind by an earlier run.
    drop(UnixListener::bind(&path).expect("stale socket"));
    assert!(path.exists());

    let server = Server::builder(router())
        .bind_unix(&path)
        .expect("bind over the stale socket");
    assert_eq!(server.local_addr(), path.display().to_string());
    let url = format!("unix://{}", path.display());
    let running = Running::start(server, url.clone());
    let client = Client::new(&url).expect("client");
    let v = block_on(client.call_value("echo", vec![Value::String("u".into())])).expect("echo");
    assert_eq!(v, Value::String("u".into()));
    running.stop().expect("serve");
    assert!(!path.exists(), "socket file left after serve returned");
}

#[test]
fn unix_bind_refuses_to_take_over_a_live_socket() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("live.sock");
    // Something is listening there: replacing its file would cut it off.
    let live = UnixListener::bind(&path).expect("live socket");
    let err = Server::builder(router())
        .bind_unix(&path)
        .expect_err("a live socket is in the way");
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    assert!(path.exists(), "the live server's socket file was removed");
    let reachable = std::os::unix::net::UnixStream::connect(&path);
    assert!(reachable.is_ok(), "the live server is unreachable");
    drop(live);
}

#[test]
fn unix_bind_refuses_to_replace_a_regular_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("not-a-socket");
    std::fs::write(&path, b"keep me").expect("write");
    let err = Server::builder(router())
        .bind_unix(&path)
        .expect_err("a regular file is in the way");
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    assert_eq!(std::fs::read(&path).expect("read"), b"keep me");
}

#[test]
fn client_that_writes_its_whole_oversized_body_still_reads_413() {
    use std::io::{Read, Write};
    let server = serve_tcp();
    let addr = server
        .url
        .trim_start_matches("http://")
        .trim_end_matches("/RPC2")
        .to_string();
    let mut sock = std::net::TcpStream::connect(&addr).expect("connect");
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    sock.set_write_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let body_len = 17usize << 20;
    let head = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml\r\nContent-Length: {body_len}\r\n\r\n"
    );
    sock.write_all(head.as_bytes()).expect("head");
    // Like Python's client: the whole body first, then read the answer. The
    // server answered 413 at once; it must not reset the connection on us.
    sock.write_all(&vec![b' '; body_len])
        .expect("body written while the server drains");
    let mut answer = Vec::new();
    let _ = sock.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "answer: {text:.200}");
}
