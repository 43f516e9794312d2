//! The encoder's output, byte for byte, and what it refuses (SPEC rules 2, 7-17).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use bytes::{Bytes, BytesMut};
use xmlrpc_proto::encode::encode_value;
use xmlrpc_proto::{
    encode_call, encode_response, Array, EncodeError, Fault, MethodCall, MethodResponse, Struct,
    Value,
};

const DECL: &str = "<?xml version=\"1.0\"?>";

fn value_xml(value: &Value) -> Result<String, EncodeError> {
    let mut out = BytesMut::new();
    encode_value(value, &mut out)?;
    Ok(String::from_utf8(out.to_vec()).expect("encoder writes UTF-8"))
}

fn call_xml(call: &MethodCall) -> Result<String, EncodeError> {
    let mut out = BytesMut::new();
    encode_call(call, &mut out)?;
    Ok(String::from_utf8(out.to_vec()).expect("encoder writes UTF-8"))
}

fn response_xml(response: &MethodResponse) -> Result<String, EncodeError> {
    let mut out = BytesMut::new();
    encode_response(response, &mut out)?;
    Ok(String::from_utf8(out.to_vec()).expect("encoder writes UTF-8"))
}

fn members(pairs: Vec<(&str, Value)>) -> Value {
    let mut s = Struct::new();
    for (name, value) in pairs {
        s.push(name, value);
    }
    Value::Struct(s)
}

/// Each scalar type's exact encoding (rules 8-14, 17).
#[test]
fn scalar_vectors() {
    let table: Vec<(Value, &str)> = vec![
        (Value::Int(0), "<value><int>0</int></value>"),
        (
            Value::Int(i32::MIN),
            "<value><int>-2147483648</int></value>",
        ),
        (Value::Int(i32::MAX), "<value><int>2147483647</int></value>"),
        // Rule 9: `<i8>` only beyond 32 bits.
        (Value::I8(5), "<value><int>5</int></value>"),
        (
            Value::I8(-2_147_483_648),
            "<value><int>-2147483648</int></value>",
        ),
        (
            Value::I8(2_147_483_648),
            "<value><i8>2147483648</i8></value>",
        ),
        (
            Value::I8(i64::MIN),
            "<value><i8>-9223372036854775808</i8></value>",
        ),
        (Value::Bool(true), "<value><boolean>1</boolean></value>"),
        (Value::Bool(false), "<value><boolean>0</boolean></value>"),
        (Value::Double(-1.5), "<value><double>-1.5</double></value>"),
        (
            Value::Double(1e21),
            "<value><double>1000000000000000000000.0</double></value>",
        ),
        (
            Value::Double(2.5e-8),
            "<value><double>0.000000025</double></value>",
        ),
        (Value::from(""), "<value><string></string></value>"),
        (
            Value::from("  spaced\t\n"),
            "<value><string>  spaced\t\n</string></value>",
        ),
        (
            Value::from("a<b>&c\r\n\"'"),
            "<value><string>a&lt;b&gt;&amp;c&#xD;\n\"'</string></value>",
        ),
        (
            Value::from("ünï😀"),
            "<value><string>ünï😀</string></value>",
        ),
        (
            Value::Base64(Bytes::new()),
            "<value><base64></base64></value>",
        ),
        (
            Value::Base64(Bytes::from_static(b"hello world\n")),
            "<value><base64>aGVsbG8gd29ybGQK</base64></value>",
        ),
        (Value::Nil, "<value><nil/></value>"),
    ];
    for (value, expected) in table {
        assert_eq!(value_xml(&value).as_deref(), Ok(expected), "{value:?}");
    }
}

/// Long base64 stays on one line (rule 14).
#[test]
fn base64_has_no_line_breaks() {
    let xml = value_xml(&Value::from(vec![0xA5u8; 4096])).unwrap();
    assert!(!xml.contains('\n') && !xml.contains('\r'));
    assert_eq!(
        xml.len(),
        "<value><base64></base64></value>".len() + 4096_usize.div_ceil(3) * 4
    );
}

