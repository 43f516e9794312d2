//! The router's fast path: bytes in, bytes out for `factorial`, in calls per
//! second on one core (target >= 1,000,000/s), and the routing share alone.
//!
//! `cargo bench -p xmlrpc-bench --bench router -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use xmlrpc_demo as demo;
use xmlrpc_proto::service::{Context, Dispatch};
use xmlrpc_proto::{MethodCall, MethodResponse, Value};

const FACTORIAL_10: &[u8] =
    b"<?xml version=\"1.0\"?><methodCall><methodName>factorial</methodName>\
<params><param><value><int>10</int></value></param></params></methodCall>";

fn router(c: &mut Criterion) {
    let router = demo::router();
    let mut group = c.benchmark_group("router");
    group.throughput(Throughput::Elements(1));

    // Sanity: the bench measures a real answer, not a fault.
    let answer = router.handle_body(FACTORIAL_10, Context::default());
    assert!(
        answer.windows(7).any(|w| w == b"3628800"),
        "unexpected answer: {}",
        String::from_utf8_lossy(&answer)
    );

    group.bench_function("handle_body/factorial", |b| {
        b.iter(|| router.handle_body(black_box(FACTORIAL_10), Context::default()))
    });

    group.bench_function("dispatch/factorial", |b| {
        b.iter(|| {
            let call = MethodCall::new("factorial", vec![Value::Int(black_box(10))]);
            match router.dispatch(call, Context::default()) {
                Dispatch::Blocking(call) => call.run(),
                Dispatch::Ready(response) => response,
                Dispatch::Async(_) | Dispatch::Multicall(_) => MethodResponse::Success(Value::Nil),
            }
        })
    });
    group.finish();
}

criterion_group!(benches, router);
criterion_main!(benches);
