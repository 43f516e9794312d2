//! Throwaway speed check: decoding the ~1.08 MB response into `Value`
//! against merely iterating quick-xml events over the same bytes.
//!
//! `cargo run --release -p xmlrpc-proto --example decode_speed`

use std::hint::black_box;
use std::time::{Duration, Instant};

use quick_xml::events::Event;
use quick_xml::Reader;

/// The benchmark payload: an array of 2,500 structs with int, string,
/// double, boolean and dateTime members.
fn payload() -> Vec<u8> {
    let mut s =
        String::from("<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>");
    for i in 0..2500 {
        s.push_str(&format!(
            "<value><struct>\
             <member><name>id</name><value><int>{i}</int></value></member>\
             <member><name>name</name><value><string>customer {i} &amp; text</string></value></member>\
             <member><name>balance</name><value><double>{}.{:02}</double></value></member>\
             <member><name>active</name><value><boolean>{}</boolean></value></member>\
             <member><name>created</name><value><dateTime.iso8601>2024{:02}{:02}T12:34:56</dateTime.iso8601></value></member>\
             </struct></value>\n",
            i * 37,
            i % 100,
            i % 2,
            i % 12 + 1,
            i % 28 + 1
        ));
    }
    s.push_str("</data></array></value></param></params></methodResponse>\n");
    s.into_bytes()
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
