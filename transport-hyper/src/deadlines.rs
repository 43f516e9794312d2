//! [`with_deadlines`]: the idle, head and write deadlines of a hyper
//! connection on one tokio timer, kept by the core's
//! [`ConnectionDeadlines`].
//!
//! hyper's own header timer makes, boxes, registers and cancels a timer in
//! tokio's wheel for every request (about 7% of a small call's work under
//! `serve`), and it has no idle or write deadline. Here the stream wrapper
//! owns the core's machine and one timer for the connection's life, which
//! requests never touch (the core sets it only when it fires, at most once
//! per the smallest timeout). The service wrapper counts requests begun
//! and ended in atomics; the stream reads them at its next read or write.
//! The timer is only looked at when the stream has to wait, which is the
//! only time a deadline can pass.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use hyper::service::Service;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;
use xmlrpc_proto::http::{ConnectionDeadlines, ServerConfig};

/// Wraps a freshly accepted connection's stream and its hyper service so
/// that `config`'s `idle_timeout`, `head_timeout` and `write_timeout` hold,
/// as on our own servers: when one passes, the stream's next read or write
/// fails with [`io::ErrorKind::TimedOut`] and hyper closes the connection
/// (without a 408, as hyper's own header timer does).
///
/// [`serve`](crate::serve) does this for every connection; in a loop of
/// your own, serve the pair with a builder whose header timer is off
/// (`builder.http1().header_read_timeout(None)`), or both run.
///
/// # Panics
/// Outside a tokio runtime with the time driver enabled: the connection's
/// timer is made here.
pub fn with_deadlines<I, S>(
    config: &ServerConfig,
    io: I,
    service: S,
) -> (DeadlineIo<I>, DeadlineService<S>) {
    let accepted = Instant::now();
    let mut deadlines = ConnectionDeadlines::new(config, accepted);
    // Always set by `new`; were it not, the timer would fire at once and
    // `fired` would set it.
    let first = deadlines.take_timer().unwrap_or(accepted);
    let requests = Arc::new(Requests::default());
    let io = DeadlineIo {
        io,
        deadlines,
        timer: Box::pin(tokio::time::sleep_until(first.into())),
        registered: None,
        wrote: false,
        seen: Counts::default(),
        seen_changes: 0,
        requests: Arc::clone(&requests),
    };
    (io, DeadlineService { service, requests })
}

/// Requests begun and ended on one connection, counted by its service
/// (on HTTP/2, from each stream's task) and read by its stream.
#[derive(Default)]
struct Requests {
    /// Bumped after each of the others, so that the stream's usual look
    /// is one load.
    changes: AtomicU32,
    began: AtomicU32,
    answered: AtomicU32,
    abandoned: AtomicU32,
    http2: AtomicBool,
}

/// What the stream has already applied of [`Requests`].
#[derive(Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    began: u32,
    answered: u32,
    abandoned: u32,
}

impl Requests {
    fn bump(&self, counter: &AtomicU32) {
        counter.fetch_add(1, Relaxed);
        self.changes.fetch_add(1, Relaxed);
    }

    fn counts(&self) -> Counts {
        Counts {
            began: self.began.load(Relaxed),
            answered: self.answered.load(Relaxed),
            abandoned: self.abandoned.load(Relaxed),
        }
    }
}

/// A connection's stream under [`with_deadlines`].
pub struct DeadlineIo<I> {
    io: I,
    deadlines: ConnectionDeadlines,
    timer: Pin<Box<Sleep>>,
    /// The waker the timer will wake, once it has one.
    registered: Option<Waker>,
    /// Written since the last completed flush.
    wrote: bool,
    seen: Counts,
    seen_changes: u32,
    requests: Arc<Requests>,
}

