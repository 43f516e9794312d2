//! The smol runtime: async-net sockets, async-io timers, blocking's pool.

use std::future::Future;
use std::io;
use std::time::Instant;

pub(crate) use smol::net::unix::{UnixListener, UnixStream};
pub(crate) use smol::net::{TcpListener, TcpStream};

/// Runs `fut` in the background on smol's global executor.
pub(crate) fn spawn(fut: impl Future<Output = ()> + Send + 'static) {
    smol::spawn(fut).detach();
}

/// Runs a blocking closure on smol's thread pool.
pub(crate) async fn unblock<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    smol::unblock(f).await
}

/// Sleeps until `deadline`.
pub(crate) async fn sleep_until(deadline: Instant) {
    smol::Timer::at(deadline).await;
}

/// Wraps a bound std TCP listener.
pub(crate) fn tcp_listener(l: std::net::TcpListener) -> io::Result<TcpListener> {
    TcpListener::try_from(l)
}

/// Wraps a bound std unix listener.
pub(crate) fn unix_listener(l: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
    UnixListener::try_from(l)
}

/// Runs a future to completion on this thread (examples and tests).
pub fn block_on<T>(fut: impl Future<Output = T>) -> T {
    smol::block_on(fut)
}
