//! [`AsyncStd`]: the runtime calls of the shared driver on async-std.

use std::future::Future;
use std::io;
use std::path::Path;
use std::time::Instant;

use transport_driver::{BoxIo, Runtime, StdListener};

use crate::alarm::Alarm;

/// async-std: its executor, sockets and blocking pool (timers from async-io,
/// which async-std runs on).
#[derive(Clone, Copy, Debug, Default)]
pub struct AsyncStd;

/// A listener in async-std's form.
#[derive(Debug)]
pub enum Listener {
    /// TCP.
    Tcp(async_std::net::TcpListener),
    /// A unix socket.
    #[cfg(unix)]
    Unix(async_std::os::unix::net::UnixListener),
}

impl Runtime for AsyncStd {
    type Listener = Listener;
    type Timer = Alarm;

    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        drop(async_std::task::spawn(future));
    }

    fn spawn_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = Option<T>> + Send {
        let task = async_std::task::spawn_blocking(work);
        async move { Some(task.await) }
    }

    fn sleep_until(&self, deadline: Instant) -> impl Future<Output = ()> + Send {
        let timer = async_io::Timer::at(deadline);
        async move {
            timer.await;
        }
    }

    fn timer(&self, deadline: Instant) -> Alarm {
        Alarm::at(deadline)
    }

    fn reset(timer: &mut Alarm, deadline: Instant) {
        timer.set_at(deadline);
    }

    async fn connect_tcp(&self, host: &str, port: u16) -> io::Result<BoxIo> {
        let tcp = async_std::net::TcpStream::connect((host, port)).await?;
        tcp.set_nodelay(true)?;
        Ok(Box::new(tcp))
    }

    #[cfg(not(unix))]
    async fn connect_unix(&self, _path: &Path) -> io::Result<BoxIo> {
        Err(io::ErrorKind::Unsupported.into())
    }

    #[cfg(unix)]
    async fn connect_unix(&self, path: &Path) -> io::Result<BoxIo> {
        let unix = async_std::os::unix::net::UnixStream::connect(path).await?;
        Ok(Box::new(unix))
    }

    fn listen(&self, listener: StdListener) -> io::Result<Listener> {
        Ok(match listener {
            StdListener::Tcp(l) => {
                l.set_nonblocking(true)?;
                Listener::Tcp(async_std::net::TcpListener::from(l))
            }
            #[cfg(unix)]
            StdListener::Unix(l) => {
                l.set_nonblocking(true)?;
                Listener::Unix(async_std::os::unix::net::UnixListener::from(l))
            }
        })
    }

    async fn accept(listener: &Listener) -> io::Result<(BoxIo, Option<String>)> {
        match listener {
            Listener::Tcp(l) => {
                let (tcp, peer) = l.accept().await?;
                tcp.set_nodelay(true)?;
                Ok((Box::new(tcp), Some(peer.to_string())))
            }
            #[cfg(unix)]
            Listener::Unix(l) => Ok((Box::new(l.accept().await?.0), None)),
        }
    }
}

/// Runs a future to completion on this thread (examples and tests).
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    async_std::task::block_on(future)
}
