//! The async client: concurrency on one task, its small pool, and errors
//! that tell their kind.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

mod support;

use std::time::{Duration, Instant};

use support::{join_all, serve_tcp, Job};
use transport_smol::{block_on, Client, Error};
use xmlrpc_proto::client::config_defaults::MAX_IDLE_CONNECTIONS as DEFAULT_MAX_IDLE;
use xmlrpc_proto::{MethodCall, MethodResponse, Value};

fn assert_clone_send_sync<T: Clone + Send + Sync + 'static>() {}

#[test]
fn client_is_clone_send_sync() {
    assert_clone_send_sync::<Client>();
}

#[test]
fn concurrent_calls_on_one_task_share_a_small_pool() {
    let server = serve_tcp();
    let client = Client::new(&server.url).expect("client");
    block_on(async {
        let calls: Vec<Job<Result<Value, Error>>> = (0..32i32)
            .map(|i| {
                let client = client.clone();
                Box::pin(async move { client.call_value("echo", vec![Value::Int(i)]).await })
                    as Job<_>
            })
            .collect();
        let results = join_all(calls).await;
        for (i, result) in results.into_iter().enumerate() {
            assert_eq!(result.expect("echo"), Value::Int(i as i32));
        }
    });
    let idle = client.idle_connections();
    assert!(
        (1..=DEFAULT_MAX_IDLE).contains(&idle),
        "idle connections after 32 concurrent calls: {idle}"
    );
    // Sequential calls then reuse one pooled connection instead of growing it.
    block_on(async {
        for i in 0..5 {
            assert_eq!(client.call::<i32>("echo", (i,)).await.expect("echo"), i);
        }
    });
    assert_eq!(client.idle_connections(), idle);
}

#[test]
fn slow_blocking_handler_does_not_hold_up_an_async_one() {
    let server = serve_tcp();
    let client = Client::new(&server.url).expect("client");
    block_on(async {
        let started = Instant::now();
        let slow = {
            let client = client.clone();
            Box::pin(async move {
                let ms: u64 = client.call("nap", (600u64,)).await.expect("nap");
                (ms, started.elapsed())
            }) as Job<(u64, Duration)>
        };
        let fast = {
            let client = client.clone();
            Box::pin(async move {
                let s: String = client.call("async_echo", ("hi",)).await.expect("echo");
                assert_eq!(s, "hi");
                (0u64, started.elapsed())
            }) as Job<(u64, Duration)>
        };
        let done = join_all(vec![slow, fast]).await;
        assert_eq!(done[0].0, 600);
        assert!(
            done[1].1 < Duration::from_millis(400),
            "fast call waited {:?} for the slow one",
            done[1].1
        );
    });
}

#[test]
fn raw_call_returns_body_and_faults_are_errors() {
    let server = serve_tcp();
    let client = Client::new(&server.url).expect("client");
    block_on(async {
        let call = MethodCall::new("echo", vec![Value::String("raw".into())]);
        let (response, body) = client.call_response(&call).await.expect("call_response");
        assert_eq!(
            response,
            MethodResponse::Success(Value::String("raw".into()))
        );
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("<string>raw</string>"), "raw body: {text}");

        let err = client
            .call_value("no.such.method", vec![])
            .await
            .expect_err("unknown method");
        assert!(
            matches!(&err, Error::Fault(f) if f.code == -32601),
            "want fault -32601, got {err:?}"
        );
        // A typed result that does not fit is a serde error, not a fault.
        let err = client
            .call::<i32>("echo", ("text",))
            .await
            .expect_err("string into i32");
        assert!(matches!(err, Error::Serde(_)), "got {err:?}");
    });
}

#[test]
fn multicall_returns_values_and_faults_in_order() {
    let server = serve_tcp();
    let client = Client::new(&server.url).expect("client");
    let results = block_on(client.multicall(vec![
        MethodCall::new("echo", vec![Value::Int(1)]),
        MethodCall::new("missing", vec![]),
        MethodCall::new("echo", vec![Value::Bool(true)]),
    ]))
    .expect("multicall");
    assert_eq!(results.len(), 3);
    assert_eq!(results[0], Ok(Value::Int(1)));
    assert!(
        matches!(&results[1], Err(f) if f.code == -32601),
        "{results:?}"
    );
    assert_eq!(results[2], Ok(Value::Bool(true)));
}

#[test]
fn refused_connection_is_an_io_error_and_bad_settings_a_config_error() {
    // Bind then drop: nothing listens on this port afterwards.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let client = Client::new(&format!("http://127.0.0.1:{port}/RPC2")).expect("client");
    assert!(
        matches!(client.address(), xmlrpc_proto::http::Address::Tcp(t) if t.port == port),
        "{:?}",
        client.address()
    );
    assert_eq!(client.address().path(), "/RPC2");
    let err = block_on(client.call_value("echo", vec![])).expect_err("nothing listens");
    assert!(matches!(err, Error::Io(_)), "got {err:?}");

    let err = Client::new("ftp://example.invalid/").expect_err("bad scheme");
    assert!(
        matches!(
            err,
            Error::Config(xmlrpc_proto::client::ConfigError::Address(_))
        ),
        "got {err:?}"
    );
    let err = Client::builder("http://127.0.0.1:1/")
        .header("bad header", "x")
        .build()
        .expect_err("invalid header name");
    assert!(
        matches!(
            err,
            Error::Config(xmlrpc_proto::client::ConfigError::Header { .. })
        ),
        "a configuration mistake, not I/O: got {err:?}"
    );
}

#[test]
fn client_timeout_is_reported_as_a_timeout() {
    let server = serve_tcp();
    let client = Client::builder(&server.url)
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = block_on(client.call::<u64>("nap", (1500u64,))).expect_err("too slow");
    assert!(err.is_timeout(), "got {err:?}");
    assert!(started.elapsed() < Duration::from_millis(1200));
}

#[cfg(not(feature = "tls"))]
#[test]
fn https_without_the_tls_feature_is_an_unsupported_configuration() {
    let err = Client::new("https://127.0.0.1:1/RPC2").expect_err("no TLS built in");
    assert!(
        matches!(&err, Error::Config(xmlrpc_proto::client::ConfigError::Unsupported(why)) if why.contains("tls")),
        "got {err:?}"
    );
}

#[test]
fn request_over_the_server_limit_reports_413() {
    let server = serve_tcp();
    let client = Client::new(&server.url).expect("client");
    // 17 MiB: over the server's 16 MiB default, far beyond the socket buffers.
    let big = "x".repeat(17 << 20);
    let err = block_on(client.call_value("echo", vec![Value::String(big)])).expect_err("too big");
    assert!(
        matches!(&err, Error::Status { status, .. } if status.as_u16() == 413),
        "want HTTP 413, got {err:?}"
    );
    // The refused connection is not pooled; the next call works on a new one.
    assert_eq!(client.idle_connections(), 0);
    let v = block_on(client.call_value("echo", vec![Value::Int(9)])).expect("after 413");
    assert_eq!(v, Value::Int(9));
}
