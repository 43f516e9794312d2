//! The runtime seam: spawning, sleeping, blocking work and sockets.
//!
//! Everything else in the crate is written against `futures-io` and these few
//! functions, so one driver runs on smol and on async-std. Each runtime has
//! one file with the same items; `async-std` wins when both features are on.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Instant;

use futures_lite::io::{AsyncRead, AsyncWrite};

#[cfg(feature = "async-std")]
mod async_std_rt;
#[cfg(feature = "async-std")]
pub use async_std_rt::block_on;
#[cfg(feature = "async-std")]
pub(crate) use async_std_rt::*;

#[cfg(all(feature = "smol", not(feature = "async-std")))]
mod smol_rt;
#[cfg(all(feature = "smol", not(feature = "async-std")))]
pub use smol_rt::block_on;
#[cfg(all(feature = "smol", not(feature = "async-std")))]
pub(crate) use smol_rt::*;

#[cfg(not(any(feature = "smol", feature = "async-std")))]
compile_error!("transport-smol needs a runtime: enable the `smol` or the `async-std` feature");

/// A byte stream the drivers can use: a TCP or unix socket, maybe under TLS.
pub(crate) trait Io: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A boxed stream, so TCP, unix and TLS share one driver.
pub(crate) type BoxIo = Box<dyn Io>;

/// Sleeps until `deadline`, or forever when there is none.
pub(crate) async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(d) => sleep_until(d).await,
        None => futures_lite::future::pending().await,
    }
}

/// Runs `fut` until `deadline`; `None` when the deadline passed first.
pub(crate) async fn with_deadline<T>(
    deadline: Option<Instant>,
    fut: impl Future<Output = T>,
) -> Option<T> {
    futures_lite::future::or(async { Some(fut.await) }, async {
        sleep_until_opt(deadline).await;
        None
    })
    .await
}

/// Opens a TCP connection with Nagle off (requests go out in one write).
pub(crate) async fn connect_tcp(host: &str, port: u16) -> io::Result<TcpStream> {
    let stream = TcpStream::connect((host, port)).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Opens a unix socket connection.
pub(crate) async fn connect_unix(path: &str) -> io::Result<BoxIo> {
    Ok(Box::new(UnixStream::connect(path).await?))
}

/// A listening socket of either family.
pub(crate) enum Listener {
    /// TCP.
    Tcp(TcpListener),
    /// A unix socket and its path (the peer name of what it accepts).
    Unix(UnixListener, String),
}

impl Listener {
    /// Wraps a bound std TCP listener.
    pub(crate) fn from_tcp(l: std::net::TcpListener) -> io::Result<Self> {
        Ok(Listener::Tcp(tcp_listener(l)?))
    }

    /// Wraps a bound std unix listener.
    pub(crate) fn from_unix(l: std::os::unix::net::UnixListener, path: &Path) -> io::Result<Self> {
        let path = path.display().to_string();
        Ok(Listener::Unix(unix_listener(l)?, path))
    }

    /// The bound TCP address, if TCP.
    pub(crate) fn tcp_addr(&self) -> Option<SocketAddr> {
        match self {
            Listener::Tcp(l) => l.local_addr().ok(),
            Listener::Unix(..) => None,
        }
    }

    /// Accepts one connection, with its peer address as text.
    pub(crate) async fn accept(&self) -> io::Result<(BoxIo, String)> {
        match self {
            Listener::Tcp(l) => {
                let (s, peer) = l.accept().await?;
                // Responses go out in one write; Nagle would only add latency.
                s.set_nodelay(true)?;
                Ok((Box::new(s), peer.to_string()))
            }
            Listener::Unix(l, path) => {
                let (s, _) = l.accept().await?;
                Ok((Box::new(s), path.clone()))
            }
        }
    }
}

/// True when a failed `accept` is about the server (out of descriptors, say)
/// rather than one peer giving up: the accept loop pauses before retrying.
pub(crate) fn accept_error_needs_backoff(e: &io::Error) -> bool {
    !matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}
