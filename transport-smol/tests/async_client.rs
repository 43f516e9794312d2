//! The async client: concurrency on one task, its small pool, and errors
//! that tell their kind.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

mod support;

use std::time::{Duration, Instant};

use support::{join_all, serve_tcp, Job};
use transport_smol::{block_on, Client, Error};
use xmlrpc_proto::client::config_defaults::MAX_IDLE_CONNECTIONS as DEFAULT_MAX_IDLE;
use xmlrpc_proto::Value;

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

#[cfg(not(feature = "tls"))]
#[test]
fn https_without_the_tls_feature_is_an_unsupported_configuration() {
    let err = Client::new("https://127.0.0.1:1/RPC2").expect_err("no TLS built in");
    assert!(
        matches!(&err, Error::Config(xmlrpc_proto::client::ConfigError::Unsupported(why)) if why.contains("tls")),
        "got {err:?}"
    );
}
