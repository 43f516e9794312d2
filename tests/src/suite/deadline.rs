//! Deadlines firing on both sides.

use std::time::{Duration, Instant};

use xmlrpc_proto::Value;

use super::{assert_echo, client, serve};
use crate::raw;
use crate::{Adapter, ClientOpts, ServerOpts};

/// A client timeout fires against a handler that sleeps past it, and the
/// client works again afterwards.
pub fn client_timeout_fires<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let opts = ClientOpts {
        timeout: Some(Duration::from_millis(300)),
        ..ClientOpts::default()
    };
    let client = client::<A>(&fx.server.url, &opts);
    let start = Instant::now();
    let result = client.call_value("suite.sleep", vec![Value::Int(2000)]);
    let took = start.elapsed();
    assert!(
        matches!(result, Err(ref e) if e.is_timeout()),
        "expected a timeout, got {result:?}"
    );
    assert!(took < Duration::from_millis(1500), "timeout took {took:?}");
    assert_echo(client.as_ref(), Value::Int(5));
}

/// A request head that never completes is answered 408 once the server's
/// head deadline passed, not before.
pub fn server_head_deadline_fires<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.head_timeout = Duration::from_millis(300);
    let fx = serve::<A>(opts);
    let mut stream = raw::connect(&fx.server.local_addr, Duration::from_millis(100));
    let (reply, took) = raw::exchange_head(
        &mut stream,
        b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n",
        Duration::from_secs(5),
    );
    // Answered 408 once the deadline passed: not before, not much after.
    assert_eq!(
        raw::status_of(&reply),
        Some(408),
        "{}",
        String::from_utf8_lossy(&reply)
    );
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(2),
        "408 after {took:?} for a 300 ms head deadline"
    );
}

/// A body that stops arriving is answered 408 once the server's body
/// deadline passed, not before.
pub fn server_body_deadline_fires<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.body_timeout = Duration::from_millis(300);
    let fx = serve::<A>(opts);
    let mut stream = raw::connect(&fx.server.local_addr, Duration::from_millis(100));
    let mut request = raw::request_head(500).into_bytes();
    request.extend_from_slice(b"<?xml version=\"1.0\"?><methodCall>");
    let (reply, took) = raw::exchange_head(&mut stream, &request, Duration::from_secs(5));
    assert_eq!(
        raw::status_of(&reply),
        Some(408),
        "{}",
        String::from_utf8_lossy(&reply)
    );
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(2),
        "408 after {took:?} for a 300 ms body deadline"
    );
}
