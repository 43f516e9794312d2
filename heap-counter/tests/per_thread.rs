//! `allocations` counts the calling thread's allocations only: another
//! thread allocating meanwhile (a test harness printing, say) changes
//! nothing.
#![allow(clippy::expect_used)] // a failed expect here is a failed test

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

#[global_allocator]
static ALLOCATOR: heap_counter::Counting = heap_counter::Counting;

#[test]
fn another_threads_allocations_do_not_count() {
    let running = Arc::new(AtomicBool::new(true));
    let started = Arc::new(AtomicBool::new(false));
    let noise = {
        let (running, started) = (Arc::clone(&running), Arc::clone(&started));
        thread::spawn(move || {
            let mut made = 0usize;
            while running.load(Ordering::Relaxed) {
                made += black_box(vec![0u8; 64]).len();
                started.store(true, Ordering::Relaxed);
            }
            made
        })
    };
    while !started.load(Ordering::Relaxed) {
        thread::yield_now();
    }
    for _ in 0..1000 {
        let (v, count) = heap_counter::allocations(|| black_box(vec![1u8; 32]));
        assert_eq!(v.len(), 32);
        assert_eq!(count, 1, "one vector, one allocation");
    }
    running.store(false, Ordering::Relaxed);
    assert!(
        noise.join().expect("noise thread") > 0,
        "the other thread allocated"
    );
}
