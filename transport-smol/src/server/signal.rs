//! [`ShutdownHandle`] and the one-shot signals and counters behind it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use event_listener::Event;

/// A flag that is set once and can be awaited.
#[derive(Default)]
pub(crate) struct Signal {
    set: AtomicBool,
    event: Event,
}

impl Signal {
    /// Sets the flag and wakes every waiter.
    pub(crate) fn trigger(&self) {
        self.set.store(true, Ordering::SeqCst);
        self.event.notify(usize::MAX);
    }

    /// True once triggered.
    pub(crate) fn is_set(&self) -> bool {
        self.set.load(Ordering::SeqCst)
    }

    /// Returns once the flag is set.
    pub(crate) async fn wait(&self) {
        loop {
            if self.is_set() {
                return;
            }
            let listener = self.event.listen();
            // Re-check: a trigger between the first check and listen() is not lost.
            if self.is_set() {
                return;
            }
            listener.await;
        }
    }
}

/// Counts live connection tasks so shutdown can wait for them.
#[derive(Default)]
pub(crate) struct Tracker {
    live: AtomicUsize,
    event: Event,
}

impl Tracker {
    /// A connection task started; the guard ends it when dropped.
    pub(crate) fn enter(self: &Arc<Self>) -> TrackerGuard {
        self.live.fetch_add(1, Ordering::SeqCst);
        TrackerGuard(self.clone())
    }

    /// Returns once no connection task is live.
    pub(crate) async fn wait_idle(&self) {
        loop {
            if self.live.load(Ordering::SeqCst) == 0 {
                return;
            }
            let listener = self.event.listen();
            if self.live.load(Ordering::SeqCst) == 0 {
                return;
            }
            listener.await;
        }
    }
}

/// Marks one live connection task; dropping it (even on panic) counts it out.
pub(crate) struct TrackerGuard(Arc<Tracker>);

impl Drop for TrackerGuard {
    fn drop(&mut self) {
        if self.0.live.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.event.notify(usize::MAX);
        }
    }
}

/// Asks a running [`Server`](crate::Server) to shut down gracefully: it stops
/// accepting, lets calls in flight finish until the grace deadline, and
/// closes idle connections. Cheap to clone; usable from any thread, before
/// or while the server runs.
#[derive(Clone)]
pub struct ShutdownHandle {
    pub(crate) signal: Arc<Signal>,
}

impl ShutdownHandle {
    /// Starts the graceful shutdown; calling it again does nothing more.
    pub fn shutdown(&self) {
        self.signal.trigger();
    }

    /// True once [`shutdown`](Self::shutdown) was called.
    pub fn is_shutdown(&self) -> bool {
        self.signal.is_set()
    }
}

impl std::fmt::Debug for ShutdownHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShutdownHandle")
            .field("shutdown", &self.is_shutdown())
            .finish()
    }
}
