//! TLS specifics of this crate (run with `--features tls`): IP and name
//! certificates, and a handshake that never starts.
#![cfg(feature = "tls")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

mod support;

use std::io::Read;
use std::time::{Duration, Instant};

use support::{router, Running};
use transport_smol::{block_on, tls, Client, Server};
use xmlrpc_proto::Value;

/// A self-signed certificate for `localhost` and `127.0.0.1`: (cert, key) DER.
fn self_signed() -> (Vec<u8>, Vec<u8>) {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let certified = rcgen::generate_simple_self_signed(names).expect("certificate");
    (
        certified.cert.der().to_vec(),
        certified.signing_key.serialize_der(),
    )
}

fn serve_tls(write_timeout: Duration) -> (Running, Vec<u8>, String) {
    let (cert, key) = self_signed();
    let config = tls::server_config(vec![cert.clone()], key).expect("server config");
    let server = Server::builder(router())
        .tls(config)
        .config(xmlrpc_proto::http::ServerConfig {
            tls_handshake_timeout: write_timeout,
            write_timeout,
            ..Default::default()
        })
        .bind("127.0.0.1:0")
        .expect("bind");
    let addr = server.local_addr();
    let running = Running::start(server, String::new());
    (running, cert, addr)
}

#[test]
fn https_by_ip_and_by_name() {
    let (server, cert, addr) = serve_tls(Duration::from_secs(5));
    let port = addr.rsplit(':').next().expect("port");
    for host in ["127.0.0.1", "localhost"] {
        let client = Client::builder(&format!("https://{host}:{port}/RPC2"))
            .tls_root_certificate(cert.clone())
            .build()
            .expect("client");
        let v = block_on(client.call_value("echo", vec![Value::String(host.into())]))
            .expect("call over TLS");
        assert_eq!(v, Value::String(host.into()));
        // Keep-alive works under TLS too.
        block_on(client.call_value("echo", vec![Value::Int(2)])).expect("second call");
        assert_eq!(client.idle_connections(), 1);
    }
    server.stop().expect("serve");
}

#[test]
fn silent_client_is_dropped_after_the_handshake_limit() {
    let (server, _cert, addr) = serve_tls(Duration::from_millis(300));
    let mut sock = std::net::TcpStream::connect(&addr).expect("connect");
    sock.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("read timeout");
    let started = Instant::now();
    let mut byte = [0u8; 1];
    // No ClientHello: the server gives up and closes (0 or a reset).
    let got = sock.read(&mut byte);
    let waited = started.elapsed();
    assert!(matches!(got, Ok(0) | Err(_)), "server sent {got:?}");
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "closed after {waited:?}"
    );
    server.stop().expect("serve");
}

#[test]
fn bad_key_is_refused_when_building_the_config() {
    let (cert, _) = self_signed();
    let err = tls::server_config(vec![cert], b"not a key".to_vec()).expect_err("garbage key");
    assert!(
        matches!(err, xmlrpc_proto::client::ConfigError::Tls(ref why) if why.contains("private key")),
        "{err:?}"
    );
}
