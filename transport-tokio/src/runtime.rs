//! [`Tokio`]: the runtime calls of the shared driver, done tokio's way.

use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::time::Instant;

use tokio_util::compat::TokioAsyncReadCompatExt;
use transport_driver::{BoxIo, Runtime, StdListener};

/// The tokio runtime (the one the calling task runs on).
#[derive(Clone, Copy, Debug, Default)]
pub struct Tokio;

/// A listener in tokio's form.
#[derive(Debug)]
pub enum Listener {
    /// TCP.
    Tcp(tokio::net::TcpListener),
    /// A unix socket.
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
}

impl Runtime for Tokio {
    type Listener = Listener;
    type Timer = Pin<Box<tokio::time::Sleep>>;

    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        tokio::spawn(future);
    }

    fn spawn_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = Option<T>> + Send {
        let task = tokio::task::spawn_blocking(work);
        async move { task.await.ok() }
    }

    fn sleep_until(&self, deadline: Instant) -> impl Future<Output = ()> + Send {
        tokio::time::sleep_until(deadline.into())
    }

    fn timer(&self, deadline: Instant) -> Self::Timer {
        Box::pin(tokio::time::sleep_until(deadline.into()))
    }

    fn reset(timer: &mut Self::Timer, deadline: Instant) {
        timer.as_mut().reset(deadline.into());
    }

    async fn connect_tcp(&self, host: &str, port: u16) -> io::Result<BoxIo> {
        let tcp = tokio::net::TcpStream::connect((host, port)).await?;
        tcp.set_nodelay(true)?;
        Ok(Box::new(tcp.compat()))
    }

    #[cfg(unix)]
    async fn connect_unix(&self, path: &Path) -> io::Result<BoxIo> {
        Ok(Box::new(
            tokio::net::UnixStream::connect(path).await?.compat(),
        ))
    }

    #[cfg(not(unix))]
    async fn connect_unix(&self, _path: &Path) -> io::Result<BoxIo> {
        Err(io::ErrorKind::Unsupported.into())
    }

    fn listen(&self, listener: StdListener) -> io::Result<Listener> {
        Ok(match listener {
            StdListener::Tcp(l) => {
                l.set_nonblocking(true)?;
                Listener::Tcp(tokio::net::TcpListener::from_std(l)?)
            }
            #[cfg(unix)]
            StdListener::Unix(l) => {
                l.set_nonblocking(true)?;
                Listener::Unix(tokio::net::UnixListener::from_std(l)?)
            }
        })
    }

    async fn accept(listener: &Listener) -> io::Result<(BoxIo, Option<String>)> {
        match listener {
            Listener::Tcp(l) => {
                let (tcp, peer) = l.accept().await?;
                // Answers go out whole; Nagle would only add latency.
                tcp.set_nodelay(true)?;
                Ok((Box::new(tcp.compat()), Some(peer.to_string())))
            }
            #[cfg(unix)]
            Listener::Unix(l) => {
                let (unix, _) = l.accept().await?;
                // Unix peers are usually unnamed.
                Ok((Box::new(unix.compat()), None))
            }
        }
    }
}
