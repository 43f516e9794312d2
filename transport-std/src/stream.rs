//! [`Stream`]: the one byte pipe both sides use, whatever the socket.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

/// A connected socket: TCP, unix, or TLS over TCP.
pub(crate) enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
    #[cfg(feature = "tls")]
    TlsClient(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
    #[cfg(feature = "tls")]
    TlsServer(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Stream {
    /// Bounds the next blocking reads; `None` blocks forever.
    pub(crate) fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        // A zero timeout means "forever" to std; never pass one.
        let timeout = timeout.map(|t| t.max(Duration::from_millis(1)));
        match self {
            Stream::Tcp(s) => s.set_read_timeout(timeout),
            Stream::Unix(s) => s.set_read_timeout(timeout),
            #[cfg(feature = "tls")]
            Stream::TlsClient(s) => s.sock.set_read_timeout(timeout),
            #[cfg(feature = "tls")]
            Stream::TlsServer(s) => s.sock.set_read_timeout(timeout),
        }
    }

    /// Bounds every blocking write.
    pub(crate) fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        let timeout = timeout.map(|t| t.max(Duration::from_millis(1)));
        match self {
            Stream::Tcp(s) => s.set_write_timeout(timeout),
            Stream::Unix(s) => s.set_write_timeout(timeout),
            #[cfg(feature = "tls")]
            Stream::TlsClient(s) => s.sock.set_write_timeout(timeout),
            #[cfg(feature = "tls")]
            Stream::TlsServer(s) => s.sock.set_write_timeout(timeout),
        }
    }

    /// Closes both directions (TLS sends its close_notify first).
    pub(crate) fn close(&mut self) {
        self.shutdown(Shutdown::Both);
    }

    /// Closes our sending side, then reads and drops what the peer still
    /// sends for up to `linger`, so that closing with unread input (a 413
    /// before the body) does not reset the connection and destroy the
    /// answer on its way.
    pub(crate) fn close_lingering(&mut self, linger: Duration) {
        self.shutdown(Shutdown::Write);
        let end = Instant::now() + linger;
        let mut sink = [0u8; 4096];
        loop {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() || self.set_read_timeout(Some(left)).is_err() {
                break;
            }
            match self.read(&mut sink) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        self.shutdown(Shutdown::Both);
    }

    fn shutdown(&mut self, how: Shutdown) {
        let _ = self.flush();
        let _ = match self {
            Stream::Tcp(s) => s.shutdown(how),
            Stream::Unix(s) => s.shutdown(how),
            #[cfg(feature = "tls")]
            Stream::TlsClient(s) => {
                s.conn.send_close_notify();
                let _ = s.flush();
                s.sock.shutdown(how)
            }
            #[cfg(feature = "tls")]
            Stream::TlsServer(s) => {
                s.conn.send_close_notify();
                let _ = s.flush();
                s.sock.shutdown(how)
            }
        };
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
            #[cfg(feature = "tls")]
            Stream::TlsClient(s) => s.read(buf),
            #[cfg(feature = "tls")]
            Stream::TlsServer(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
            #[cfg(feature = "tls")]
            Stream::TlsClient(s) => s.write(buf),
            #[cfg(feature = "tls")]
            Stream::TlsServer(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            Stream::Unix(s) => s.flush(),
            #[cfg(feature = "tls")]
            Stream::TlsClient(s) => s.flush(),
            #[cfg(feature = "tls")]
            Stream::TlsServer(s) => s.flush(),
        }
    }
}

/// True for the errors a read or write timeout produces.
pub(crate) fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// How far past a deadline a reused read timeout may reach.
const TIMEOUT_SLACK: Duration = Duration::from_millis(5);

/// Sets `stream`'s read timeout to about `want`, skipping the system call
/// when the one in force (`current`) is close enough: at most `want` plus
/// a few milliseconds (a deadline is never overshot by more) and at least
/// half of it (so waits do not turn into a busy loop).
pub(crate) fn set_read_timeout_near(
    stream: &Stream,
    current: &mut Option<Duration>,
    want: Option<Duration>,
) -> io::Result<()> {
    let close_enough = match (*current, want) {
        (None, None) => true,
        (Some(have), Some(want)) => have <= want + TIMEOUT_SLACK && have >= want / 2,
        _ => false,
    };
    if !close_enough {
        stream.set_read_timeout(want)?;
        *current = want;
    }
    Ok(())
}