/// Containers keep order and write no whitespace (rules 15-16).
#[test]
fn containers_are_compact_and_ordered() {
    let value = members(vec![
        ("z", Value::Int(1)),
        ("a", Value::Array(Array::new())),
        ("m<&", Value::Struct(Struct::new())),
        ("list", Value::from(vec![Value::Nil, Value::from("x")])),
    ]);
    assert_eq!(
        value_xml(&value).unwrap(),
        "<value><struct>\
         <member><name>z</name><value><int>1</int></value></member>\
         <member><name>a</name><value><array><data></data></array></value></member>\
         <member><name>m&lt;&amp;</name><value><struct></struct></value></member>\
         <member><name>list</name><value><array><data>\
         <value><nil/></value><value><string>x</string></value>\
         </data></array></value></member>\
         </struct></value>"
    );
}

#[test]
fn call_document() {
    let call = MethodCall::new(
        "examples.get:State/Name_2",
        vec![Value::Int(41), Value::from("a")],
    );
    assert_eq!(
        call_xml(&call).unwrap(),
        format!(
            "{DECL}<methodCall><methodName>examples.get:State/Name_2</methodName><params>\
             <param><value><int>41</int></value></param>\
             <param><value><string>a</string></value></param>\
             </params></methodCall>"
        )
    );
    let empty = MethodCall::new("ping", vec![]);
    assert_eq!(
        call_xml(&empty).unwrap(),
        format!("{DECL}<methodCall><methodName>ping</methodName><params></params></methodCall>")
    );
}

/// Rule 2: emit what was given (escaped), reject empty or uncarriable names.
#[test]
fn method_names() {
    let odd = MethodCall::new("a b<c>é", vec![]);
    assert!(call_xml(&odd)
        .unwrap()
        .contains("<methodName>a b&lt;c&gt;é</methodName>"));
    for bad in ["", "nul\0", "bell\u{7}", "\u{FFFF}"] {
        assert_eq!(
            call_xml(&MethodCall::new(bad, vec![])),
            Err(EncodeError::InvalidMethodName),
            "{bad:?}"
        );
    }
}

#[test]
fn response_documents() {
    assert_eq!(
        response_xml(&MethodResponse::Success(Value::Bool(true))).unwrap(),
        format!(
            "{DECL}<methodResponse><params><param><value><boolean>1</boolean></value></param>\
             </params></methodResponse>"
        )
    );
    let fault = MethodResponse::Fault(Fault::new(-32601, "no such method: <x>"));
    assert_eq!(
        response_xml(&fault).unwrap(),
        format!(
            "{DECL}<methodResponse><fault><value><struct>\
             <member><name>faultCode</name><value><int>-32601</int></value></member>\
             <member><name>faultString</name><value><string>no such method: &lt;x&gt;</string></value></member>\
             </struct></value></fault></methodResponse>"
        )
    );
    // encode_fault writes the same document without a MethodResponse, and
    // refuses what XML cannot carry, leaving the buffer as it was.
    let MethodResponse::Fault(bare) = &fault else {
        unreachable!()
    };
    let mut out = bytes::BytesMut::from(&b"kept"[..]);
    xmlrpc_proto::encode::encode_fault(bare, &mut out).expect("encodes");
    assert_eq!(&out[4..], response_xml(&fault).unwrap().as_bytes());
    let bad = Fault::new(1, "bell \u{7}");
    assert!(xmlrpc_proto::encode::encode_fault(&bad, &mut out).is_err());
    assert!(out.starts_with(b"kept") && out.len() == 4 + response_xml(&fault).unwrap().len());
}

