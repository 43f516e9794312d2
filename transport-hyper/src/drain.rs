//! [`Drain`]: graceful shutdown for [`serve`](crate::serve)'s connections
//! at the cost of one flag read per wake-up.
//!
//! hyper_util's `GracefulShutdown` polls a `watch` channel's `changed()`
//! future on every wake-up of every connection, which takes the channel's
//! lock (about 0.4k instructions per request, twice a request). Here a
//! connection registers its task's waker once (again only if its waker
//! changes) and otherwise reads a flag.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use hyper_util::server::graceful::GracefulConnection;
use pin_project_lite::pin_project;
use tokio::sync::futures::OwnedNotified;
use tokio::sync::Notify;

/// Tells every watched connection to finish its request in flight and
/// close (`serve` waits for their tasks to end).
pub(crate) struct Drain {
    started: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

pin_project! {
    /// A connection that starts its graceful shutdown when the drain does.
    pub(crate) struct Watched<C> {
        #[pin]
        conn: C,
        // Made with the connection, so a drain that starts before the
        // first poll still completes it.
        #[pin]
        notified: OwnedNotified,
        started: Arc<AtomicBool>,
        // The waker `notified` was last polled with.
        registered: Option<Waker>,
        draining: bool,
    }
}

impl Drain {
    pub(crate) fn new() -> Self {
        Drain {
            started: Arc::new(AtomicBool::new(false)),
            notify: Arc::new(Notify::new()),
        }
    }

    /// `conn`, shut down gracefully when the drain [starts](Self::start).
    pub(crate) fn watch<C: GracefulConnection>(&self, conn: C) -> Watched<C> {
        Watched {
            conn,
            notified: Arc::clone(&self.notify).notified_owned(),
            started: Arc::clone(&self.started),
            registered: None,
            draining: false,
        }
    }

    /// Starts every watched connection's graceful shutdown.
    pub(crate) fn start(&self) {
        self.started.store(true, Ordering::Release);
        self.notify.notify_waiters();
    }
}

impl<C: GracefulConnection> Future for Watched<C> {
    type Output = C::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<C::Output> {
        let mut this = self.project();
        if !*this.draining {
            let fired = if this.started.load(Ordering::Acquire) {
                true
            } else if this
                .registered
                .as_ref()
                .is_some_and(|w| w.will_wake(cx.waker()))
            {
                // Registered with this waker already: the drain wakes it.
                false
            } else {
                *this.registered = Some(cx.waker().clone());
                this.notified.as_mut().poll(cx).is_ready()
            };
            if fired {
                *this.draining = true;
                this.conn.as_mut().graceful_shutdown();
            }
        }
        this.conn.poll(cx)
    }
}