impl<I> DeadlineIo<I> {
    /// Applies the requests begun and ended since the last look. Called
    /// before writes (an answer is written right after it is ready) and
    /// before the timer is looked at.
    fn catch_up(&mut self) {
        let changes = self.requests.changes.load(Relaxed);
        if changes == self.seen_changes {
            return;
        }
        self.seen_changes = changes;
        let now = self.requests.counts();
        let http2 = self.requests.http2.load(Relaxed);
        for _ in 0..now.began.wrapping_sub(self.seen.began) {
            self.deadlines.request_began(http2);
        }
        if now.abandoned != self.seen.abandoned || now.answered != self.seen.answered {
            let at = Instant::now();
            for _ in 0..now.abandoned.wrapping_sub(self.seen.abandoned) {
                self.deadlines.request_abandoned(at);
            }
            for _ in 0..now.answered.wrapping_sub(self.seen.answered) {
                self.deadlines.answered(at);
            }
        }
        self.seen = now;
    }

    /// The stream has to wait: makes sure the timer will wake this task,
    /// and applies it if it fired; `Err` when a deadline passed.
    fn wait(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        self.catch_up();
        loop {
            let waker = cx.waker();
            if self.registered.as_ref().is_some_and(|w| w.will_wake(waker)) {
                if !self.timer.is_elapsed() {
                    return Ok(());
                }
            } else {
                // Out of tokio's cooperative budget, a poll returns before
                // it registers the waker: then look again next time.
                let registers = tokio::task::coop::has_budget_remaining();
                if self.timer.as_mut().poll(cx).is_pending() {
                    if registers {
                        self.registered = Some(waker.clone());
                    }
                    return Ok(());
                }
            }
            // Fired: its waker is spent, and it is set again unless a
            // deadline passed.
            self.registered = None;
            self.deadlines
                .fired(Instant::now())
                .map_err(|expired| io::Error::new(io::ErrorKind::TimedOut, expired))?;
            if let Some(at) = self.deadlines.take_timer() {
                self.timer.as_mut().reset(at.into());
            }
        }
    }

    /// Applies what a write did.
    fn after_write(
        &mut self,
        cx: &mut Context<'_>,
        polled: &Poll<io::Result<usize>>,
    ) -> io::Result<()> {
        match polled {
            Poll::Ready(Ok(n)) if *n > 0 => self.wrote = true,
            Poll::Pending => self.wait(cx)?,
            _ => {}
        }
        Ok(())
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for DeadlineIo<I> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let filled = buf.filled().len();
        let polled = Pin::new(&mut this.io).poll_read(cx, buf);
        match polled {
            Poll::Ready(Ok(())) if buf.filled().len() > filled => {
                this.deadlines.received(Instant::now);
            }
            Poll::Pending => this.wait(cx)?,
            _ => {}
        }
        polled
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for DeadlineIo<I> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.catch_up();
        let polled = Pin::new(&mut this.io).poll_write(cx, buf);
        this.after_write(cx, &polled)?;
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.catch_up();
        let polled = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.after_write(cx, &polled)?;
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.catch_up();
        let polled = Pin::new(&mut this.io).poll_flush(cx);
        match polled {
            Poll::Ready(Ok(())) if this.wrote => {
                this.wrote = false;
                this.deadlines.flushed();
            }
            Poll::Pending => this.wait(cx)?,
            _ => {}
        }
        polled
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// A connection's hyper service under [`with_deadlines`]: counts each
/// request's start and end for the stream.
pub struct DeadlineService<S> {
    service: S,
    requests: Arc<Requests>,
}

impl<S, B> Service<http::Request<B>> for DeadlineService<S>
where
    S: Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = DeadlineFuture<S::Future>;

    fn call(&self, request: http::Request<B>) -> Self::Future {
        if request.version() == http::Version::HTTP_2 {
            self.requests.http2.store(true, Relaxed);
        }
        self.requests.bump(&self.requests.began);
        DeadlineFuture {
            inner: self.service.call(request),
            requests: Some(Arc::clone(&self.requests)),
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's answer under [`with_deadlines`].
    pub struct DeadlineFuture<F> {
        #[pin]
        inner: F,
        // Taken when the answer is ready; still here when dropped before.
        requests: Option<Arc<Requests>>,
    }

    impl<F> PinnedDrop for DeadlineFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            if let Some(requests) = this.project().requests.take() {
                requests.bump(&requests.abandoned);
            }
        }
    }
}

impl<F: Future> Future for DeadlineFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let answer = std::task::ready!(this.inner.poll(cx));
        if let Some(requests) = this.requests.take() {
            requests.bump(&requests.answered);
        }
        Poll::Ready(answer)
    }
}
