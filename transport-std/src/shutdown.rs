//! [`ShutdownHandle`] and the state the accept loop shares with connection
//! threads: the stop flag, the count of open connections, and the wake-up.

use std::net::{SocketAddr, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Where to connect to wake an accept loop blocked in `accept`.
#[derive(Debug)]
pub(crate) enum WakeTarget {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

/// Stop flag, open-connection count and wake-up target of one server.
#[derive(Debug)]
pub(crate) struct Shared {
    stopping: AtomicBool,
    active: Mutex<usize>,
    changed: Condvar,
    wake: WakeTarget,
}

/// Stops a running [`Server`](crate::Server) from any thread. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ShutdownHandle {
    pub(crate) shared: Arc<Shared>,
}

impl ShutdownHandle {
    /// Asks the server to stop: it stops accepting at once, lets calls in
    /// flight finish within the grace period and closes idle connections.
    pub fn shutdown(&self) {
        {
            // Set the flag under the count's lock: the accept loop checks it
            // under that lock before waiting, so the wake-up cannot fall
            // between its check and its wait (a lost wake-up kept the
            // listener open, at the connection cap, until a connection ended).
            let _count = self.shared.count();
            self.shared.stopping.store(true, Ordering::SeqCst);
        }
        self.shared.changed.notify_all();
        // The accept loop blocks in `accept`: a connection of our own wakes
        // it to see the flag. Failing to connect means it is gone already.
        match &self.shared.wake {
            WakeTarget::Tcp(addr) => {
                let _ = TcpStream::connect_timeout(addr, Duration::from_secs(1));
            }
            WakeTarget::Unix(path) => {
                let _ = UnixStream::connect(path);
            }
        }
    }
}

impl Shared {
    pub(crate) fn new(wake: WakeTarget) -> Self {
        Shared {
            stopping: AtomicBool::new(false),
            active: Mutex::new(0),
            changed: Condvar::new(),
            wake,
        }
    }

    /// True once shutdown was asked for.
    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn count(&self) -> MutexGuard<'_, usize> {
        // A poisoned count is still a count: no panic can leave it half-written.
        self.active.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Blocks while `max` connections are open; false when stopping.
    pub(crate) fn wait_for_slot(&self, max: usize) -> bool {
        let mut active = self.count();
        while *active >= max && !self.stopping() {
            active = match self.changed.wait(active) {
                Ok(guard) => guard,
                Err(e) => e.into_inner(),
            };
        }
        !self.stopping()
    }

    /// Waits until no connection is open or `deadline`; returns how many
    /// are still open.
    pub(crate) fn wait_idle(&self, deadline: Instant) -> usize {
        let mut active = self.count();
        while *active > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            active = match self.changed.wait_timeout(active, left) {
                Ok((guard, _)) => guard,
                Err(e) => e.into_inner().0,
            };
        }
        *active
    }

    /// Counts a new connection; it stays counted until the guard drops.
    pub(crate) fn open(self: &Arc<Self>) -> ActiveGuard {
        *self.count() += 1;
        ActiveGuard(Arc::clone(self))
    }
}

/// One open connection, counted until dropped (even by a panic).
pub(crate) struct ActiveGuard(Arc<Shared>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        let mut active = self.0.count();
        *active = active.saturating_sub(1);
        drop(active);
        self.0.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shutdown releases an accept loop waiting at the connection cap even
    /// though no connection ends. (The lost wake-up this guards against
    /// needs an unlucky interleaving; the loop makes one likelier.)
    #[test]
    fn shutdown_wakes_a_loop_waiting_at_the_cap() {
        for _ in 0..200 {
            let nowhere = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("port");
            let shared = Arc::new(Shared::new(WakeTarget::Tcp(nowhere)));
            let busy = shared.open();
            let waiter = {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || shared.wait_for_slot(1))
            };
            ShutdownHandle {
                shared: Arc::clone(&shared),
            }
            .shutdown();
            let deadline = Instant::now() + Duration::from_secs(2);
            while !waiter.is_finished() {
                assert!(Instant::now() < deadline, "accept loop missed the shutdown");
                std::thread::sleep(Duration::from_millis(1));
            }
            assert!(!waiter.join().expect("waiter"), "a slot while stopping");
            drop(busy);
        }
    }
}
