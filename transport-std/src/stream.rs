//! [`Socket`]: a connected stream (TCP or unix, maybe under TLS) with the
//! steps every drain loop needs: write by a deadline, read until one.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use socket2::SockRef;
use xmlrpc_proto::http::{is_disconnect, Input};

/// A socket handle by its platform name: a file descriptor on unix, a
/// `SOCKET` on windows.
#[cfg(unix)]
pub(crate) use std::os::fd::{
    AsFd as AsSocket, BorrowedFd as BorrowedSocket, OwnedFd as OwnedSocket,
};
#[cfg(windows)]
pub(crate) use std::os::windows::io::{AsSocket, BorrowedSocket, OwnedSocket};

/// Borrows the socket handle of `s`, whatever the platform calls it.
fn handle(s: &impl AsSocket) -> BorrowedSocket<'_> {
    #[cfg(unix)]
    return s.as_fd();
    #[cfg(windows)]
    return s.as_socket();
}

/// A connected stream: a TCP or unix socket, or TLS over one.
pub(crate) trait Io: Read + Write + Send {
    /// The socket underneath, for its timeouts and shutdown.
    fn socket(&self) -> BorrowedSocket<'_>;
    /// One step of a TLS handshake under way; `None` once there is none.
    #[cfg(feature = "tls")]
    fn handshake_step(&mut self) -> Option<io::Result<()>> {
        None
    }
}

/// A connection's stream, its read buffer and the socket timeouts in force.
pub(crate) struct Socket {
    io: Box<dyn Io>,
    buf: Box<[u8]>,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl Io for TcpStream {
    fn socket(&self) -> BorrowedSocket<'_> {
        handle(self)
    }
}

#[cfg(unix)]
impl Io for UnixStream {
    fn socket(&self) -> BorrowedSocket<'_> {
        handle(self)
    }
}

#[cfg(feature = "tls")]
impl<C, S> Io for rustls::StreamOwned<C, Box<dyn Io>>
where
    Self: Read + Write + Send,
    C: std::ops::DerefMut + std::ops::Deref<Target = rustls::ConnectionCommon<S>>,
    S: rustls::SideData,
{
    fn socket(&self) -> BorrowedSocket<'_> {
        self.sock.socket()
    }

    fn handshake_step(&mut self) -> Option<io::Result<()>> {
        let handshaking = self.conn.is_handshaking();
        handshaking.then(|| self.conn.complete_io(&mut self.sock).map(drop))
    }
}

/// Shuts a socket down; a thread blocked reading it wakes.
pub(crate) fn shutdown(socket: &impl AsSocket, how: Shutdown) {
    let _ = SockRef::from(socket).shutdown(how);
}

impl Socket {
    pub(crate) fn new(io: Box<dyn Io>) -> Socket {
        Socket {
            io,
            buf: vec![0; 16 * 1024].into_boxed_slice(),
            read_timeout: None,
            write_timeout: None,
        }
    }

    /// Writes `bytes` whole, or fails with `TimedOut` once `deadline` passed.
    pub(crate) fn send(&mut self, mut bytes: &[u8], deadline: Option<Instant>) -> io::Result<()> {
        loop {
            let left = time_left(deadline)?;
            set_near(self.io.socket(), false, &mut self.write_timeout, left)?;
            let step = match bytes {
                [] => self.io.flush().map(|()| 0),
                _ => self.io.write(bytes),
            };
            match step {
                Ok(0) if bytes.is_empty() => return Ok(()),
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => bytes = &bytes[n..],
                // Early (a reused timeout) or interrupted: the deadline decides.
                Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads once, until `deadline` at most, and gives what happened as the
    /// machine's next input: bytes, the end of input (a reset is one too),
    /// or a tick. Other failures are errors.
    pub(crate) fn receive(&mut self, deadline: Option<Instant>) -> io::Result<Input<'_>> {
        let left = match time_left(deadline) {
            Ok(left) => left,
            Err(_) => return Ok(Input::Tick(Instant::now())),
        };
        set_near(self.io.socket(), true, &mut self.read_timeout, left)?;
        let read = self.io.read(&mut self.buf);
        let now = Instant::now();
        match read {
            Ok(0) => Ok(Input::Eof(now)),
            Ok(n) => Ok(Input::Data(now, &self.buf[..n])),
            Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {
                Ok(Input::Tick(now))
            }
            Err(e) if is_disconnect(&e) => Ok(Input::Eof(now)),
            Err(e) => Err(e),
        }
    }

    /// Completes a TLS handshake (nothing on a plain socket), failing with
    /// `TimedOut` once `deadline` passed.
    #[cfg(feature = "tls")]
    pub(crate) fn handshake(&mut self, deadline: Instant) -> io::Result<()> {
        loop {
            let left = time_left(Some(deadline))?;
            set_near(self.io.socket(), true, &mut self.read_timeout, left)?;
            set_near(self.io.socket(), false, &mut self.write_timeout, left)?;
            match self.io.handshake_step() {
                None => return Ok(()),
                Some(Err(e)) if !is_timeout(&e) && e.kind() != io::ErrorKind::Interrupted => {
                    return Err(e)
                }
                Some(_) => {}
            }
        }
    }
}

/// Time left until `deadline` (`None`: no deadline); `TimedOut` when none is.
fn time_left(deadline: Option<Instant>) -> io::Result<Option<Duration>> {
    match deadline.map(|d| d.saturating_duration_since(Instant::now())) {
        Some(Duration::ZERO) => Err(io::ErrorKind::TimedOut.into()),
        left => Ok(left),
    }
}

/// Sets a socket timeout to about `want`, skipping the system call when the
/// one in force (`have`) is close enough: at most 5 ms past it (a deadline
/// is never overshot by more) and at least half of it (an early wake-up is
/// retried by the caller, never taken for the deadline).
fn set_near(
    socket: BorrowedSocket<'_>,
    read: bool,
    have: &mut Option<Duration>,
    want: Option<Duration>,
) -> io::Result<()> {
    let close_enough = match (*have, want) {
        (None, None) => true,
        (Some(have), Some(want)) => {
            have <= want.saturating_add(Duration::from_millis(5)) && have >= want / 2
        }
        _ => false,
    };
    if !close_enough {
        // A zero timeout means "forever" to std: never pass one.
        let want = want.map(|t| t.max(Duration::from_millis(1)));
        let socket = SockRef::from(&socket);
        match read {
            true => socket.set_read_timeout(want)?,
            false => socket.set_write_timeout(want)?,
        }
        *have = want;
    }
    Ok(())
}

/// True for the errors a socket timeout produces.
fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
