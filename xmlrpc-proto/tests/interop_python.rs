//! Python's `xmlrpc.client.loads` reads everything our encoder writes back to
//! the same values.
//!
//! Every document goes to one python3 process, which prints what it read as
//! tagged JSON; each value is then compared with the `Value` we encoded.
//! Skipped, with a printed reason, only when python3 is not installed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::io::Write as _;
use std::process::{Command, Stdio};

use bytes::{Bytes, BytesMut};
use serde_json::Value as Json;
use xmlrpc_proto::{
    encode_call, encode_response, Array, DateTime, Fault, MethodCall, MethodResponse, Struct, Value,
};

/// Reads a JSON array of XML documents on stdin, prints a JSON array of what
/// `loads` made of each, every value tagged with its Python type.
const READER: &str = r#"
import json, sys, xmlrpc.client as x

def tag(v):
    if isinstance(v, bool): return {"boolean": v}
    if isinstance(v, int): return {"int": str(v)}
    if isinstance(v, float): return {"double": repr(v)}
    if isinstance(v, str): return {"string": v}
    if isinstance(v, x.Binary): return {"base64": v.data.hex()}
    if isinstance(v, x.DateTime): return {"dateTime": v.value}
    if v is None: return {"nil": None}
    if isinstance(v, list): return {"array": [tag(i) for i in v]}
    if isinstance(v, dict): return {"struct": [[k, tag(i)] for k, i in v.items()]}
    return {"unexpected": repr(v)}

out = []
for doc in json.load(sys.stdin):
    try:
        params, method = x.loads(doc.encode("utf-8"), use_builtin_types=False)
        out.append({"method": method, "params": [tag(p) for p in params]})
    except x.Fault as f:
        out.append({"fault": [f.faultCode, f.faultString]})
    except Exception as e:
        out.append({"error": repr(e)})
json.dump(out, sys.stdout)
"#;

/// Runs the reader over `docs`; `None` when python3 is missing.
fn python_loads(docs: &[String]) -> Option<Vec<Json>> {
    let mut child = match Command::new("python3")
        .args(["-c", READER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            // CI sets XMLRPC_REQUIRE_PEERS: there a missing peer fails.
            if std::env::var_os("XMLRPC_REQUIRE_PEERS").is_some() {
                panic!("XMLRPC_REQUIRE_PEERS is set, but python3 is not available ({e})");
            }
            println!("SKIPPED: python3 not available ({e})");
            return None;
        }
    };
    let input = serde_json::to_vec(docs).expect("documents serialize");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(&input)
        .expect("python reads its stdin");
    let output = child.wait_with_output().expect("python3 runs");
    assert!(output.status.success(), "python3 failed: {output:?}");
    let parsed: Json = serde_json::from_slice(&output.stdout).expect("reader prints JSON");
    Some(parsed.as_array().expect("a JSON array").clone())
}

