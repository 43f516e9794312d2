//! Server lifecycle: shutdown before and during serving, unix socket files.

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
