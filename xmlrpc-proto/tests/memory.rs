//! Peak heap while decoding, measured with a counting global allocator.
//!
//! The documented bounds (decoder docs, `Limits`):
//! - a realistic message (the 1.08 MB benchmark response of 2,500 structs)
//!   peaks at no more than [`TYPICAL_FACTOR`] (2.5) times its size;
//! - the most compact hostile input, an array of `<value/>` (8 bytes each,
//!   40 bytes of `Value` each), peaks at no more than [`WORST_FACTOR`] (16)
//!   times its size: memory stays proportional to input.
//!
//! The allocator is `heap-counter`'s (a moving reallocation counts its
//! transient peak). One test function only, so no other test thread
//! allocates while it measures.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use bytes::BytesMut;
use xmlrpc_proto::decode::{decode_call_with, decode_response_with};
use xmlrpc_proto::{encode_response, DateTime, Limits, MethodResponse, Struct, Value};

/// Peak heap / payload size for the realistic payload.
const TYPICAL_FACTOR: f64 = 2.5;
/// Peak heap / payload size for the densest values XML-RPC can write.
const WORST_FACTOR: f64 = 16.0;

#[global_allocator]
static ALLOCATOR: heap_counter::Counting = heap_counter::Counting;

/// Peak heap above what was live before `f` ran, with `f`'s result kept
/// alive until measured.
fn peak_of<T>(f: impl FnOnce() -> T) -> usize {
    heap_counter::measure(f).1
}

/// The benchmark's record: int, string, double, boolean and dateTime.
fn record(i: usize) -> Value {
    let mut s = Struct::with_capacity(5);
    s.push("id", Value::Int(i as i32 * 7919 - 1_000_000));
    let flags = if i % 10 == 0 { " & <flag>" } else { "" };
    s.push(
        "name",
        Value::String(format!("client {i:05}/{}{flags}", i % 97)),
    );
    s.push("score", Value::Double(i as f64 * 1.25 - 777.0625));
    s.push("active", Value::Bool(i % 3 != 0));
    let date = DateTime::new(
        2000 + (i % 25) as u16,
        1 + (i % 12) as u8,
        1 + (i % 28) as u8,
        (i % 24) as u8,
        (i % 60) as u8,
        ((i * 7) % 60) as u8,
    );
    s.push("created", Value::DateTime(date.expect("valid")));
    Value::Struct(s)
}

fn encoded(value: Value) -> Vec<u8> {
    let mut out = BytesMut::new();
    encode_response(&MethodResponse::Success(value), &mut out).expect("encodes");
    out.to_vec()
}

#[test]
fn peak_heap_is_proportional_to_input() {
    let limits = Limits::client();

    let typical = encoded(Value::Array((0..2_500).map(record).collect()));
    let peak = peak_of(|| decode_response_with(&typical, limits).expect("decodes"));
    let factor = peak as f64 / typical.len() as f64;
    println!(
        "benchmark response: {} bytes, peak {peak} bytes, {factor:.2}x",
        typical.len()
    );
    assert!(factor <= TYPICAL_FACTOR, "{factor:.2}x > {TYPICAL_FACTOR}x");

    // Fed in 4 KiB chunks the bound holds too: only the incomplete tail of
    // a chunk is kept.
    let peak = peak_of(|| {
        let mut d = xmlrpc_proto::Decoder::new(xmlrpc_proto::decode::MessageKind::Response, limits);
        let mut events = Vec::new();
        for chunk in typical.chunks(4096) {
            d.feed(chunk).expect("feeds");
            while let Some(e) = d.poll_event().expect("decodes") {
                events.push(e);
            }
        }
        d.finish().expect("ends");
        while let Some(e) = d.poll_event().expect("decodes") {
            events.push(e);
        }
        events
    });
    let factor = peak as f64 / typical.len() as f64;
    println!("benchmark response in 4 KiB chunks: peak {peak} bytes, {factor:.2}x");
    assert!(
        factor <= TYPICAL_FACTOR,
        "chunked: {factor:.2}x > {TYPICAL_FACTOR}x"
    );

    let dense = format!(
        "<methodResponse><params><param><value><array><data>{}</data></array></value></param></params></methodResponse>",
        "<value/>".repeat(200_000)
    );
    let peak = peak_of(|| decode_response_with(dense.as_bytes(), limits).expect("decodes"));
    let factor = peak as f64 / dense.len() as f64;
    println!(
        "array of <value/>: {} bytes, peak {peak} bytes, {factor:.2}x",
        dense.len()
    );
    assert!(factor <= WORST_FACTOR, "{factor:.2}x > {WORST_FACTOR}x");

    // A long string costs its own length, not a multiple: the text buffer
    // and the value share nothing, but neither is copied twice.
    let long = format!(
        "<methodCall><methodName>m</methodName><params><param><value><string>{}</string></value></param></params></methodCall>",
        "x".repeat(4 << 20)
    );
    let peak = peak_of(|| decode_call_with(long.as_bytes(), Limits::server()).expect("decodes"));
    let factor = peak as f64 / long.len() as f64;
    println!("4 MiB string: peak {peak} bytes, {factor:.2}x");
    assert!(factor <= TYPICAL_FACTOR, "{factor:.2}x > {TYPICAL_FACTOR}x");
}
