//! Where smol runs our tasks: one executor per thread, tasks placed in turn.
//!
//! smol's global executor shares one queue between its threads, so a task
//! the reactor wakes on one thread is often run by another one woken for
//! it: at one busy connection that is about three context switches per
//! call and the task moving between cores. Here each thread drives its own
//! executor (and the reactor while it waits), so a connection's task stays
//! on the thread it was given: one switch per call, as on tokio. There is
//! no stealing between threads; connections are spread in turn, and sync
//! handlers run inline must be cheap (blocking ones go to the pool).

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use smol::Executor;

/// Worker threads, each running its own executor.
struct Workers {
    executors: Vec<Arc<Executor<'static>>>,
    next: AtomicUsize,
}

/// The process's workers, started on first use: `SMOL_THREADS` of them
/// (smol's own variable and default, 1).
static WORKERS: OnceLock<Workers> = OnceLock::new();

/// Runs `future` on the next worker thread.
pub(crate) fn spawn(future: impl Future<Output = ()> + Send + 'static) {
    WORKERS
        .get_or_init(|| Workers::start(threads_from_env()))
        .spawn(future);
}

fn threads_from_env() -> usize {
    std::env::var("SMOL_THREADS")
        .ok()
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .max(1)
}

impl Workers {
    fn start(threads: usize) -> Workers {
        let executors = (0..threads.max(1))
            .filter_map(|n| {
                let executor = Arc::new(Executor::new());
                let running = Arc::clone(&executor);
                let started = std::thread::Builder::new()
                    .name(format!("xmlrpc-smol-{n}"))
                    .spawn(move || loop {
                        // A task that panics unwinds out of `run`; the thread
                        // goes on running the others, as smol's own do.
                        let run = || smol::block_on(running.run(std::future::pending::<()>()));
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
                    });
                match started {
                    Ok(_) => Some(executor),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot start an executor thread");
                        None
                    }
                }
            })
            .collect();
        Workers {
            executors,
            next: AtomicUsize::new(0),
        }
    }

    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        if self.executors.is_empty() {
            // No thread of ours could start: smol's global executor.
            smol::spawn(future).detach();
            return;
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.executors.len();
        self.executors[i].spawn(future).detach();
    }
}

#[cfg(test)]
mod tests {
    use super::Workers;
    use std::sync::mpsc;
    use std::time::Duration;

    fn thread_name() -> String {
        std::thread::current().name().unwrap_or("").to_owned()
    }

    #[test]
    fn tasks_are_placed_on_the_threads_in_turn() {
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
            names.iter().all(|n| n.starts_with("xmlrpc-smol-")),
            "{names:?}"
        );
    }

    #[test]
    fn a_task_stays_on_its_thread_across_wake_ups() {
        let workers = Workers::start(2);
        let (tx, rx) = mpsc::channel();
        workers.spawn(async move {
            let mut names = vec![thread_name()];
            for _ in 0..20 {
                smol::Timer::after(Duration::from_millis(1)).await;
                names.push(thread_name());
            }
            let _ = tx.send(names);
        });
        let names = rx.recv_timeout(Duration::from_secs(5)).expect("task ran");
        assert!(names.iter().all(|n| *n == names[0]), "{names:?}");
    }

    #[test]
    fn a_panicking_task_leaves_its_thread_running() {
        let workers = Workers::start(1);
        workers.spawn(async { panic!("a bug in one task") });
        let (tx, rx) = mpsc::channel();
        workers.spawn(async move {
            let _ = tx.send(thread_name());
        });
        let name = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("next task ran");
        assert_eq!(name, "xmlrpc-smol-0");
    }
}
