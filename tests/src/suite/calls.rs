//! Values, typed calls, raw calls and multicall over the real transport.

use xmlrpc_proto::{decode_response, fault_code, MethodCall, MethodResponse, Value};

use super::{assert_echo, client, serve};
use crate::values::{all_in_one, every_type};
use crate::{Adapter, ClientOpts, ServerOpts};

/// Every value type survives `echo`, one at a time and all in one message,
/// through the sync and the async handler path.
pub fn every_value_type_round_trips<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    for value in every_type() {
        assert_echo(client.as_ref(), value);
    }
    assert_echo(client.as_ref(), all_in_one());
    let back = client.call_value("suite.async_echo", vec![all_in_one()]);
    assert_eq!(back.ok(), Some(all_in_one()), "async handler echo");
}

/// `call` maps a tuple to params and the result to a Rust type.
pub fn typed_call_maps_through_serde<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    assert_eq!(client.call_i64("factorial", 10).ok(), Some(3_628_800));
    // 20! needs i8 on the wire.
    assert_eq!(
        client.call_i64("factorial", 20).ok(),
        Some(2_432_902_008_176_640_000)
    );
}

/// `call_response` hands back the body the response was decoded from.
pub fn raw_call_returns_the_body<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    let call = MethodCall::new("echo", vec![Value::String("raw & body".into())]);
    let (response, body) = match client.call_response(&call) {
        Ok(pair) => pair,
        Err(e) => panic!("call_response failed: {e}"),
    };
    assert_eq!(
        response,
        MethodResponse::Success(Value::String("raw & body".into()))
    );
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("<methodResponse>"), "raw body: {text}");
    assert_eq!(decode_response(&body).ok(), Some(response));
}

/// A multicall answers every entry in order, faults per entry.
pub fn multicall_answers_each_entry<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    let calls = vec![
        MethodCall::new("echo", vec![Value::Int(1)]),
        MethodCall::new("no.such.method", vec![]),
        MethodCall::new("factorial", vec![Value::Int(5)]),
        MethodCall::new("factorial", vec![Value::Int(-1)]),
        MethodCall::new("echo", vec![Value::String("last".into())]),
    ];
    let results = match client.multicall(calls) {
        Ok(results) => results,
        Err(e) => panic!("multicall failed: {e}"),
    };
    assert_eq!(results.len(), 5);
    assert_eq!(results[0].as_ref().ok(), Some(&Value::Int(1)));
    let missing = results[1].as_ref().err().map(|f| f.code);
    assert_eq!(missing, Some(fault_code::METHOD_NOT_FOUND));
    assert_eq!(results[2].as_ref().ok().and_then(Value::as_i64), Some(120));
    let bad = results[3].as_ref().err().map(|f| f.code);
    assert_eq!(bad, Some(fault_code::INVALID_PARAMS));
    assert_eq!(
        results[4].as_ref().ok(),
        Some(&Value::String("last".into()))
    );
}

/// Introspection works over the transport.
pub fn introspection_lists_methods<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    let listed = match client.call_value("system.listMethods", vec![]) {
        Ok(Value::Array(names)) => names.into_vec(),
        other => panic!("system.listMethods: {other:?}"),
    };
    for name in ["echo", "factorial", "suite.sleep", "system.multicall"] {
        assert!(
            listed.iter().any(|v| v.as_str() == Some(name)),
            "{name} missing from {listed:?}"
        );
    }
}