/// Rule 11: an uncarriable character is an error naming where it sits.
#[test]
fn invalid_characters_name_their_path() {
    let nested = members(vec![
        ("ok", Value::from("fine")),
        (
            "name",
            Value::from(vec![Value::Int(1), Value::Nil, Value::from("bad\u{1}")]),
        ),
    ]);
    let call = MethodCall::new("m", vec![Value::Int(0), nested]);
    let err = call_xml(&call).unwrap_err();
    assert_eq!(
        err,
        EncodeError::InvalidCharacter {
            path: "params[1].name[2]".into(),
            character: '\u{1}'
        }
    );
    assert!(err.to_string().starts_with("params[1].name[2]: "), "{err}");

    let bad_member = members(vec![("a\u{FFFE}", Value::Nil)]);
    let err = response_xml(&MethodResponse::Success(bad_member)).unwrap_err();
    assert_eq!(
        err,
        EncodeError::InvalidCharacter {
            path: "params[0].a\u{FFFE}".into(),
            character: '\u{FFFE}'
        }
    );

    let fault = MethodResponse::Fault(Fault::new(1, "esc\u{1B}"));
    assert_eq!(
        response_xml(&fault),
        Err(EncodeError::InvalidCharacter {
            path: "faultString".into(),
            character: '\u{1B}'
        })
    );
}

/// Rule 12: NaN and infinities are errors, not `nan` on the wire.
#[test]
fn non_finite_doubles_name_their_path() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let value = Value::from(vec![members(vec![("x", Value::Double(bad))])]);
        assert_eq!(
            value_xml(&value),
            Err(EncodeError::NonFiniteDouble {
                path: "value[0].x".into()
            })
        );
    }
}

/// A failed encode leaves the caller's buffer exactly as it was, and a
/// successful one appends after what was there.
#[test]
fn output_is_appended_and_rolled_back_on_error() {
    let mut out = BytesMut::from(&b"HEAD"[..]);
    let bad = MethodCall::new(
        "m",
        vec![Value::from("long enough to write"), Value::Double(f64::NAN)],
    );
    assert!(encode_call(&bad, &mut out).is_err());
    assert_eq!(&out[..], b"HEAD");
    encode_call(&MethodCall::new("m", vec![]), &mut out).unwrap();
    assert!(out.starts_with(b"HEAD<?xml"));
}

/// Depth is not bounded by the call stack: the walker keeps its own.
#[test]
fn deep_nesting_encodes_without_recursion() {
    let depth = 200_000;
    let mut value = Value::Int(7);
    for i in 0..depth {
        value = if i % 2 == 0 {
            Value::from(vec![value])
        } else {
            members(vec![("m", value)])
        };
    }
    let xml = value_xml(&value).unwrap();
    assert!(xml.contains("<int>7</int>"));
    assert_eq!(
        xml.matches("<array>").count() + xml.matches("<struct>").count(),
        depth
    );
}

/// The whole document is one line with no whitespace between tags.
#[test]
fn no_whitespace_between_elements() {
    let value = members(vec![(
        "a",
        Value::from(vec![Value::Int(1), Value::Bool(false)]),
    )]);
    let xml = response_xml(&MethodResponse::Success(value)).unwrap();
    assert!(
        !xml.contains("> ") && !xml.contains(" <") && !xml.contains('\n'),
        "{xml}"
    );
}

/// Rule 13: the basic form, with fraction and offset only when present.
#[test]
fn datetime_vectors() {
    let table = [
        ("1998-07-17T14:08:55", "19980717T14:08:55"),
        ("19980717T14:08:55.250", "19980717T14:08:55.25"),
        ("19980717T14:08:55Z", "19980717T14:08:55Z"),
        (
            "19980717T14:08:55.000001-0330",
            "19980717T14:08:55.000001-03:30",
        ),
    ];
    for (input, expected) in table {
        let dt: xmlrpc_proto::DateTime = input.parse().unwrap();
        assert_eq!(
            value_xml(&Value::from(dt)).unwrap(),
            format!("<value><dateTime.iso8601>{expected}</dateTime.iso8601></value>")
        );
    }
}
