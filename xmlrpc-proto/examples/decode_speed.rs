//! Throwaway speed check: decoding the ~1.08 MB response into `Value`
//! against merely iterating quick-xml events over the same bytes.
//!
//! `cargo run --release -p xmlrpc-proto --example decode_speed`

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::hint::black_box;
use std::time::{Duration, Instant};

use quick_xml::events::Event;
use quick_xml::Reader;

use bytes::BytesMut;
use xmlrpc_proto::{
    encode_call, encode_response, DateTime, MethodCall, MethodResponse, Struct, Value,
};

/// The benchmark payload (as in the bench crate): an array of 2,500 structs
/// with int, string, double, boolean and dateTime members, ~1.08 MB.
fn payload() -> Vec<u8> {
    let record = |i: usize| {
        let mut s = Struct::with_capacity(5);
        s.push("id", Value::Int(i as i32 * 7919 - 1_000_000));
        let flags = if i % 10 == 0 { " & <flag>" } else { "" };
        s.push(
            "name",
            Value::String(format!("client {i:05}/{}{flags}", i % 97)),
        );
        s.push("score", Value::Double(i as f64 * 1.25 - 777.0625));
        s.push("active", Value::Bool(i % 3 != 0));
        let (y, mo, d) = (
            2000 + (i % 25) as u16,
            1 + (i % 12) as u8,
            1 + (i % 28) as u8,
        );
        let date = DateTime::new(
            y,
            mo,
            d,
            (i % 24) as u8,
            (i % 60) as u8,
            ((i * 7) % 60) as u8,
        );
        s.push("created", Value::DateTime(date.expect("valid")));
        Value::Struct(s)
    };
    let value = Value::Array((0..2_500).map(record).collect());
    let mut out = BytesMut::new();
    encode_response(&MethodResponse::Success(value), &mut out).expect("encodes");
    out.to_vec()
}

/// The bench crate's small call: 5 params of mixed types, ~400 bytes.
fn small_call() -> Vec<u8> {
    let mut options = Struct::new();
    options.push("limit", Value::Int(50));
    let params = vec![
        Value::Int(20240229),
        Value::from("shelf-17 & annex"),
        Value::Double(0.875),
        Value::Bool(false),
        Value::Struct(options),
    ];
    let mut out = BytesMut::new();
    encode_call(&MethodCall::new("items.search", params), &mut out).expect("encodes");
    out.to_vec()
}

fn quick_xml_floor(bytes: &[u8]) -> usize {
    let mut reader = Reader::from_reader(bytes);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return n,
            Ok(e) => {
                black_box(&e);
                n += 1
            }
            Err(e) => panic!("{e}"),
        }
    }
}

fn time(mut f: impl FnMut()) -> Duration {
    for _ in 0..5 {
        f();
    }
    let mut best = Duration::MAX;
    for _ in 0..30 {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed());
    }
    best
}

fn main() {
    let bytes = payload();
    // `decode_speed floor N` / `decode_speed ours N`: run one side N times,
    // for `perf stat` (cycles do not depend on other load on the machine).
    let args: Vec<String> = std::env::args().collect();
    let small = small_call();
    if let [_, side, n] = &args[..] {
        let n: usize = n.parse().expect("a count");
        for _ in 0..n {
            if side == "small" {
                black_box(xmlrpc_proto::decode_call(black_box(&small)).expect("decodes"));
            } else if side == "floor" {
                black_box(quick_xml_floor(black_box(&bytes)));
            } else {
                black_box(xmlrpc_proto::decode_response(black_box(&bytes)).expect("decodes"));
            }
        }
        return;
    }
    let floor = time(|| {
        black_box(quick_xml_floor(black_box(&bytes)));
    });
    let ours = time(|| {
        black_box(xmlrpc_proto::decode_response(black_box(&bytes)).unwrap());
    });
    let mb = bytes.len() as f64 / 1e6;
    println!("payload {} bytes", bytes.len());
    println!(
        "quick-xml events: {:?} ({:.0} MB/s)",
        floor,
        mb / floor.as_secs_f64()
    );
    println!(
        "decode_response:  {:?} ({:.0} MB/s)",
        ours,
        mb / ours.as_secs_f64()
    );
    println!(
        "speed ratio (ours / floor): {:.2}x",
        floor.as_secs_f64() / ours.as_secs_f64()
    );
}
