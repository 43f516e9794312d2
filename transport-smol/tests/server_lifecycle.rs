//! Server lifecycle: shutdown before and during serving, unix socket files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

mod support;

use std::os::unix::net::UnixListener;
use std::time::{Duration, Instant};

use support::router;
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
fn without_a_drain_window_an_idle_connection_does_not_delay_shutdown() {
    let server = Server::builder(router())
        .config(xmlrpc_proto::http::ServerConfig {
            drain_timeout: Duration::ZERO,
            ..Default::default()
        })
        .bind("127.0.0.1:0")
        .expect("bind");
    let url = format!("http://{}/RPC2", server.local_addr());
    let server = support::Running::start(server, url);
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
