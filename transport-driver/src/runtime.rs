//! [`Runtime`]: the few things the async driver needs from an executor.
//!
//! Everything else in this crate is written against `futures-io` and this
//! trait, so one client and one server run on tokio, smol and async-std
//! alike (quinn keeps one driver over a small runtime trait the same way).

use std::future::Future;
use std::io;
use std::path::Path;
use std::time::Instant;

use futures_lite::io::{AsyncRead, AsyncWrite};

/// A byte stream the driver can use: a TCP or unix socket, maybe under TLS.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A boxed stream, so TCP, unix and TLS share one driver.
pub type BoxIo = Box<dyn Io>;

/// A listening socket bound outside any runtime, handed to
/// [`Runtime::listen`] when serving starts.
#[derive(Debug)]
pub enum StdListener {
    /// TCP.
    Tcp(std::net::TcpListener),
    /// A unix socket.
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixListener),
}

/// An executor with I/O and timers: spawn, spawn blocking work, sleep,
/// connect and accept. Implemented by `transport-tokio` and `transport-smol`.
pub trait Runtime: Clone + Default + Send + Sync + 'static {
    /// A listening socket in this runtime's form.
    type Listener: Send + Sync + 'static;

    /// Runs `future` in the background.
    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static);

    /// Runs blocking `work` on the runtime's blocking pool, never on its
    /// executor threads; `None` if the pool dropped it (runtime shutdown).
    fn spawn_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = Option<T>> + Send;

    /// A timer that can be moved: one per connection, so a request does
    /// not register and drop a timer of its own.
    type Timer: Future<Output = ()> + Send + Unpin;

    /// Completes at `deadline`.
    fn sleep_until(&self, deadline: Instant) -> impl Future<Output = ()> + Send;

    /// A timer that completes at `deadline`.
    fn timer(&self, deadline: Instant) -> Self::Timer;

    /// Moves `timer` to complete at `deadline` instead (also after it fired).
    fn reset(timer: &mut Self::Timer, deadline: Instant);

    /// Opens a TCP connection (Nagle off: requests and answers are written
    /// whole).
    fn connect_tcp(&self, host: &str, port: u16) -> impl Future<Output = io::Result<BoxIo>> + Send;

    /// Opens a unix socket connection.
    fn connect_unix(&self, path: &Path) -> impl Future<Output = io::Result<BoxIo>> + Send;

    /// Takes over a bound listener (must be called inside the runtime).
    fn listen(&self, listener: StdListener) -> io::Result<Self::Listener>;

    /// Accepts one connection, with its peer address as text (`None` for an
    /// unnamed unix peer).
    fn accept(
        listener: &Self::Listener,
    ) -> impl Future<Output = io::Result<(BoxIo, Option<String>)>> + Send;
}

/// Runs `future` until `deadline`; `None` when the deadline came first.
pub(crate) async fn until<R: Runtime, T>(
    rt: &R,
    deadline: Instant,
    future: impl Future<Output = T>,
) -> Option<T> {
    futures_lite::future::or(async { Some(future.await) }, async {
        rt.sleep_until(deadline).await;
        None
    })
    .await
}
