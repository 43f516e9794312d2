//! The async-std runtime: its sockets implement `futures-io` directly.

use std::future::Future;
use std::io;
use std::time::Instant;

pub(crate) use async_std::net::{TcpListener, TcpStream};
pub(crate) use async_std::os::unix::net::{UnixListener, UnixStream};

/// Runs `fut` in the background on async-std's executor.
pub(crate) fn spawn(fut: impl Future<Output = ()> + Send + 'static) {
    drop(async_std::task::spawn(fut));
}

/// Runs a blocking closure on async-std's blocking pool.
pub(crate) async fn unblock<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    async_std::task::spawn_blocking(f).await
}

/// Sleeps until `deadline`.
pub(crate) async fn sleep_until(deadline: Instant) {
    let now = Instant::now();
    if deadline > now {
        async_std::task::sleep(deadline - now).await;
    }
}

/// Wraps a bound std TCP listener.
pub(crate) fn tcp_listener(l: std::net::TcpListener) -> io::Result<TcpListener> {
    l.set_nonblocking(true)?;
    Ok(TcpListener::from(l))
}

/// Wraps a bound std unix listener.
pub(crate) fn unix_listener(l: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
    l.set_nonblocking(true)?;
    Ok(UnixListener::from(l))
}

/// Runs a future to completion on this thread (examples and tests).
pub fn block_on<T>(fut: impl Future<Output = T>) -> T {
    async_std::task::block_on(fut)
}
