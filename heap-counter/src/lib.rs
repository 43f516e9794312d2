//! A counting global allocator for the memory tests and benches: how much
//! heap is live, and its peak since a mark.
//!
//! # What this is not
//! Not an allocator of its own (every call goes to `System` unchanged) and
//! not for production: the live and peak heap are relaxed atomics shared
//! by all threads, so measure those with one thread allocating;
//! [`allocations`] counts the calling thread's calls only.
//!
//! A reallocation counts as the new block plus the old one until the old
//! is freed: the true transient peak when the block moves.
//!
//! ```
//! #[global_allocator]
//! static ALLOCATOR: heap_counter::Counting = heap_counter::Counting;
//!
//! let (v, peak, retained) = heap_counter::measure(|| vec![0u8; 1 << 20]);
//! assert!(peak >= 1 << 20 && retained >= 1 << 20);
//! drop(v);
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The counting allocator; install it with `#[global_allocator]`.
#[derive(Debug)]
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Calls on this thread that asked for memory: alloc, alloc_zeroed
    /// and realloc. Const-initialised and without a destructor, so the
    /// allocator may touch it.
    static THREAD_ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn grew(bytes: usize) {
    // Gone only while the thread is being torn down: nothing to count then.
    let _ = THREAD_ALLOCATIONS.try_with(|n| n.set(n.get().wrapping_add(1)));
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every call goes to the system allocator unchanged; the wrapper
// only counts.
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
        grew(new_size);
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if new.is_null() {
            shrank(new_size);
        } else {
            shrank(layout.size());
        }
        new
    }
}

/// Heap live now, in bytes (only while [`Counting`] is the global allocator).
pub fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Runs `f`; returns its result with the number of allocator calls that
/// asked for memory meanwhile on this thread: every `alloc` and
/// `alloc_zeroed`, and every `realloc` (a block that grows or shrinks,
/// moved or not, counts again). Other threads' calls do not count, so a
/// test harness printing beside the test does not disturb it.
pub fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let count = || THREAD_ALLOCATIONS.try_with(Cell::get).unwrap_or(0);
    let before = count();
    let result = f();
    (result, count().wrapping_sub(before))
}

/// Runs `f`; returns its result with the heap it used at peak and the heap
/// it still holds afterwards (its result's), both above the starting level.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let result = f();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let retained = LIVE.load(Ordering::Relaxed).saturating_sub(base);
    (result, peak, retained)
}
