//! Codec speed against other XML-RPC crates, side by side in one run.
//!
//! `cargo bench -p xmlrpc-bench --bench codec -- --warm-up-time 1 --measurement-time 3`
//!
//! Groups: `decode_1mb` (quick-xml event floor, ours, dxr, xmlrpc,
//! serde_xmlrpc), `decode_small_call` (ours, serde_xmlrpc, dxr) and
//! `encode_1mb` (ours, xmlrpc's writer). After the run the speed ratios
//! against the targets of issue 2 are printed from criterion's estimates.

use std::error::Error;
use std::hint::black_box;
use std::io::Write as _;
use std::path::PathBuf;

use bytes::BytesMut;
use criterion::{Criterion, Throughput};
use quick_xml::events::Event;
use quick_xml::Reader;
use xmlrpc_bench::{large_response, large_response_xml, small_call_xml};
use xmlrpc_proto::{decode_call, decode_response, encode_response, MethodResponse, Value};

/// Hands canned response bytes to the `xmlrpc` crate, whose parser is only
/// reachable through `Request::call`.
struct Canned<'a>(&'a [u8]);

impl<'a> xmlrpc::Transport for Canned<'a> {
    type Stream = &'a [u8];
    fn transmit(self, _: &xmlrpc::Request<'_>) -> Result<&'a [u8], Box<dyn Error + Send + Sync>> {
        Ok(self.0)
    }
}

fn xmlrpc_decode(bytes: &[u8]) -> Result<xmlrpc::Value, xmlrpc::Error> {
    xmlrpc::Request::new("bench").call(Canned(bytes))
}

/// The same tree as the `xmlrpc` crate's value, for its writer.
fn to_xmlrpc(value: &Value) -> xmlrpc::Value {
    match value {
        Value::Int(i) => xmlrpc::Value::Int(*i),
        Value::I8(i) => xmlrpc::Value::Int64(*i),
        Value::Bool(b) => xmlrpc::Value::Bool(*b),
        Value::Double(d) => xmlrpc::Value::Double(*d),
        Value::String(s) => xmlrpc::Value::String(s.clone()),
        Value::DateTime(dt) => {
            let text = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                dt.year(),
                dt.month(),
                dt.day(),
                dt.hour(),
                dt.minute(),
                dt.second()
            );
            xmlrpc::Value::DateTime(iso8601::datetime(&text).expect("valid ISO 8601"))
        }
        Value::Base64(b) => xmlrpc::Value::Base64(b.to_vec()),
        Value::Struct(s) => xmlrpc::Value::Struct(
            s.iter()
                .map(|(k, v)| (k.to_owned(), to_xmlrpc(v)))
                .collect(),
        ),
        Value::Array(a) => xmlrpc::Value::Array(a.iter().map(to_xmlrpc).collect()),
        Value::Nil => xmlrpc::Value::Nil,
    }
}

/// The `xmlrpc` crate has no response writer; this is what its server-side
/// users write around `Value::write_as_xml`.
fn xmlrpc_encode(value: &xmlrpc::Value, out: &mut Vec<u8>) -> std::io::Result<()> {
    out.write_all(b"<?xml version=\"1.0\"?><methodResponse><params><param>")?;
    value.write_as_xml(out)?;
    out.write_all(b"</param></params></methodResponse>")
}

fn quick_xml_events(bytes: &[u8]) -> usize {
    let mut reader = Reader::from_reader(bytes);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return events,
            Ok(event) => {
                black_box(&event);
                events += 1;
            }
            Err(e) => panic!("payload is well formed: {e}"),
        }
    }
}

fn utf8(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("payload is UTF-8")
}

/// Checks once that every contender reads the payloads, so nobody is timed
/// failing fast.
fn check_contenders(large: &[u8], small: &[u8]) {
    let ours = decode_response(large).expect("our decoder reads the payload");
    assert_eq!(ours, large_response());
    dxr::MethodResponse::from_xml(utf8(large)).expect("dxr reads the payload");
    xmlrpc_decode(large).expect("xmlrpc reads the payload");
    serde_xmlrpc::response_from_str::<serde_xmlrpc::Value>(utf8(large))
        .expect("serde_xmlrpc reads the payload");
    decode_call(small).expect("our decoder reads the call");
    serde_xmlrpc::request_from_str(utf8(small)).expect("serde_xmlrpc reads the call");
    dxr::MethodCall::from_xml(utf8(small)).expect("dxr reads the call");
}

