//! [`Pool`]: threads for the handlers that may block, so they never hold up
//! an event loop.
//!
//! A job never waits for a thread: one is started whenever every thread is
//! busy (at most one job runs per connection, so the connection cap bounds
//! them). Threads that sat idle for [`IDLE`] end.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

/// How long a thread waits for work before it ends.
const IDLE: Duration = Duration::from_secs(10);

type Job = Box<dyn FnOnce() + Send>;

/// A growing set of threads running jobs; cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct Pool {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    work: Condvar,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    /// Threads waiting for a job.
    idle: usize,
}

impl Pool {
    /// Runs `job` on a thread of the pool, starting one if none is free.
    /// When no thread can be started it runs here, late rather than never.
    pub(crate) fn run(&self, job: impl FnOnce() + Send + 'static) {
        let mut state = self.inner.lock();
        state.jobs.push_back(Box::new(job));
        if state.jobs.len() <= state.idle {
            drop(state);
            self.inner.work.notify_one();
            return;
        }
        drop(state);
        let inner = Arc::clone(&self.inner);
        let started = thread::Builder::new()
            .name("xmlrpc-blocking".to_owned())
            .spawn(move || inner.work());
        if let Err(e) = started {
            tracing::warn!(error = %e, "cannot start a thread for a blocking handler");
            let job = self.inner.lock().jobs.pop_back();
            if let Some(job) = job {
                job();
            }
        }
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Jobs run outside the lock: a poisoned one still holds good data.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A thread's life: jobs until none came for [`IDLE`].
    fn work(&self) {
        while let Some(job) = self.next() {
            // A panic is the job's to report (see `Reply`); the thread goes on.
            let _ = catch_unwind(AssertUnwindSafe(job));
        }
    }

    fn next(&self) -> Option<Job> {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.jobs.pop_front() {
                return Some(job);
            }
            state.idle += 1;
            let (guard, waited) = self
                .work
                .wait_timeout(state, IDLE)
                .unwrap_or_else(|e| e.into_inner());
            state = guard;
            state.idle -= 1;
            if waited.timed_out() && state.jobs.is_empty() {
                return None;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expect here is a failed test
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Instant;

    /// Jobs that block do not wait for each other: each gets a thread.
    #[test]
    fn blocked_jobs_do_not_queue_behind_each_other() {
        let pool = Pool::default();
        let (gate_tx, gate_rx) = mpsc::channel::<()>();
        let gate = Arc::new(Mutex::new(gate_rx));
        let (done_tx, done_rx) = mpsc::channel();
        for _ in 0..3 {
            let gate = Arc::clone(&gate);
            pool.run(move || {
                let _ = gate
                    .lock()
                    .map(|rx| rx.recv_timeout(Duration::from_secs(5)));
            });
        }
        // Three jobs hold the gate or wait for it; a fourth still runs now.
        let started = Instant::now();
        pool.run(move || done_tx.send(()).expect("send"));
        done_rx
            .recv_timeout(Duration::from_secs(2))
            .expect("a job queued behind blocked ones");
        assert!(started.elapsed() < Duration::from_secs(2));
        drop(gate_tx);
    }

    /// Waits until `n` threads of `pool` wait for work.
    fn until_idle(pool: &Pool, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while pool.inner.lock().idle != n {
            assert!(
                Instant::now() < deadline,
                "the pool's threads never went idle"
            );
            thread::sleep(Duration::from_millis(1));
        }
    }

    /// Sends the id of the thread it is dropped on (by a panic, say).
    struct Witness(mpsc::Sender<thread::ThreadId>);

    impl Drop for Witness {
        fn drop(&mut self) {
            let _ = self.0.send(thread::current().id());
        }
    }

    /// A thread that finished a job takes the next one instead of a new
    /// thread starting, and a job that panics does not end its thread.
    #[test]
    fn threads_are_reused_and_survive_panics() {
        let pool = Pool::default();
        let (tx, rx) = mpsc::channel();
        let mut ids = std::collections::HashSet::new();
        for _ in 0..5 {
            let witness = Witness(tx.clone());
            pool.run(move || drop(witness));
            ids.insert(rx.recv_timeout(Duration::from_secs(5)).expect("job ran"));
            until_idle(&pool, 1);
        }
        let witness = Witness(tx.clone());
        pool.run(move || {
            let _witness = witness;
            panic!("a job panics on purpose");
        });
        ids.insert(rx.recv_timeout(Duration::from_secs(5)).expect("job ran"));
        until_idle(&pool, 1);
        let witness = Witness(tx);
        pool.run(move || drop(witness));
        ids.insert(rx.recv_timeout(Duration::from_secs(5)).expect("job ran"));
        assert_eq!(ids.len(), 1, "jobs ran on {} threads, not one", ids.len());
    }
}
