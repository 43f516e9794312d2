//! Overload on loopback, smaller than the stress binary (`bench/`) but on
//! every runtime: connections that hold their place without sending a
//! request are evicted for callers, and bodies that would exceed the
//! server's body budget get 503 while small calls still answer.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use xmlrpc_proto::Value;

use super::{client, serve};
use crate::{raw, Adapter, ClientOpts, ServerOpts};

/// True when the server closed `stream` (EOF or reset) within `limit`
/// without sending a byte.
fn closed_silently(stream: &mut TcpStream, limit: Duration) -> bool {
    let _ = stream.set_read_timeout(Some(limit));
    let mut buf = [0u8; 64];
    match stream.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

/// With the cap at 60 and 150 silent plus 150 half-head connections
/// opened against it, 20 sequential calls all answer within 2 s each: the
/// slow connections are evicted (closed without an answer), oldest first.
pub fn slow_connections_are_evicted_for_callers<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.max_connections = Some(60);
    opts.config.first_head_window = Duration::from_millis(200);
    let fx = serve::<A>(opts);
    let addr = fx.server.local_addr.clone();
    let mut attackers = Vec::new();
    for i in 0..300 {
        let Ok(mut stream) = TcpStream::connect_timeout(
            &addr.parse().expect("a TCP address"),
            Duration::from_secs(5),
        ) else {
            continue;
        };
        if i % 2 == 1 {
            let _ = stream.write_all(b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n");
        }
        attackers.push(stream);
    }
    assert!(
        attackers.len() >= 250,
        "[{}] only {} of 300 slow connections opened",
        A::NAME,
        attackers.len()
    );
    let opts = ClientOpts {
        timeout: Some(Duration::from_secs(5)),
        ..ClientOpts::default()
    };
    let mut slowest = Duration::ZERO;
    for n in 0..20 {
        // A fresh connection per call, as a new client would make.
        let caller = client::<A>(&fx.server.url, &opts);
        let start = Instant::now();
        let result = caller.call_value("echo", vec![Value::Int(n)]);
        slowest = slowest.max(start.elapsed());
        assert_eq!(result.ok(), Some(Value::Int(n)), "[{}] call {n}", A::NAME);
    }
    assert!(
        slowest < Duration::from_secs(2),
        "[{}] slowest call took {slowest:?}",
        A::NAME
    );
    // The first ones opened were evicted long ago: closed, never answered.
    let mut evicted = 0;
    for stream in attackers.iter_mut().take(20) {
        evicted += usize::from(closed_silently(stream, Duration::from_millis(500)));
    }
    assert_eq!(evicted, 20, "[{}] the oldest slow connections", A::NAME);
}

/// A 3 MiB declared body under an 8 MiB budget (1 MiB of it reserved for
/// small calls): two fit and wait for their bodies; the next eight are
/// refused with 503 and `Retry-After` before their bodies are read; a small
/// call still answers; once the holders go, a large call fits again.
pub fn bodies_over_the_budget_get_503_and_small_calls_still_answer<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.body_budget = 8 << 20;
    opts.config.body_reserve = 1 << 20;
    opts.config.limits.max_message_size = 4 << 20;
    let fx = serve::<A>(opts);
    let addr = fx.server.local_addr.clone();
    let declared = 3 << 20;
    let mut conns: Vec<TcpStream> = (0..10)
        .map(|_| {
            let mut stream = raw::connect(&addr, Duration::from_secs(5));
            let mut request = raw::request_head(declared).into_bytes();
            request.extend_from_slice(&vec![b' '; 256 << 10]);
            let _ = stream.write_all(&request);
            stream
        })
        .collect();
    let mut refused = 0;
    let mut holding = Vec::new();
    for (i, stream) in conns.iter_mut().enumerate() {
        let (reply, _) = raw::exchange_head(stream, b"", Duration::from_millis(700));
        match raw::status_of(&reply) {
            Some(503) => {
                let text = String::from_utf8_lossy(&reply);
                assert!(text.contains("\r\nRetry-After: 1\r\n"), "{text}");
                refused += 1;
            }
            None if reply.is_empty() => holding.push(i),
            other => panic!("[{}] connection {i}: {other:?}", A::NAME),
        }
    }
    assert_eq!(
        (holding.len(), refused),
        (2, 8),
        "[{}] two 3 MiB bodies fit in 8 - 1 MiB",
        A::NAME
    );
    let caller = client::<A>(&fx.server.url, &ClientOpts::default());
    let started = Instant::now();
    assert_eq!(
        caller.call_value("echo", vec![Value::Int(1)]).ok(),
        Some(Value::Int(1)),
        "[{}] a small call while the budget is held",
        A::NAME
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(conns);
    // The holders' charges return once their connections are gone.
    let big = "x".repeat(3 << 20);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match caller.call_value("echo", vec![Value::String(big.clone())]) {
            Ok(v) => {
                assert_eq!(v, Value::String(big));
                break;
            }
            Err(e) => assert!(
                Instant::now() < deadline,
                "[{}] the budget never came back: {e}",
                A::NAME
            ),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
