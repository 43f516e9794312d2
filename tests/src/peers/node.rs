//! Node's `xmlrpc` package from npm (`npm install --prefix tests/interop`):
//! its client against our server, and its server against our clients.

use std::process::Command;

use bytes::Bytes;
use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::{Struct, Value};

use super::{
    array, assert_call, available, expect_ok, fault_of, script, string, MakeClient, PeerServer,
};
use crate::suite::serve;
use crate::values::{date_time, every_type};
use crate::{Adapter, ServerOpts};

/// True when node and the npm package are installed (else prints why not).
pub fn node_xmlrpc() -> bool {
    if !available("node", &["--version"], "the Node xmlrpc check") {
        return false;
    }
    let installed = script("node_modules/xmlrpc/package.json").exists();
    if !installed {
        crate::skip(
            "the npm package xmlrpc is not installed \
             (`npm install --prefix tests/interop`), so the Node check cannot run",
        );
    }
    installed
}

/// Node with a fixed time zone: its `xmlrpc` writes dates in local time.
fn node(file: &str) -> Command {
    let mut node = Command::new("node");
    node.env("TZ", "UTC").arg(script(file));
    node
}

/// `tests/interop/node_client.js` against our server.
pub fn node_client_calls_our_server<A: Adapter>() {
    if !node_xmlrpc() {
        return;
    }
    let fx = serve::<A>(ServerOpts::default());
    let mut client = node("node_client.js");
    client.arg(&fx.server.url);
    expect_ok(&format!("[{}] node xmlrpc client", A::NAME), client);
}

/// Our client (built by `make_client`) against `node_server.js`.
pub fn our_client_calls_node_server(transport: &str, make_client: MakeClient<'_>) {
    if !node_xmlrpc() {
        return;
    }
    let server = PeerServer::start(node("node_server.js"));
    let client = make_client(&server.url("/RPC2"));
    let client = client.as_ref();
    // What JavaScript makes of each value: <i8> is read as a decimal string
    // (and written back as one); a whole double is a JS number written as
    // <int>; a date-time becomes a Date, written back in UTC (TZ=UTC here)
    // without fraction or offset.
    for value in every_type() {
        let expected = match &value {
            Value::I8(n) => string(&n.to_string()),
            Value::Double(d) if d.fract() == 0.0 && d.abs() < 2_147_483_648.0 => {
                Value::Int(*d as i32)
            }
            Value::DateTime(dt) if dt.nanosecond() != 0 || dt.offset_minutes().is_some() => {
                // 2026-01-02T03:04:05.25+01:30 is 01:34:05 UTC.
                assert_eq!(dt.to_string(), "20260102T03:04:05.25+01:30");
                date_time("20260102T01:34:05")
            }
            other => other.clone(),
        };
        assert_call(client, "echo", vec![value.clone()], &expected);
        let types = array(vec![node_types(&value)]);
        assert_call(client, "types", vec![value], &types);
    }
    // We write extreme doubles positionally; JS answers `5e-324`. (A whole
    // double such as -2.5e300 is a JS number it writes as <int>.)
    for d in [5e-324, 1.5e-300] {
        assert_call(client, "echo", vec![Value::Double(d)], &Value::Double(d));
    }
    let big = super::big_text(25_000);
    assert_call(client, "echo", vec![big.clone()], &big);
    let all = crate::values::all_in_one();
    assert_call(
        client,
        "types",
        vec![all.clone()],
        &array(vec![node_types(&all)]),
    );
    assert_call(client, "sample", vec![], &node_sample());
    let fault = fault_of(client.call_value("fail", vec![Value::Int(42), string("bad <x>")]));
    assert_eq!(
        (fault.code, fault.message.as_str()),
        (42, "bad <x>"),
        "[{transport}]"
    );
    // It has no system.multicall, and answers an unknown method with HTTP
    // 404 and no body: our multicall reports that status, not a guess.
    let multicall = client.multicall(vec![xmlrpc_proto::MethodCall::new("echo", vec![])]);
    assert!(
        matches!(&multicall, Err(ClientError::Status { status, .. }) if status.as_u16() == 404),
        "[{transport}] multicall against node: {multicall:?}"
    );
}

/// The JS types Node's parser makes of `value`, nested like it.
fn node_types(value: &Value) -> Value {
    let name = match value {
        Value::Array(items) => return array(items.iter().map(node_types).collect()),
        Value::Struct(members) => {
            let mut types = Struct::new();
            for (name, v) in members.iter() {
                types.push(name, node_types(v));
            }
            return Value::Struct(types);
        }
        Value::Int(_) | Value::Double(_) => "number",
        Value::I8(_) | Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::DateTime(_) => "Date",
        Value::Base64(_) => "Buffer",
        Value::Nil => "null",
    };
    string(name)
}

/// What `sample()` of `node_server.js` must read as.
fn node_sample() -> Value {
    let mut s = Struct::new();
    s.push("int", Value::Int(-7));
    s.push("yes", Value::Bool(true));
    s.push("no", Value::Bool(false));
    s.push("double", Value::Double(-0.125));
    s.push("string", string("<&> \u{e9}\u{1f600}"));
    s.push("date", date_time("19980717T14:08:55"));
    s.push(
        "bytes",
        Value::Base64(Bytes::from_static(b"\0\x01\xfe\xff")),
    );
    s.push("nil", Value::Nil);
    s.push("list", array(vec![Value::Int(1), string("x")]));
    s.push("empty", Value::Struct(Struct::new()));
    Value::Struct(s)
}
