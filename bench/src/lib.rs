//! Benchmark payloads shared by the bench targets and the peak-heap example.
//!
//! - [`large_response`]: a `<methodResponse>` holding an array of 2,500
//!   structs, each with an int, a string, a double, a boolean and a dateTime
//!   member: about 1.08 MB encoded.
//! - [`small_call`]: a `<methodCall>` of about 400 bytes with 5 params.
//!
//! Both are built deterministically (no randomness), so every run and every
//! crate measures the same bytes.

use bytes::BytesMut;
use xmlrpc_proto::{
    encode_call, encode_response, DateTime, MethodCall, MethodResponse, Struct, Value,
};

/// Number of structs in [`large_response`].
pub const LARGE_RECORDS: usize = 2_500;

/// One record of the large payload.
fn record(i: usize) -> Value {
    let mut s = Struct::with_capacity(5);
    s.push("id", Value::Int(i as i32 * 7919 - 1_000_000));
    // Varied text, with markup characters every tenth record like real data.
    let flags = if i % 10 == 0 { " & <flag>" } else { "" };
    let text = format!("client {i:05}/{}{flags}", i % 97);
    s.push("name", Value::String(text));
    s.push("score", Value::Double(i as f64 * 1.25 - 777.0625));
    s.push("active", Value::Bool(i % 3 != 0));
    let date = DateTime::new(
        2000 + (i % 25) as u16,
        1 + (i % 12) as u8,
        1 + (i % 28) as u8,
        (i % 24) as u8,
        (i % 60) as u8,
        ((i * 7) % 60) as u8,
    )
    .expect("in-range fields make a valid date");
    s.push("created", Value::DateTime(date));
    Value::Struct(s)
}

/// The large response's value: an array of [`LARGE_RECORDS`] structs.
pub fn large_response_value() -> Value {
    Value::Array((0..LARGE_RECORDS).map(record).collect())
}

/// The large response as a message.
pub fn large_response() -> MethodResponse {
    MethodResponse::Success(large_response_value())
}

/// The large response encoded (about 1.08 MB).
pub fn large_response_xml() -> Vec<u8> {
    let mut out = BytesMut::new();
    encode_response(&large_response(), &mut out).expect("payload encodes");
    out.to_vec()
}

/// The small call: 5 params of mixed types.
pub fn small_call() -> MethodCall {
    let mut options = Struct::new();
    options.push("limit", Value::Int(50));
    MethodCall::new(
        "items.search",
        vec![
            Value::Int(20240229),
            Value::from("shelf-17 & annex"),
            Value::Double(0.875),
            Value::Bool(false),
            Value::Struct(options),
        ],
    )
}

/// The small call encoded (about 400 bytes).
pub fn small_call_xml() -> Vec<u8> {
    let mut out = BytesMut::new();
    encode_call(&small_call(), &mut out).expect("payload encodes");
    out.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_sizes_match_the_issue() {
        let large = large_response_xml().len();
        assert!(
            (1_050_000..=1_110_000).contains(&large),
            "large payload is {large} bytes"
        );
        let small = small_call_xml().len();
        assert!((380..=440).contains(&small), "small call is {small} bytes");
        println!("large {large} bytes, small {small} bytes");
    }
}
