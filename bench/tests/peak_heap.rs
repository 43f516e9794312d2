//! Peak heap while decoding and encoding the 1.08 MB response, measured with
//! a counting global allocator. Issue 2's target: decoding peaks at no more
//! than 2.5x the payload size.
//!
//! `cargo test -p xmlrpc-bench --release --test peak_heap -- --nocapture`
//! prints the figures. This file holds a single test so no other thread
//! allocates while it measures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::BytesMut;
use xmlrpc_bench::{large_response, large_response_xml};
use xmlrpc_proto::{decode_response, encode_response};

/// Counts live heap bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// wrapper only keeps counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the heap it used at peak and still
/// holds afterwards (the result's own size), both above the starting level.
fn measure<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let result = f();
    let peak = PEAK.load(Ordering::Relaxed) - base;
    let retained = LIVE.load(Ordering::Relaxed).saturating_sub(base);
    (result, peak, retained)
}

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
