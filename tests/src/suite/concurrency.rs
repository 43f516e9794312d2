//! Many clients at once, slow handlers (registered as blocking) that block
//! nobody else, and cheap handlers that run inline.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use xmlrpc_proto::Value;

use super::{assert_echo, client, serve};
use crate::{Adapter, ClientOpts, ServerOpts, SuiteClient};

/// Clients running at once in `many_concurrent_clients`.
pub const CONCURRENT_CLIENTS: usize = 64;

/// 64 threads, each with its own client, make interleaved calls; every
/// answer matches its call.
pub fn many_concurrent_clients<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let url = fx.server.url.clone();
    let workers: Vec<_> = (0..CONCURRENT_CLIENTS)
        .map(|i| {
            let url = url.clone();
            thread::spawn(move || {
                let client = client::<A>(&url, &ClientOpts::default());
                for j in 0..10 {
                    let tag = format!("client {i} call {j}");
                    assert_echo(client.as_ref(), Value::String(tag));
                }
            })
        })
        .collect();
    for worker in workers {
        assert!(worker.join().is_ok(), "a client thread failed");
    }
}

/// One client shared by 16 threads (the async clients pool connections).
pub fn one_client_shared_by_threads<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let shared: Arc<dyn SuiteClient> =
        Arc::from(client::<A>(&fx.server.url, &ClientOpts::default()));
    let workers: Vec<_> = (0..16)
        .map(|i| {
            let shared = Arc::clone(&shared);
            thread::spawn(move || {
                for j in 0..10 {
                    assert_echo(
                        shared.as_ref(),
                        Value::I8((1 << 40) + i64::from(i) * 100 + j),
                    );
                }
            })
        })
        .collect();
    for worker in workers {
        assert!(worker.join().is_ok(), "a thread sharing the client failed");
    }
}

/// While a handler registered as blocking (`suite.sleep`) sleeps 1.5 s,
/// other clients get 20 answers quickly.
pub fn slow_handler_blocks_no_one<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let url = fx.server.url.clone();
    let slow = thread::spawn(move || {
        let client = client::<A>(&url, &ClientOpts::default());
        client.call_value("suite.sleep", vec![Value::Int(1500)])
    });
    assert!(
        fx.state.wait_sleeping(1, Duration::from_secs(5)),
        "the slow call never started"
    );
    let start = Instant::now();
    let fast = client::<A>(&fx.server.url, &ClientOpts::default());
    for i in 0..20 {
        assert_echo(fast.as_ref(), Value::Int(i));
    }
    let fast_took = start.elapsed();
    assert!(
        fast_took < Duration::from_millis(1000),
        "fast calls waited for the slow one: {fast_took:?}"
    );
    let slow_result = slow.join().map(|r| r.ok());
    assert_eq!(slow_result.ok().flatten(), Some(Value::Int(1500)));
}

/// Handlers not marked blocking run inline on the connection's task: they
/// answer, and they still answer while more blocking handlers sleep than
/// the async runtimes have worker threads (the suite's tokio servers have
/// two).
pub fn inline_handler_answers<A: Adapter>() {
    const SLEEPERS: usize = 4;
    let fx = serve::<A>(ServerOpts::default());
    let inline = client::<A>(&fx.server.url, &ClientOpts::default());
    for (n, want) in [(0, 1), (5, 120), (12, 479_001_600)] {
        let got = inline.call_value("factorial", vec![Value::Int(n)]);
        assert_eq!(got.ok(), Some(Value::Int(want)), "factorial({n})");
    }
    let sleepers: Vec<_> = (0..SLEEPERS)
        .map(|_| {
            let url = fx.server.url.clone();
            thread::spawn(move || {
                let client = client::<A>(&url, &ClientOpts::default());
                client.call_value("suite.sleep", vec![Value::Int(1500)])
            })
        })
        .collect();
    assert!(
        fx.state.wait_sleeping(SLEEPERS, Duration::from_secs(5)),
        "the blocking calls never all started"
    );
    let start = Instant::now();
    for i in 0..20 {
        assert_echo(inline.as_ref(), Value::Int(i));
    }
    let took = start.elapsed();
    assert!(
        took < Duration::from_millis(1000),
        "inline calls waited for the blocking ones: {took:?}"
    );
    for sleeper in sleepers {
        let result = sleeper.join().map(|r| r.ok());
        assert_eq!(result.ok().flatten(), Some(Value::Int(1500)));
    }
}
