//! [`Smol`]: the runtime calls of the shared driver on smol.

use std::future::Future;
use std::io;
use std::path::Path;
use std::time::Instant;

use transport_driver::{BoxIo, Runtime, StdListener};

use crate::alarm::Alarm;

/// smol: its global executor, async-io timers and blocking's pool.
#[derive(Clone, Copy, Debug, Default)]
pub struct Smol;

/// A listener in smol's form.
#[derive(Debug)]
pub enum Listener {
    /// TCP.
    Tcp(smol::net::TcpListener),
    /// A unix socket.
    #[cfg(unix)]
    Unix(smol::net::unix::UnixListener),
}

impl Runtime for Smol {
    type Listener = Listener;
    type Timer = Alarm;

    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        crate::workers::spawn(future);
    }

    fn spawn_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = Option<T>> + Send {
        let task = smol::unblock(work);
        async move { Some(task.await) }
    }

    fn sleep_until(&self, deadline: Instant) -> impl Future<Output = ()> + Send {
        let timer = smol::Timer::at(deadline);
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
        let tcp = smol::net::TcpStream::connect((host, port)).await?;
        tcp.set_nodelay(true)?;
        Ok(Box::new(tcp))
    }

    #[cfg(not(unix))]
    async fn connect_unix(&self, _path: &Path) -> io::Result<BoxIo> {
        Err(io::ErrorKind::Unsupported.into())
    }

    #[cfg(unix)]
    async fn connect_unix(&self, path: &Path) -> io::Result<BoxIo> {
        Ok(Box::new(smol::net::unix::UnixStream::connect(path).await?))
    }

    fn listen(&self, listener: StdListener) -> io::Result<Listener> {
        Ok(match listener {
            StdListener::Tcp(l) => Listener::Tcp(smol::net::TcpListener::try_from(l)?),
            #[cfg(unix)]
            StdListener::Unix(l) => Listener::Unix(smol::net::unix::UnixListener::try_from(l)?),
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
    smol::block_on(future)
}
