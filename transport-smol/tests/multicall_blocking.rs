//! A `system.multicall` mixing sync and async methods runs its sync
//! handlers on the blocking pool, never on the executor: a slow one must
//! not hold up other connections.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

mod support;

use std::time::{Duration, Instant};

use support::serve_tcp;
use transport_smol::{block_on, Client};
use xmlrpc_proto::{MethodCall, Value};

#[test]
fn slow_sync_entry_in_a_mixed_multicall_does_not_stall_other_connections() {
    let server = serve_tcp();
    let url = server.url.clone();
    let batch = std::thread::spawn(move || {
        let client = Client::new(&url).expect("client");
        block_on(client.multicall(vec![
            MethodCall::new("async_echo", vec![Value::String("a".into())]),
            MethodCall::new("nap", vec![Value::Int(1500)]),
        ]))
        .map_err(|e| e.to_string())
    });
    // Let the batch reach its slow entry.
    std::thread::sleep(Duration::from_millis(300));
    let client = Client::new(&server.url).expect("client");
    let started = Instant::now();
    let v = block_on(client.call_value("echo", vec![Value::Int(1)])).expect("echo");
    let waited = started.elapsed();
    assert_eq!(v, Value::Int(1));
    assert!(
        waited < Duration::from_millis(700),
        "an unrelated call waited {waited:?} behind the multicall's sync entry"
    );
    let results = batch.join().expect("batch thread").expect("multicall");
    assert_eq!(results[0], Ok(Value::String("a".into())));
    assert_eq!(results[1], Ok(Value::Int(1500)));
    server.stop().expect("serve");
}
