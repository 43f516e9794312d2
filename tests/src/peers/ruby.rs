//! Ruby's `xmlrpc` gem (Debian `ruby-xmlrpc`): its client against our
//! server, and its WEBrick `XMLRPC::Server` against our clients.

use std::process::Command;

use bytes::Bytes;
use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::{Struct, Value};

use super::{
    array, assert_call, assert_lists_methods, assert_standard_multicall, available, expect_ok,
    fault_of, same, script, string, MakeClient, PeerServer,
};
use crate::suite::serve;
use crate::values::{date_time, every_type};
use crate::{Adapter, ServerOpts};

/// True when ruby and its xmlrpc library are installed (else prints why not).
pub fn ruby_xmlrpc() -> bool {
    available(
        "ruby",
        &["-e", "require 'xmlrpc/client'; require 'xmlrpc/server'"],
        "the Ruby xmlrpc check",
    )
}

/// `tests/interop/ruby_client.rb` against our server.
pub fn ruby_client_calls_our_server<A: Adapter>() {
    if !ruby_xmlrpc() {
        return;
    }
    let fx = serve::<A>(ServerOpts::default());
    let mut ruby = Command::new("ruby");
    ruby.arg(script("ruby_client.rb")).arg(&fx.server.url);
    expect_ok(&format!("[{}] ruby xmlrpc client", A::NAME), ruby);
}

/// Our client (built by `make_client`) against `ruby_server.rb`.
pub fn our_client_calls_ruby_server(transport: &str, make_client: MakeClient<'_>) {
    if !ruby_xmlrpc() {
        return;
    }
    let mut ruby = Command::new("ruby");
    ruby.arg(script("ruby_server.rb"));
    let server = PeerServer::start(ruby);
    let client = make_client(&server.url("/RPC2"));
    let client = client.as_ref();
    // Ruby reads every type; writing, it has no i8 (it raises "Integer is
    // too big" and WEBrick answers 500), rejects a date-time with fraction
    // or offset the same way, and writes CR raw, which XML reads as LF.
    let mut portable = Vec::new();
    for value in every_type() {
        let back = client.call_value("echo", vec![value.clone()]);
        let ruby_refuses = match &value {
            Value::I8(_) => true,
            Value::DateTime(dt) => dt.nanosecond() != 0 || dt.offset_minutes().is_some(),
            _ => false,
        };
        if ruby_refuses {
            assert!(
                matches!(&back, Err(ClientError::Status { status, .. }) if status.as_u16() == 500),
                "[{transport}] ruby echo of {value:?}: {back:?}"
            );
            continue;
        }
        let expected = match &value {
            Value::String(s) => Value::String(s.replace("\r\n", "\n").replace('\r', "\n")),
            other => other.clone(),
        };
        match back {
            Ok(got) => assert!(
                same(&got, &expected),
                "[{transport}] ruby echo of {value:?}: {got:?}"
            ),
            Err(e) => panic!("[{transport}] ruby echo of {value:?}: {e}"),
        }
        portable.push(value);
    }
    // We write extreme doubles positionally (hundreds of digits); Ruby answers
    // with exponents (`5.0e-324`).
    for d in [-2.5e300, 5e-324, 1.5e-300] {
        assert_call(client, "echo", vec![Value::Double(d)], &Value::Double(d));
    }
    // 50 KB: Ruby's REXML takes seconds over 250 KB.
    let big = super::big_text(5_000);
    assert_call(client, "echo", vec![big.clone()], &big);
    let types = array(portable.iter().map(ruby_types).collect());
    assert_call(client, "types", portable, &types);
    assert_call(client, "sample", vec![], &ruby_sample());

    let fault = fault_of(client.call_value("fail", vec![Value::Int(42), string("bad <x>")]));
    assert_eq!(
        (fault.code, fault.message.as_str()),
        (42, "bad <x>"),
        "[{transport}]"
    );
    let typed = client.call_i64("factorial", 10);
    assert_eq!(
        typed.as_ref().ok(),
        Some(&3_628_800),
        "[{transport}] {typed:?}"
    );

    assert_standard_multicall(client, &format!("[{transport}] ruby"));

    assert_lists_methods(
        client,
        &format!("[{transport}] ruby"),
        &["echo", "types", "system.multicall"],
    );
    assert_call(
        client,
        "system.methodHelp",
        vec![string("echo")],
        &string("Returns its argument."),
    );
}

/// The Ruby classes Ruby's parser makes of `value`, nested like it
/// (`binary` for the binary String base64 becomes).
fn ruby_types(value: &Value) -> Value {
    let name = match value {
        Value::Array(items) => return array(items.iter().map(ruby_types).collect()),
        Value::Struct(members) => {
            let mut types = Struct::new();
            for (name, v) in members.iter() {
                types.push(name, ruby_types(v));
            }
            return Value::Struct(types);
        }
        Value::Int(_) | Value::I8(_) => "Integer",
        Value::Bool(true) => "TrueClass",
        Value::Bool(false) => "FalseClass",
        Value::Double(_) => "Float",
        Value::String(_) => "String",
        Value::DateTime(_) => "XMLRPC::DateTime",
        Value::Base64(_) => "binary",
        Value::Nil => "NilClass",
    };
    string(name)
}

/// What `sample()` of `ruby_server.rb` must read as.
fn ruby_sample() -> Value {
    let mut s = Struct::new();
    s.push("int", Value::Int(-7));
    s.push("max", Value::Int(i32::MAX));
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
