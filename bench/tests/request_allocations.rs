//! Heap allocations per keep-alive request of the demo `factorial(12)`, the
//! request `bench/ceiling.sh` sends, through the core's two server paths:
//! `ServerConnection` (our std, tokio and smol servers) and `Endpoint` (the
//! tower service under hyper). Each allocation costs about 150 instructions
//! of malloc and free; a request that copies what its connection already
//! holds (the peer, the path) shows up here first.
//!
//! `cargo test -p xmlrpc-bench --test request_allocations -- --nocapture`
//!
//! One test, so no other thread allocates while it counts.

use std::sync::Arc;
use std::time::Instant;

use heap_counter::allocations;
use xmlrpc_proto::http::{
    Endpoint, Input, Origin, Output, ServerConfig, ServerConnection, ServerEvent,
};
use xmlrpc_proto::service::{Dispatch, Router};

#[global_allocator]
static ALLOCATOR: heap_counter::Counting = heap_counter::Counting;

const BODY: &str = "<?xml version=\"1.0\"?><methodCall><methodName>factorial</methodName>\
    <params><param><value><int>12</int></value></param></params></methodCall>";

/// The answer's body must carry 12! = 479001600.
fn answers_factorial(body: &[u8]) -> bool {
    std::str::from_utf8(body).is_ok_and(|text| text.contains("<int>479001600</int>"))
}

/// One request through `ServerConnection`, as a transport drives it: bytes
/// in, the call routed, the answer out and written. True when answered.
fn serve_one(server: &mut ServerConnection, router: &Router, request: &[u8]) -> bool {
    let now = Instant::now();
    server.handle_input(Input::Data(now, request));
    let mut answered = false;
    loop {
        match server.poll_output() {
            Output::Event(ServerEvent::Call { id, call, context }) => {
                match router.dispatch(call, context) {
                    Dispatch::Ready(response) => server.respond(id, response, now),
                    _ => panic!("factorial is a plain sync handler"),
                }
            }
            Output::Transmit(bytes) => {
                answered = answers_factorial(&bytes);
                server.transmitted(now);
            }
            Output::Event(ServerEvent::Answered(record)) => assert_eq!(record.status, 200),
            Output::Wait { .. } => return answered,
            Output::Closed => panic!("the connection closed"),
        }
    }
}

/// A request head as hyper hands it over.
fn head() -> http::request::Parts {
    let (parts, ()) = http::Request::post("/RPC2")
        .header("host", "127.0.0.1:8000")
        .header("content-type", "text/xml")
        .header("content-length", BODY.len())
        .body(())
        .expect("a valid head")
        .into_parts();
    parts
}

/// One request through `Endpoint`, as the tower service drives it: the
/// parsed head in, the body pushed, the call routed, the response out.
fn exchange_one(
    endpoint: &Endpoint,
    router: &Router,
    origin: &Origin,
    parts: http::request::Parts,
) -> bool {
    let now = Instant::now();
    let mut exchange = endpoint
        .begin(parts, origin.clone(), now)
        .expect("accepted");
    exchange.push(BODY.as_bytes()).expect("within limits");
    let call = exchange.finish(now).expect("decodes");
    let Dispatch::Ready(response) = router.dispatch(call.call, call.context) else {
        panic!("factorial is a plain sync handler");
    };
    let reply = call.answer.reply(&response, now);
    reply.response.status() == 200 && answers_factorial(reply.response.body())
}

#[test]
fn a_keep_alive_request_allocates_only_what_it_must() {
    let router = xmlrpc_demo::router();
    let config = Arc::new(ServerConfig::default());

    // ServerConnection. Per request: the head as `http` types (the header
    // map's index and entries, the target's bytes: 3), the decoded call (its
    // method name and params vector: 2), and the method name kept for the
    // log record (1). The answer is written into the connection's buffer;
    // the peer and the path are the connection's, shared (before they were:
    // 10 allocations).
    let request = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Type: text/xml\r\n\
         Content-Length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let peer = Some("127.0.0.1:50000".to_owned());
    let mut server = ServerConnection::new(Arc::clone(&config), peer, Instant::now());
    // The first request sizes the connection's buffers and its path.
    assert!(serve_one(&mut server, &router, request.as_bytes()));
    let mut most = 0;
    for _ in 0..100 {
        let (answered, count) = allocations(|| serve_one(&mut server, &router, request.as_bytes()));
        assert!(answered);
        most = most.max(count);
    }
    println!("ServerConnection: at most {most} allocations per keep-alive request");
    assert!(
        most <= 6,
        "ServerConnection: {most} allocations per request"
    );

    // Endpoint, from a parsed head (what hyper hands over; its allocations
    // are hyper's). Per request: the body decoder (boxed, as the exchange
    // moves through futures: 1), the decoded call (2), the method name for
    // the record (1), and the answer as an `http::Response<Bytes>` (its body
    // buffer, the buffer's shared handle, the header map's two blocks: 4).
    // The peer and the path are shared (before: 12).
    let endpoint = Endpoint::new(Arc::clone(&config)).any_path();
    let origin = Origin {
        peer: Some("127.0.0.1:50000".into()),
        user: None,
    };
    assert!(exchange_one(&endpoint, &router, &origin, head()));
    let mut most = 0;
    for _ in 0..100 {
        let parts = head();
        let (answered, count) = allocations(|| exchange_one(&endpoint, &router, &origin, parts));
        assert!(answered);
        most = most.max(count);
    }
    println!("Endpoint: at most {most} allocations per request");
    assert!(most <= 8, "Endpoint: {most} allocations per request");
}