fn benches(c: &mut Criterion) {
    let large = large_response_xml();
    let small = small_call_xml();
    check_contenders(&large, &small);

    let mut group = c.benchmark_group("decode_1mb");
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.bench_function("quick_xml_floor", |b| {
        b.iter(|| quick_xml_events(black_box(&large)))
    });
    group.bench_function("ours", |b| b.iter(|| decode_response(black_box(&large))));
    group.bench_function("dxr", |b| {
        b.iter(|| dxr::MethodResponse::from_xml(utf8(black_box(&large))))
    });
    group.bench_function("xmlrpc", |b| b.iter(|| xmlrpc_decode(black_box(&large))));
    group.bench_function("serde_xmlrpc", |b| {
        b.iter(|| serde_xmlrpc::response_from_str::<serde_xmlrpc::Value>(utf8(black_box(&large))))
    });
    group.finish();

    let mut group = c.benchmark_group("decode_small_call");
    group.throughput(Throughput::Elements(1));
    group.bench_function("ours", |b| b.iter(|| decode_call(black_box(&small))));
    group.bench_function("serde_xmlrpc", |b| {
        b.iter(|| serde_xmlrpc::request_from_str(utf8(black_box(&small))))
    });
    group.bench_function("dxr", |b| {
        b.iter(|| dxr::MethodCall::from_xml(utf8(black_box(&small))))
    });
    group.finish();

    let response = large_response();
    let MethodResponse::Success(value) = &response else {
        unreachable!("the payload is a success")
    };
    let theirs = to_xmlrpc(value);
    let mut group = c.benchmark_group("encode_1mb");
    group.throughput(Throughput::Bytes(large.len() as u64));
    let mut out = BytesMut::with_capacity(large.len());
    group.bench_function("ours", |b| {
        b.iter(|| {
            out.clear();
            encode_response(black_box(&response), &mut out)
        })
    });
    let mut vec = Vec::with_capacity(large.len() * 2);
    group.bench_function("xmlrpc", |b| {
        b.iter(|| {
            vec.clear();
            xmlrpc_encode(black_box(&theirs), &mut vec)
        })
    });
    group.finish();
}

/// Where criterion writes its estimates (the same order criterion looks in).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("criterion")
}

/// Mean time of one benchmark in nanoseconds, if it ran.
fn mean_ns(group: &str, id: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(id)
        .join("new/estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["mean"]["point_estimate"].as_f64()
}

/// Prints how many times faster ours is than each contender, with targets.
fn print_ratios(large_len: usize) {
    let rows: [(&str, &str, &str, Option<f64>); 6] = [
        (
            "decode_1mb",
            "quick_xml_floor",
            "decode 1 MB vs quick-xml event floor",
            Some(0.8),
        ),
        ("decode_1mb", "dxr", "decode 1 MB vs dxr", Some(3.5)),
        ("decode_1mb", "xmlrpc", "decode 1 MB vs xmlrpc", None),
        (
            "decode_1mb",
            "serde_xmlrpc",
            "decode 1 MB vs serde_xmlrpc",
            None,
        ),
        (
            "decode_small_call",
            "serde_xmlrpc",
            "small call vs serde_xmlrpc",
            Some(1.5),
        ),
        (
            "encode_1mb",
            "xmlrpc",
            "encode 1 MB vs xmlrpc writer",
            Some(1.2),
        ),
    ];
    println!("\n| comparison | ours | theirs | ratio (theirs time / ours) | target |");
    println!("|---|---|---|---|---|");
    for (group, other, label, target) in rows {
        let (Some(ours), Some(theirs)) = (mean_ns(group, "ours"), mean_ns(group, other)) else {
            println!("| {label} | not run | | | |");
            continue;
        };
        let show = |ns: f64| {
            if group == "decode_small_call" {
                format!("{:.0} calls/s", 1e9 / ns)
            } else {
                format!("{:.0} MB/s", large_len as f64 / ns * 1e3)
            }
        };
        let ratio = theirs / ours;
        let verdict = match target {
            Some(t) if ratio >= t => format!(">= {t}x met"),
            Some(t) => format!(">= {t}x MISSED"),
            None => "-".to_owned(),
        };
        println!(
            "| {label} | {} | {} | {ratio:.2}x | {verdict} |",
            show(ours),
            show(theirs)
        );
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
    print_ratios(large_response_xml().len());
}