/// Checks that what Python read (`seen`) is `expected`; returns the mismatch.
fn same(expected: &Value, seen: &Json, path: &str) -> Result<(), String> {
    let fail = || Err(format!("{path}: expected {expected:?}, python read {seen}"));
    let Some((tag, inner)) = seen.as_object().and_then(|o| o.iter().next()) else {
        return fail();
    };
    let ok = match (expected, tag.as_str()) {
        (Value::Int(i), "int") => inner.as_str() == Some(&i.to_string()),
        (Value::I8(i), "int") => inner.as_str() == Some(&i.to_string()),
        (Value::Bool(b), "boolean") => inner.as_bool() == Some(*b),
        (Value::Double(d), "double") => {
            inner.as_str().and_then(|s| s.parse::<f64>().ok()) == Some(*d)
        }
        (Value::String(s), "string") => inner.as_str() == Some(s),
        (Value::Base64(b), "base64") => inner.as_str() == Some(&hex(b)),
        (Value::DateTime(dt), "dateTime") => inner.as_str() == Some(&dt.to_string()),
        (Value::Nil, "nil") => inner.is_null(),
        (Value::Array(items), "array") => {
            let seen = inner.as_array().map(Vec::as_slice).unwrap_or_default();
            if seen.len() != items.len() {
                return fail();
            }
            for (i, (item, seen)) in items.iter().zip(seen).enumerate() {
                same(item, seen, &format!("{path}[{i}]"))?;
            }
            true
        }
        (Value::Struct(members), "struct") => {
            let seen = inner.as_array().map(Vec::as_slice).unwrap_or_default();
            if seen.len() != members.len() {
                return fail();
            }
            for ((name, item), pair) in members.iter().zip(seen) {
                if pair[0].as_str() != Some(name) {
                    return Err(format!("{path}: member {name:?} read as {}", pair[0]));
                }
                same(item, &pair[1], &format!("{path}.{name}"))?;
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        fail()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn members(pairs: Vec<(&str, Value)>) -> Value {
    let mut s = Struct::new();
    for (name, value) in pairs {
        s.push(name, value);
    }
    Value::Struct(s)
}

fn datetime(text: &str) -> Value {
    Value::DateTime(text.parse::<DateTime>().expect("valid date-time"))
}

/// One value of each type and shape, tricky ones included.
fn sample_values() -> Vec<Value> {
    vec![
        Value::Int(0),
        Value::Int(i32::MIN),
        Value::Int(i32::MAX),
        Value::I8(-3),
        Value::I8(i64::MAX),
        Value::I8(i64::MIN),
        Value::Bool(true),
        Value::Bool(false),
        Value::Double(0.1),
        Value::Double(-0.0),
        Value::Double(1e300),
        Value::Double(-2.5e-300),
        Value::Double(5e-324),
        Value::Double(123456789.125),
        Value::from(""),
        Value::from("plain"),
        Value::from("  lead and trail  "),
        Value::from("<tag> & </tag> \"quotes\" 'apos'"),
        Value::from("line\r\nwindows\rmac\nunix\ttab"),
        Value::from("ünïcødé ✓ 中文 😀 \u{7F} \u{FFFD} \u{10FFFF}"),
        Value::from("]]> looks like CDATA end"),
        Value::Base64(Bytes::new()),
        Value::Base64((0..=255u8).collect::<Vec<u8>>().into()),
        datetime("19980717T14:08:55"),
        datetime("20240229T23:59:60.5"),
        datetime("00010101T00:00:00.000000001Z"),
        datetime("99991231T23:59:59-12:30"),
        Value::Nil,
        Value::Array(Array::new()),
        Value::Struct(Struct::new()),
        Value::from(vec![
            Value::Int(1),
            Value::from("two"),
            Value::Nil,
            Value::Double(3.5),
        ]),
        members(vec![
            ("z-last-first", Value::Int(1)),
            ("a", Value::from("b")),
            ("<&>", Value::Bool(true)),
            ("", Value::from("empty member name")),
            ("ünï", Value::Nil),
        ]),
        nested(12),
    ]
}

/// Alternating arrays and structs `depth` levels deep, with siblings.
fn nested(depth: usize) -> Value {
    let mut value = Value::from("core");
    for i in 0..depth {
        value = if i % 2 == 0 {
            Value::from(vec![
                Value::Int(i as i32),
                value,
                Value::Array(Array::new()),
            ])
        } else {
            members(vec![("level", Value::Int(i as i32)), ("inner", value)])
        };
    }
    value
}

fn encode(f: impl FnOnce(&mut BytesMut)) -> String {
    let mut out = BytesMut::new();
    f(&mut out);
    String::from_utf8(out.to_vec()).expect("UTF-8 output")
}

#[test]
fn python_reads_what_we_write() {
    let values = sample_values();
    let calls = vec![
        MethodCall::new("every.type", values.clone()),
        MethodCall::new("no.params", vec![]),
        MethodCall::new("unicode.名前", vec![Value::from("x")]),
    ];
    let faults = [
        Fault::new(-32601, "method not found: <oops> & more\r\n"),
        Fault::new(4, ""),
        Fault::new(i32::MIN, "ünï ✓"),
    ];

    let mut docs = Vec::new();
    for call in &calls {
        docs.push(encode(|out| encode_call(call, out).expect("encodes")));
    }
    for value in &values {
        let response = MethodResponse::Success(value.clone());
        docs.push(encode(|out| {
            encode_response(&response, out).expect("encodes")
        }));
    }
    for fault in &faults {
        let response = MethodResponse::Fault(fault.clone());
        docs.push(encode(|out| {
            encode_response(&response, out).expect("encodes")
        }));
    }

    let Some(read) = python_loads(&docs) else {
        return;
    };
    assert_eq!(read.len(), docs.len());
    let mut read = read.into_iter();

    for call in &calls {
        let seen = read.next().expect("one result per document");
        assert_eq!(
            seen["method"].as_str(),
            Some(call.method.as_str()),
            "{seen}"
        );
        let params = seen["params"].as_array().expect("params read");
        assert_eq!(params.len(), call.params.len(), "{seen}");
        for (i, (value, seen)) in call.params.iter().zip(params).enumerate() {
            same(value, seen, &format!("{}: params[{i}]", call.method)).unwrap();
        }
    }
    for (i, value) in values.iter().enumerate() {
        let seen = read.next().expect("one result per document");
        assert!(seen["method"].is_null(), "{seen}");
        let params = seen["params"].as_array().expect("a response's params");
        assert_eq!(params.len(), 1, "{seen}");
        same(value, &params[0], &format!("response {i}")).unwrap();
    }
    for fault in &faults {
        let seen = read.next().expect("one result per document");
        assert_eq!(
            seen["fault"],
            serde_json::json!([fault.code, fault.message]),
            "{seen}"
        );
    }
}
