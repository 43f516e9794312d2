//! decode(encode(v)) == v for arbitrary nested values, calls, responses and faults.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::prelude::*;
use xmlrpc_proto::{
    decode_call, decode_response, encode_call, encode_response, Array, DateTime, EncodeError,
    Fault, MethodCall, MethodResponse, Struct, Value,
};

/// Characters XML 1.0 cannot carry; the encoder refuses them.
fn uncarriable(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Text XML can carry, biased towards the characters that need escaping.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>().prop_map(|s| s.chars().filter(|c| !uncarriable(*c)).collect()),
        "[ a-z<>&\"'\r\n\t\u{e9}\u{1F600}]{0,24}",
    ]
}

fn datetime() -> impl Strategy<Value = DateTime> {
    (
        (
            0u16..=9999,
            1u8..=12,
            1u8..=28,
            0u8..=23,
            0u8..=59,
            0u8..=60,
        ),
        prop_oneof![Just(0u32), 0u32..1_000_000_000],
        prop_oneof![
            Just(None),
            Just(Some(0i16)),
            (-1439i16..=1439).prop_map(Some)
        ],
    )
        .prop_map(|((y, mo, d, h, mi, s), nanos, offset)| {
            DateTime::new(y, mo, d, h, mi, s)
                .and_then(|dt| dt.with_nanosecond(nanos))
                .and_then(|dt| dt.with_offset_minutes(offset))
                .expect("fields drawn in range")
        })
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::Int),
        // In the 32-bit range an `I8` is written `<int>` (rule 9), so it
        // reads back as `Int`; that case has its own test below.
        any::<i64>()
            .prop_filter("beyond 32 bits", |i| i32::try_from(*i).is_err())
            .prop_map(Value::I8),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>()
            .prop_filter("finite", |d| d.is_finite())
            .prop_map(Value::Double),
        text().prop_map(Value::String),
        datetime().prop_map(Value::DateTime),
        vec(any::<u8>(), 0..48).prop_map(|b| Value::Base64(Bytes::from(b))),
        Just(Value::Nil),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 96, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(|items| Value::Array(Array::from(items))),
            vec((text(), inner), 0..6).prop_map(|members| {
                // Names are unique in a struct (rule 15): keep the first of each.
                let mut s = Struct::new();
                for (name, value) in members {
                    if !s.contains_key(&name) {
                        s.push(name, value);
                    }
                }
                Value::Struct(s)
            }),
        ]
    })
}

fn encoded_response(response: &MethodResponse) -> BytesMut {
    let mut out = BytesMut::new();
    encode_response(response, &mut out).expect("carriable values encode");
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn responses_round_trip(v in value()) {
        let response = MethodResponse::Success(v);
        let out = encoded_response(&response);
        prop_assert_eq!(decode_response(&out), Ok(response));
    }

    #[test]
    fn calls_round_trip(
        method in "[A-Za-z0-9_.:/]{1,24}",
        params in vec(value(), 0..5),
    ) {
        let call = MethodCall::new(method, params);
        let mut out = BytesMut::new();
        encode_call(&call, &mut out).expect("carriable values encode");
        prop_assert_eq!(decode_call(&out), Ok(call));
    }

    #[test]
    fn faults_round_trip(code in any::<i32>(), message in text()) {
        let response = MethodResponse::Fault(Fault::new(code, message));
        let out = encoded_response(&response);
        prop_assert_eq!(decode_response(&out), Ok(response));
    }

    /// Rule 12: every finite double comes back bit for bit, never via an exponent.
    #[test]
    fn doubles_round_trip_exactly(d in any::<f64>().prop_filter("finite", |d| d.is_finite())) {
        let out = encoded_response(&MethodResponse::Success(Value::Double(d)));
        let xml = std::str::from_utf8(&out).expect("UTF-8");
        let lexical = xml.split("<double>").nth(1).and_then(|rest| rest.split("</double>").next());
        prop_assert!(lexical.is_some_and(|t| !t.contains(['e', 'E'])), "{}", xml);
        match decode_response(&out) {
            Ok(MethodResponse::Success(Value::Double(back))) => {
                prop_assert_eq!(back.to_bits(), d.to_bits());
            }
            other => prop_assert!(false, "read back {:?}", other),
        }
    }

    /// Rule 9: an `I8` that fits 32 bits is written `<int>` and reads back as `Int`.
    #[test]
    fn small_i8_reads_back_as_int(i in any::<i32>()) {
        let out = encoded_response(&MethodResponse::Success(Value::I8(i64::from(i))));
        prop_assert_eq!(decode_response(&out), Ok(MethodResponse::Success(Value::Int(i))));
    }

    /// Any string either round-trips or is refused naming its first bad
    /// character; never broken XML.
    #[test]
    fn any_string_round_trips_or_is_refused(s in any::<String>()) {
        let response = MethodResponse::Success(Value::from(vec![Value::String(s.clone())]));
        let mut out = BytesMut::new();
        match encode_response(&response, &mut out) {
            Ok(()) => prop_assert_eq!(decode_response(&out), Ok(response)),
            Err(EncodeError::InvalidCharacter { path, character }) => {
                prop_assert_eq!(path, "params[0][0]");
                prop_assert_eq!(s.chars().find(|c| uncarriable(*c)), Some(character));
                prop_assert!(out.is_empty());
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }
}
