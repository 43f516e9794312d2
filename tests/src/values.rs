//! Sample values of every XML-RPC type, for round trips.

use bytes::Bytes;
use xmlrpc_proto::{Struct, Value};

/// One value of each type, with awkward edges (extremes, escapes, empties).
/// The date-time comes through the decoder, so it is exactly what a wire
/// value looks like.
pub fn every_type() -> Vec<Value> {
    let mut inner = Struct::new();
    inner.push("n", Value::Int(1));
    inner.push(
        "list",
        Value::Array(vec![Value::Nil, Value::Bool(false)].into()),
    );
    let mut outer = Struct::new();
    outer.push("name", Value::String("a <b> & 'c' \"d\"".into()));
    outer.push("inner", Value::Struct(inner));
    outer.push("empty", Value::Struct(Struct::new()));
    vec![
        Value::Int(0),
        Value::Int(i32::MAX),
        Value::Int(i32::MIN),
        Value::I8(i64::from(i32::MAX) + 1),
        Value::I8(i64::MIN),
        Value::Bool(true),
        Value::Bool(false),
        Value::Double(0.0),
        Value::Double(-1.5),
        Value::Double(1e-7),
        Value::Double(123456789.125),
        Value::String(String::new()),
        Value::String("plain".into()),
        Value::String("<tag> & ]]> \u{e9}\u{4e2d}\u{1f600}\ttab\nline".into()),
        Value::String("carriage\rreturn\r\n".into()),
        Value::String("  keep  spaces  ".into()),
        date_time("20260102T03:04:05"),
        date_time("2026-01-02T03:04:05.250+01:30"),
        Value::Base64(Bytes::new()),
        Value::Base64(Bytes::from((0..=255u8).collect::<Vec<u8>>())),
        Value::Array(Vec::new().into()),
        Value::Array(vec![Value::Int(1), Value::String("two".into()), Value::Nil].into()),
        Value::Struct(Struct::new()),
        Value::Struct(outer),
        Value::Nil,
    ]
}

/// Everything of [`every_type`] in one array (one big message).
pub fn all_in_one() -> Value {
    Value::Array(every_type().into())
}

/// A `dateTime.iso8601` value parsed from its wire text.
pub fn date_time(text: &str) -> Value {
    let xml = format!(
        "<methodCall><methodName>d</methodName><params><param><value>\
         <dateTime.iso8601>{text}</dateTime.iso8601></value></param></params></methodCall>"
    );
    let call = xmlrpc_proto::decode_call(xml.as_bytes()).expect("a valid date-time");
    call.params.into_iter().next().expect("one param")
}

/// Arrays nested `depth` deep around an int.
pub fn nested(depth: usize) -> Value {
    let mut value = Value::Int(7);
    for _ in 0..depth {
        value = Value::Array(vec![value].into());
    }
    value
}
