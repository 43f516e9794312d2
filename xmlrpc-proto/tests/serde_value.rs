//! `Value` through serde (to itself, inside typed structs, through
//! serde_json) and the paths where serde buffers values: `flatten`,
//! untagged and internally tagged enums.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

mod serde_support;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_support::*;
use xmlrpc_proto::serde::{from_value, to_value, MAX_NESTING};
use xmlrpc_proto::{Array, DateTime, Struct, Value};

#[test]
fn value_maps_to_itself() {
    let v = s(&[
        ("i", Value::Int(-1)),
        ("big", Value::I8(1 << 40)),
        ("b", Value::Bool(true)),
        ("d", Value::Double(0.5)),
        ("s", str_v("")),
        ("t", Value::DateTime(date())),
        ("bytes", Value::Base64(Bytes::from_static(b"\0\x01"))),
        ("arr", a(&[Value::Nil, a(&[])])),
        ("st", s(&[])),
        ("nil", Value::Nil),
    ]);
    assert_eq!(to_value(&v).unwrap(), v);
    assert_eq!(from_value::<Value>(v.clone()).unwrap(), v);
    // The canonical form: an I8 that fits 32 bits is an Int.
    assert_eq!(to_value(&Value::I8(3)).unwrap(), Value::Int(3));
    assert_eq!(from_value::<Value>(Value::I8(3)).unwrap(), Value::Int(3));
    let st: Struct = from_value(s(&[("k", Value::Int(1))])).unwrap();
    assert_eq!(st.get("k"), Some(&Value::Int(1)));
    let arr: Array = from_value(a(&[Value::Int(1)])).unwrap();
    assert_eq!(arr.len(), 1);
    assert_err(
        from_value::<Array>(Value::Int(1)),
        "expected array, found int",
    );
}

#[test]
fn value_inside_typed_structs() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder {
        any: Value,
        many: Vec<Value>,
    }
    let h = Holder {
        any: Value::DateTime(date()),
        many: vec![Value::Base64(Bytes::from_static(b"x")), Value::Nil],
    };
    assert_eq!(from_value::<Holder>(to_value(&h).unwrap()).unwrap(), h);
}

#[test]
fn value_through_serde_json_uses_json_types() {
    let v = s(&[
        ("t", Value::DateTime(date())),
        ("n", Value::I8(1 << 40)),
        ("x", Value::Nil),
    ]);
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(
        json,
        r#"{"t":"19980717T14:08:55","n":1099511627776,"x":null}"#
    );
    let back: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back,
        s(&[
            ("t", str_v("19980717T14:08:55")),
            ("n", Value::I8(1 << 40)),
            ("x", Value::Nil),
        ])
    );
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Flat {
    id: i32,
    #[serde(flatten)]
    rest: FlatRest,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct FlatRest {
    when: DateTime,
    n: i64,
    #[serde(with = "serde_bytes")]
    raw: Vec<u8>,
}

#[test]
fn flattened_members_keep_their_types() {
    let flat = Flat {
        id: 1,
        rest: FlatRest {
            when: date(),
            n: 1 << 40,
            raw: vec![1, 2],
        },
    };
    let v = to_value(&flat).unwrap();
    assert_eq!(
        v,
        s(&[
            ("id", Value::Int(1)),
            ("when", Value::DateTime(date())),
            ("n", Value::I8(1 << 40)),
            ("raw", Value::Base64(Bytes::from_static(&[1, 2]))),
        ])
    );
    assert_eq!(from_value::<Flat>(v).unwrap(), flat);
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum Loose {
    Number(i64),
    Text(String),
    When(DateTime),
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
enum Tagged {
    Ping,
    Move { x: i32 },
}

#[test]
fn untagged_and_internally_tagged_enums() {
    for (loose, value) in [
        (Loose::Number(5), Value::Int(5)),
        (Loose::Text("t".into()), str_v("t")),
        (Loose::When(date()), Value::DateTime(date())),
    ] {
        assert_eq!(to_value(&loose).unwrap(), value);
        assert_eq!(from_value::<Loose>(value).unwrap(), loose);
    }
    let mv = Tagged::Move { x: -1 };
    let v = to_value(&mv).unwrap();
    assert_eq!(v, s(&[("type", str_v("Move")), ("x", Value::Int(-1))]));
    assert_eq!(from_value::<Tagged>(v).unwrap(), mv);
    assert_eq!(
        from_value::<Tagged>(s(&[("type", str_v("Ping"))])).unwrap(),
        Tagged::Ping
    );
}

/// `Nil` inside `levels` arrays.
fn nested_arrays(levels: usize) -> Value {
    let mut v = Value::Nil;
    for _ in 0..levels {
        v = Value::Array(Array::from(vec![v]));
    }
    v
}

#[test]
fn nesting_is_capped_both_ways() {
    let at_cap = nested_arrays(MAX_NESTING);
    assert_eq!(to_value(&at_cap).unwrap(), at_cap);
    assert_eq!(from_value::<Value>(at_cap.clone()).unwrap(), at_cap);

    let too_deep = nested_arrays(MAX_NESTING + 1);
    let expected = format!("values nested deeper than {MAX_NESTING} levels");
    let e = to_value(&too_deep).unwrap_err();
    assert_eq!(e.message(), expected);
    assert_eq!(e.path(), "[0]".repeat(MAX_NESTING + 1));
    let e = from_value::<Value>(too_deep).unwrap_err();
    assert_eq!(e.message(), expected);
    assert_eq!(e.path(), "[0]".repeat(MAX_NESTING + 1));
}

#[test]
fn very_deep_values_are_errors_not_stack_overflows() {
    // Far deeper than any stack allows if the mapping recursed without a cap.
    // (Built three times: Value's derived Clone would recurse.)
    assert!(to_value(&nested_arrays(200_000)).is_err());
    assert!(from_value::<Value>(nested_arrays(200_000)).is_err());
    assert!(from_value::<Vec<Value>>(nested_arrays(200_000)).is_err());
}

#[test]
fn value_from_other_formats_refuses_what_xmlrpc_cannot_hold() {
    let e = serde_json::from_str::<Value>("18446744073709551615").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("integer 18446744073709551615 does not fit XML-RPC i8 (64 bits)"),
        "{e}"
    );
    let e = serde_json::from_str::<Value>(r#"{"$__xmlrpc_proto_private_datetime": "soon"}"#)
        .unwrap_err();
    assert!(e.to_string().starts_with("invalid dateTime.iso8601"), "{e}");
    assert_eq!(serde_json::from_str::<Value>("-5").unwrap(), Value::Int(-5));
}
