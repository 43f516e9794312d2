//! Every limit, hit over a real socket, and the server still serving after.

use std::time::Duration;

use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::{Limits, MethodCall, Value};

use super::{assert_echo, client, serve};
use crate::raw;
use crate::values::nested;
use crate::{Adapter, ClientOpts, ServerOpts};

/// Entries the router's multicall takes by default (SPEC.md limits table).
pub const MULTICALL_CAP: usize = 1000;

fn status_of(result: &Result<Value, ClientError>) -> Option<u16> {
    match result {
        Err(ClientError::Status { status, .. }) => Some(status.as_u16()),
        _ => None,
    }
}

/// A request body over `max_message_size` is refused with 413, which the
/// client reports as `ClientError::Status`.
pub fn body_over_the_limit_gets_413<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.limits.max_message_size = 2048;
    let fx = serve::<A>(opts);
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    let big = client.call_value("echo", vec![Value::String("x".repeat(8192))]);
    assert_eq!(status_of(&big), Some(413), "got {big:?}");
    // Far more than socket buffers hold: the server answers 413 without
    // reading it all, and the answer must still reach the client.
    let huge = client.call_value("echo", vec![Value::String("x".repeat(4 << 20))]);
    assert_eq!(status_of(&huge), Some(413), "got {huge:?}");
    assert_echo(client.as_ref(), Value::String("y".repeat(1024)));
}

/// Values nested deeper than `max_depth` are refused; shallower pass.
pub fn nesting_over_the_limit_is_refused<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.limits.max_depth = 8;
    let fx = serve::<A>(opts);
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    assert_echo(client.as_ref(), nested(4));
    let deep = client.call_value("echo", vec![nested(40)]);
    let refused = match &deep {
        Err(ClientError::Fault(f)) => f.message.contains("depth"),
        Err(ClientError::Status { status, .. }) => status.as_u16() == 400,
        _ => false,
    };
    assert!(refused, "depth 40 against a limit of 8: {deep:?}");
    assert_echo(client.as_ref(), nested(4));
}

/// A multicall of more entries than the cap is refused; the cap itself passes.
pub fn multicall_over_the_cap_is_refused<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    let calls = |n: usize| {
        (0..n)
            .map(|i| MethodCall::new("echo", vec![Value::Int(i as i32)]))
            .collect::<Vec<_>>()
    };
    let ok = client.multicall(calls(MULTICALL_CAP));
    assert_eq!(ok.map(|r| r.len()).ok(), Some(MULTICALL_CAP));
    let over = client.multicall(calls(MULTICALL_CAP + 1));
    assert!(
        matches!(over, Err(ClientError::Fault(_))),
        "multicall over the cap: {over:?}"
    );
}

/// More headers than `max_headers` get 431.
pub fn too_many_headers_get_431<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.max_headers = 20;
    let fx = serve::<A>(opts);
    let headers = (0..40)
        .map(|i| (format!("X-Filler-{i}"), "v".to_string()))
        .collect();
    let many = ClientOpts {
        headers,
        ..ClientOpts::default()
    };
    let client = client::<A>(&fx.server.url, &many);
    let result = client.call_value("echo", vec![Value::Int(1)]);
    assert_eq!(status_of(&result), Some(431), "got {result:?}");
}

/// A response over the client's `max_message_size` fails the call without
/// a fault or a hang.
pub fn response_over_the_client_limit_fails<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let mut limits = Limits::client();
    limits.max_message_size = 1024;
    limits.max_text_size = 1024;
    let opts = ClientOpts {
        limits: Some(limits),
        timeout: Some(Duration::from_secs(5)),
        ..ClientOpts::default()
    };
    let client = client::<A>(&fx.server.url, &opts);
    let result = client.call_value("echo", vec![Value::String("z".repeat(16 * 1024))]);
    assert!(
        matches!(
            result,
            Err(ClientError::Decode(_) | ClientError::Protocol(_))
        ),
        "oversized response: {result:?}"
    );
}

/// A raw request that declares a body over the limit gets 413 at once,
/// before the body is sent.
pub fn declared_length_over_the_limit_gets_413<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.limits.max_message_size = 2048;
    let fx = serve::<A>(opts);
    let mut stream = raw::connect(&fx.server.local_addr, Duration::from_millis(200));
    let head = raw::request_head(1 << 30);
    let (reply, _) = raw::exchange(&mut stream, head.as_bytes(), Duration::from_secs(5));
    assert_eq!(
        raw::status_of(&reply),
        Some(413),
        "{}",
        String::from_utf8_lossy(&reply)
    );
}

/// The fault message a call got, for limits the decoder enforces.
fn fault_message(result: Result<Value, ClientError>) -> String {
    match result {
        Err(ClientError::Fault(fault)) => fault.message,
        other => panic!("expected a fault naming the limit, got {other:?}"),
    }
}

/// More params than `max_params`, and a text longer than `max_text_size`,
/// are faults that name the limit; calls within both pass.
pub fn decoder_limits_name_themselves<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.limits.max_params = 3;
    opts.config.limits.max_text_size = 100;
    let fx = serve::<A>(opts);
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    let params = vec![Value::Int(1); 5];
    let many = fault_message(client.call_value("echo", params));
    assert!(many.contains("max_params"), "{many}");
    let long = fault_message(client.call_value("echo", vec![Value::String("t".repeat(500))]));
    assert!(long.contains("max_text_size"), "{long}");
    assert_echo(client.as_ref(), Value::String("t".repeat(50)));
}

/// A request head over `max_head_size` gets 431.
pub fn head_over_the_limit_gets_431<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.max_head_size = 1024;
    let fx = serve::<A>(opts);
    let big = ClientOpts {
        headers: vec![("X-Big".into(), "b".repeat(4096))],
        ..ClientOpts::default()
    };
    let loud = client::<A>(&fx.server.url, &big);
    let result = loud.call_value("echo", vec![Value::Int(1)]);
    assert_eq!(status_of(&result), Some(431), "got {result:?}");
    let small = client::<A>(&fx.server.url, &ClientOpts::default());
    assert_echo(small.as_ref(), Value::Int(2));
}
