//! Where [`serve`](crate::serve) runs its connections: worker threads, each
//! with a current-thread tokio runtime of its own, connections placed in turn.
//!
//! hyper's connection task wakes itself during every request (the body
//! channel's "want" signal when the service starts reading the body). On
//! tokio's multi-threaded runtime a task woken while it runs is queued as a
//! yield, which wakes a parked worker to steal it: at one busy connection
//! that was two `futex` calls per request and a thread woken for nothing
//! (6 system calls per call, where transport-tokio makes 3). On a
//! current-thread runtime the wake is a push onto the thread's own queue.
//! There is no stealing between workers: connections are spread in turn,
//! sync handlers run inline must be cheap (blocking ones go to the worker's
//! blocking pool), as on transport-smol's workers.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::runtime::{Builder, Handle};
use tokio::sync::oneshot;

/// The runtimes' blocking pools share tokio's default of 512 threads.
const BLOCKING_THREADS: usize = 512;

/// One worker: its runtime's handle, and the sender whose drop stops it.
struct Worker {
    handle: Handle,
    _stop: oneshot::Sender<()>,
}

/// Worker threads for one `serve`; dropping them stops the threads, and
/// with them every task still on their runtimes.
pub(crate) struct Workers {
    workers: Vec<Worker>,
    next: AtomicUsize,
}

impl Workers {
    /// `threads` workers (at least one); those that cannot start are left
    /// out, and with none at all tasks go to the caller's runtime.
    pub(crate) fn start(threads: usize) -> Workers {
        let threads = threads.max(1);
        let workers = (0..threads)
            .filter_map(
                |n| match start_worker(n, (BLOCKING_THREADS / threads).max(1)) {
                    Ok(worker) => Some(worker),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot start a connection worker thread");
                        None
                    }
                },
            )
            .collect();
        Workers {
            workers,
            next: AtomicUsize::new(0),
        }
    }

    /// As many workers as tokio's multi-threaded runtime would start:
    /// `TOKIO_WORKER_THREADS`, else one per core.
    pub(crate) fn start_default() -> Workers {
        let threads = std::env::var("TOKIO_WORKER_THREADS")
            .ok()
            .and_then(|n| n.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
            .unwrap_or(1);
        Workers::start(threads)
    }

    /// Runs `future` on the next worker (must be called inside a tokio
    /// runtime, which takes the task when no worker started).
    pub(crate) fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        if self.workers.is_empty() {
            tokio::spawn(future);
            return;
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.workers.len();
        self.workers[i].handle.spawn(future);
    }
}

fn start_worker(n: usize, blocking_threads: usize) -> std::io::Result<Worker> {
    let runtime = Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(blocking_threads)
        .build()?;
    let handle = runtime.handle().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    std::thread::Builder::new()
        .name(format!("xmlrpc-hyper-{n}"))
        .spawn(move || {
            // Returns when the sender is dropped. A task that panics does
            // not stop the runtime (its JoinHandle gets the panic).
            let _ = runtime.block_on(stopped);
            // Blocking handlers still running are not waited for.
            runtime.shutdown_background();
        })?;
    Ok(Worker {
        handle,
        _stop: stop,
    })
}

#[cfg(test)]
mod tests {
    use super::Workers;
    use std::sync::mpsc;
    use std::time::Duration;

    fn thread_name() -> String {
        std::thread::current().name().unwrap_or("").to_owned()
    }

    #[tokio::test]
    async fn tasks_are_placed_on_the_threads_in_turn() {
        let workers = Workers::start(2);
        let (tx, rx) = mpsc::channel();
        for i in 0..4 {
            let tx = tx.clone();
            workers.spawn(async move {
                let _ = tx.send((i, thread_name()));
            });
        }
        let mut seen: Vec<(i32, String)> = (0..4)
            .map(|_| rx.recv_timeout(Duration::from_secs(5)).expect("task ran"))
            .collect();
        seen.sort();
        let names: Vec<&str> = seen.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names[0], names[2]);
        assert_eq!(names[1], names[3]);
        assert_ne!(names[0], names[1]);
        assert!(
            names.iter().all(|n| n.starts_with("xmlrpc-hyper-")),
            "{names:?}"
        );
    }

    #[tokio::test]
    async fn a_task_keeps_its_thread_and_has_timers_and_a_blocking_pool() {
        let workers = Workers::start(2);
        let (tx, rx) = mpsc::channel();
        workers.spawn(async move {
            let mut names = vec![thread_name()];
            for _ in 0..10 {
                tokio::time::sleep(Duration::from_millis(1)).await;
                names.push(thread_name());
            }
            let blocking = tokio::task::spawn_blocking(|| 6 * 7).await.ok();
            let _ = tx.send((names, blocking));
        });
        let (names, blocking) = rx.recv_timeout(Duration::from_secs(5)).expect("task ran");
        assert!(names.iter().all(|n| *n == names[0]), "{names:?}");
        assert_eq!(blocking, Some(42));
    }

    #[tokio::test]
    async fn a_panicking_task_leaves_its_worker_running() {
        let workers = Workers::start(1);
        workers.spawn(async { panic!("a bug in one task") });
        let (tx, rx) = mpsc::channel();
        workers.spawn(async move {
            let _ = tx.send(thread_name());
        });
        let name = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("next task ran");
        assert_eq!(name, "xmlrpc-hyper-0");
    }

    #[tokio::test]
    async fn dropping_the_workers_ends_their_tasks() {
        let workers = Workers::start(1);
        let (tx, rx) = mpsc::channel::<()>();
        workers.spawn(async move {
            // Holds the sender until the task is dropped.
            let _tx = tx;
            std::future::pending::<()>().await;
        });
        drop(workers);
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)),
            Err(mpsc::RecvTimeoutError::Disconnected)
        );
    }
}
