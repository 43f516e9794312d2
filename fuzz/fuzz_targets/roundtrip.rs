//! Arbitrary `Value` -> encode -> decode -> equal (an `I8` within 32 bits
//! reads back as `Int`, SPEC rule 9). Strings XML cannot carry must be an
//! encode error, never broken XML.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use xmlrpc_proto::{encode_response, Array, DateTime, MethodResponse, Struct, Value};

/// A value of bounded depth built from the fuzzer's bytes.
#[derive(Debug)]
struct Arb(Value);

fn datetime(u: &mut Unstructured<'_>) -> Result<DateTime> {
    let dt = DateTime::new(
        u.int_in_range(0..=9999)?,
        u.int_in_range(1..=12)?,
        u.int_in_range(1..=28)?,
        u.int_in_range(0..=23)?,
        u.int_in_range(0..=59)?,
        u.int_in_range(0..=60)?,
    );
    let dt = dt.and_then(|d| d.with_nanosecond(u.int_in_range(0..=999_999_999).unwrap_or(0)));
    let offset = if u.arbitrary()? {
        Some(u.int_in_range(-1439..=1439)?)
    } else {
        None
    };
    dt.and_then(|d| d.with_offset_minutes(offset))
        .map_err(|_| arbitrary::Error::IncorrectFormat)
}

fn value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let choice = u.int_in_range(0..=if depth == 0 { 7 } else { 9 })?;
    Ok(match choice {
        0 => Value::Int(u.arbitrary()?),
        1 => Value::I8(u.arbitrary()?),
        2 => Value::Bool(u.arbitrary()?),
        3 => {
            let d: f64 = u.arbitrary()?;
            Value::Double(if d.is_finite() { d } else { 0.0 })
        }
        4 => Value::String(u.arbitrary()?),
        5 => Value::DateTime(datetime(u)?),
        6 => Value::Base64(Bytes::from(u.arbitrary::<Vec<u8>>()?)),
        7 => Value::Nil,
        8 => {
            let n = u.int_in_range(0..=4)?;
            let mut a = Array::new();
            for _ in 0..n {
                a.push(value(u, depth - 1)?);
            }
            Value::Array(a)
        }
        _ => {
            let n = u.int_in_range(0..=4)?;
            let mut s = Struct::new();
            for _ in 0..n {
                let name: String = u.arbitrary()?;
                let v = value(u, depth - 1)?;
                if !s.contains_key(&name) {
                    s.push(name, v);
                }
            }
            Value::Struct(s)
        }
    })
}

impl<'a> Arbitrary<'a> for Arb {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        value(u, 5).map(Arb)
    }
}

fuzz_target!(|v: Arb| {
    let expected = MethodResponse::Success(xmlrpc_fuzz::narrow(&v.0));
    let response = MethodResponse::Success(v.0);
    let mut out = BytesMut::new();
    match encode_response(&response, &mut out) {
        Ok(()) => {
            let back = xmlrpc_proto::decode_response(&out).expect("our own output decodes");
            assert_eq!(back, expected);
        }
        // Only strings with characters XML cannot carry are refused.
        Err(xmlrpc_proto::EncodeError::InvalidCharacter { .. }) => {}
        Err(other) => panic!("unexpected encode error {other:?}"),
    }
});
