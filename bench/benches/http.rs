//! One request and response through `ServerConnection` plus the demo
//! router's `factorial`, bytes to bytes, on one core (target >= 500,000/s).
//!
//! `cargo bench -p xmlrpc-bench --bench http -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use xmlrpc_demo as demo;
use xmlrpc_proto::http::{
    Endpoint, Input, Origin, Output, ServerConfig, ServerConnection, ServerEvent,
};
use xmlrpc_proto::service::{Dispatch, Router};
use xmlrpc_proto::MethodResponse;

const REQUEST: &[u8] = b"POST /RPC2 HTTP/1.1\r\nHost: localhost:8080\r\n\
User-Agent: bench\r\nContent-Type: text/xml\r\nContent-Length: 140\r\n\r\n\
<?xml version=\"1.0\"?><methodCall><methodName>factorial</methodName>\
<params><param><value><int>10</int></value></param></params></methodCall>";

/// Feeds one request, routes the call, and returns the response bytes.
fn serve_one(conn: &mut ServerConnection, router: &Router, now: Instant, out: &mut Vec<u8>) {
    conn.handle_input(Input::Data(now, REQUEST));
    loop {
        match conn.poll_output() {
            Output::Transmit(bytes) => out.extend_from_slice(&bytes),
            Output::Event(ServerEvent::Call { id, call, context }) => {
                let response = match router.dispatch(call, context) {
                    Dispatch::Ready(r) => r,
                    Dispatch::Blocking(job) => job.run(),
                    Dispatch::Async(_) | Dispatch::Multicall(_) => {
                        MethodResponse::Success(xmlrpc_proto::Value::Nil)
                    }
                };
                conn.respond(id, response, now);
            }
            Output::Event(ServerEvent::Answered(_)) => {}
            Output::Wait { .. } | Output::Closed => return,
        }
    }
}

fn http(c: &mut Criterion) {
    let router = demo::router();
    let config = Arc::new(ServerConfig::default());
    let now = Instant::now();
    let mut conn = ServerConnection::new(Arc::clone(&config), None, now);
    let mut out = Vec::with_capacity(512);

    // Sanity: a real 200 with the right answer, on a kept-alive connection.
    serve_one(&mut conn, &router, now, &mut out);
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(text.contains("<int>3628800</int>"), "{text}");

    let mut group = c.benchmark_group("http");
    group.throughput(Throughput::Elements(1));
    group.bench_function("server_connection/factorial", |b| {
        b.iter(|| {
            out.clear();
            serve_one(&mut conn, &router, now, &mut out);
            black_box(out.len())
        })
    });
    // The same call through `Endpoint` (transport-hyper's policy), from
    // parsed parts to the response; parsing the head is the framework's.
    let endpoint = Endpoint::new(Arc::clone(&config));
    let (head, body) = REQUEST.split_at(REQUEST.len() - 140);
    let text = std::str::from_utf8(head).expect("ASCII head");
    group.bench_function("endpoint/factorial", |b| {
        b.iter(|| {
            let mut request = http::Request::post("/RPC2");
            for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
                if let Some((name, value)) = line.split_once(": ") {
                    request = request.header(name, value);
                }
            }
            let (parts, ()) = request.body(()).expect("valid head").into_parts();
            black_box(serve_exchange(&endpoint, &router, parts, body, now))
        })
    });
    group.finish();
}

/// One call through `Endpoint`: its response body's length.
#[allow(clippy::result_large_err)] // `Reply` is a whole response, as in the API
fn serve_exchange(
    endpoint: &Endpoint,
    router: &Router,
    parts: http::request::Parts,
    body: &[u8],
    now: Instant,
) -> usize {
    let reply = match endpoint.begin(parts, Origin::default(), now) {
        Err(reply) => reply,
        Ok(mut exchange) => match exchange.push(body).and_then(|()| exchange.finish(now)) {
            Err(reply) => reply,
            Ok(call) => {
                let response = match router.dispatch(call.call, call.context) {
                    Dispatch::Ready(r) => r,
                    _ => MethodResponse::Success(xmlrpc_proto::Value::Nil),
                };
                call.answer.reply(&response, now)
            }
        },
    };
    reply.response.body().len()
}

criterion_group!(benches, http);
criterion_main!(benches);
