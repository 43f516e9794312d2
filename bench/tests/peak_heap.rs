//! Peak heap while decoding and encoding the 1.08 MB response, measured with
//! a counting global allocator. Issue 2's target: decoding peaks at no more
//! than 2.5x the payload size.
//!
//! `cargo test -p xmlrpc-bench --release --test peak_heap -- --nocapture`
//! prints the figures. This file holds a single test so no other thread
//! allocates while it measures.

use bytes::BytesMut;
use heap_counter::measure;
use xmlrpc_bench::{large_response, large_response_xml};
use xmlrpc_proto::{decode_response, encode_response};

/// Counts live heap bytes and their high-water mark (a moving realloc's
/// transient peak included).
#[global_allocator]
static ALLOCATOR: heap_counter::Counting = heap_counter::Counting;

#[test]
fn peak_heap_stays_within_target() {
    let payload = large_response_xml();
    let expected = large_response();
    let len = payload.len() as f64;

    let (decoded, decode_peak, tree) = measure(|| decode_response(&payload));
    assert_eq!(decoded.as_ref(), Ok(&expected));
    drop(decoded);

    let (encoded, encode_peak, _) = measure(|| {
        let mut out = BytesMut::new();
        encode_response(&expected, &mut out).map(|()| out)
    });
    assert_eq!(encoded.as_deref(), Ok(&payload[..]));

    println!("payload                 {:>9} bytes", payload.len());
    println!(
        "decode peak             {decode_peak:>9} bytes = {:.2}x payload (decoded tree {tree} bytes = {:.2}x)",
        decode_peak as f64 / len,
        tree as f64 / len
    );
    println!(
        "encode peak             {encode_peak:>9} bytes = {:.2}x payload (output buffer growth included)",
        encode_peak as f64 / len
    );
    assert!(
        decode_peak as f64 <= 2.5 * len,
        "decoding peaked at {:.2}x the payload, over the 2.5x target",
        decode_peak as f64 / len
    );
}
