//! [`ReadyIo`]: a connection's socket as the event loop uses it:
//! non-blocking reads and writes (TLS included) that remember what the
//! last readiness event allowed, so a wait never needs a system call to
//! find out there is nothing to do.

use std::io::{self, IoSlice, Read, Write};

use bytes::{Buf, Bytes};
use mio::event::Source;
use mio::{Interest, Registry, Token};

/// A non-blocking TCP or unix socket.
pub(crate) enum Stream {
    Tcp(mio::net::TcpStream),
    #[cfg(unix)]
    Unix(mio::net::UnixStream),
}

impl Write for Stream {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(bytes),
            #[cfg(unix)]
            Stream::Unix(s) => s.write(bytes),
        }
    }

    fn write_vectored(&mut self, slices: &[IoSlice<'_>]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write_vectored(slices),
            #[cfg(unix)]
            Stream::Unix(s) => s.write_vectored(slices),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.read(buf),
        }
    }
}

/// What a read found.
pub(crate) enum Got {
    /// This many bytes, at the start of the buffer.
    Data(usize),
    /// The peer finished sending (a reset counts too).
    Eof,
    /// Nothing yet: wait for the next readiness event.
    Nothing,
}

/// A connection's stream and what the poller last said of it.
pub(crate) struct ReadyIo {
    stream: Stream,
    #[cfg(feature = "tls")]
    tls: Option<Box<rustls::ServerConnection>>,
    /// A read may find bytes (or the end); cleared when one finds none.
    readable: bool,
    /// A write may go through; cleared when one would block.
    writable: bool,
}

impl ReadyIo {
    /// Wraps a socket already made non-blocking; a new socket may be read
    /// and written until it says otherwise.
    pub(crate) fn new(stream: Stream) -> ReadyIo {
        ReadyIo {
            stream,
            #[cfg(feature = "tls")]
            tls: None,
            readable: true,
            writable: true,
        }
    }

    /// Serves TLS over the socket with `session`.
    #[cfg(feature = "tls")]
    pub(crate) fn with_tls(mut self, session: rustls::ServerConnection) -> ReadyIo {
        self.tls = Some(Box::new(session));
        self
    }

    /// Registers for read and write readiness, edge-triggered, once for the
    /// connection's life.
    pub(crate) fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        let interest = Interest::READABLE | Interest::WRITABLE;
        match &mut self.stream {
            Stream::Tcp(s) => s.register(registry, token, interest),
            #[cfg(unix)]
            Stream::Unix(s) => s.register(registry, token, interest),
        }
    }

    /// Stops watching the socket (before it closes: a duplicate of its
    /// descriptor, the admission's handle, would keep it registered).
    pub(crate) fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        match &mut self.stream {
            Stream::Tcp(s) => s.deregister(registry),
            #[cfg(unix)]
            Stream::Unix(s) => s.deregister(registry),
        }
    }

    /// Takes in a readiness event.
    pub(crate) fn ready(&mut self, event: &mio::event::Event) {
        if event.is_readable() || event.is_read_closed() || event.is_error() {
            self.readable = true;
        }
        if event.is_writable() || event.is_write_closed() || event.is_error() {
            self.writable = true;
        }
    }

    /// True while a TLS handshake is under way.
    pub(crate) fn handshaking(&self) -> bool {
        #[cfg(feature = "tls")]
        if let Some(tls) = &self.tls {
            return tls.is_handshaking();
        }
        false
    }

    /// Reads what is there into `buf`, without blocking.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> io::Result<Got> {
        #[cfg(feature = "tls")]
        if self.tls.is_some() {
            return self.read_tls(buf);
        }
        self.read_plain(buf)
    }

    fn read_plain(&mut self, buf: &mut [u8]) -> io::Result<Got> {
        if !self.readable {
            return Ok(Got::Nothing);
        }
        let mut read = self.stream.read(buf);
        while read
            .as_ref()
            .is_err_and(|e| e.kind() == io::ErrorKind::Interrupted)
        {
            read = self.stream.read(buf);
        }
        match read {
            Ok(0) => Ok(Got::Eof),
            Ok(n) => {
                // Edge-triggered epoll and kqueue signal every arrival, so a
                // read that did not fill the buffer emptied the socket (as
                // tokio assumes): the next one waits for an event instead of
                // a system call to learn there is nothing.
                if cfg!(unix) && n < buf.len() {
                    self.readable = false;
                }
                Ok(Got::Data(n))
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.readable = false;
                Ok(Got::Nothing)
            }
            Err(e) if xmlrpc_proto::http::is_disconnect(&e) => Ok(Got::Eof),
            Err(e) => Err(e),
        }
    }

    /// Plain-text bytes TLS already decrypted, else more records from the
    /// socket (answering what TLS asks on the way, a key update say).
    #[cfg(feature = "tls")]
    fn read_tls(&mut self, buf: &mut [u8]) -> io::Result<Got> {
        let mut ended = false;
        loop {
            let Some(tls) = self.tls.as_mut() else {
                return Ok(Got::Nothing);
            };
            match tls.reader().read(buf) {
                Ok(0) => return Ok(Got::Eof),
                Ok(n) => return Ok(Got::Data(n)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                // The peer closed without close_notify.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(Got::Eof),
                Err(e) => return Err(e),
            }
            if ended {
                return Ok(Got::Eof);
            }
            match self.records_in()? {
                Some(Got::Nothing) => return Ok(Got::Nothing),
                Some(Got::Eof) => return Ok(Got::Eof),
                // The end: the reader above tells how it came.
                None => ended = true,
                Some(Got::Data(_)) => {}
            }
        }
    }

    /// Advances a TLS handshake as far as the socket allows: `Ok(true)`
    /// once it is done, `Ok(false)` to wait for the next event.
    pub(crate) fn handshake(&mut self) -> io::Result<bool> {
        #[cfg(feature = "tls")]
        loop {
            if !self.write_tls()? {
                return Ok(false);
            }
            if !self.handshaking() {
                return Ok(true);
            }
            match self.records_in()? {
                Some(Got::Nothing) => return Ok(false),
                Some(Got::Eof) | None => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the peer left during the TLS handshake",
                    ))
                }
                Some(Got::Data(_)) => {}
            }
        }
        #[cfg(not(feature = "tls"))]
        Ok(true)
    }

    /// Reads TLS records from the socket and processes them: `Data` when
    /// some came, `None` at the end of the stream (TLS then knows how it
    /// ended), `Eof` for a reset, `Nothing` when the socket is empty.
    #[cfg(feature = "tls")]
    fn records_in(&mut self) -> io::Result<Option<Got>> {
        let Some(tls) = self.tls.as_mut() else {
            return Ok(Some(Got::Nothing));
        };
        if !self.readable {
            return Ok(Some(Got::Nothing));
        }
        let read = tls.read_tls(&mut self.stream);
        let got = match read {
            Ok(0) => None,
            Ok(n) => Some(Got::Data(n)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.readable = false;
                return Ok(Some(Got::Nothing));
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Some(Got::Data(0)),
            Err(e) if xmlrpc_proto::http::is_disconnect(&e) => return Ok(Some(Got::Eof)),
            Err(e) => return Err(e),
        };
        let processed = tls.process_new_packets();
        // Handshake messages, or the alert saying what went wrong.
        self.write_tls()?;
        match processed {
            Ok(_) => Ok(got),
            Err(e) => Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        }
    }

    /// Writes from `chunks` (consuming what went out) until they are all
    /// out (true) or the socket is full (false).
    pub(crate) fn write(&mut self, chunks: &mut Vec<Bytes>) -> io::Result<bool> {
        // An empty chunk would read as a write of nothing: the peer gone.
        chunks.retain(|chunk| !chunk.is_empty());
        #[cfg(feature = "tls")]
        if self.tls.is_some() {
            return self.write_through_tls(chunks);
        }
        while !chunks.is_empty() {
            if !self.writable {
                return Ok(false);
            }
            let written = match chunks.as_slice() {
                [one] => self.stream.write(one),
                many => {
                    let slices: Vec<IoSlice<'_>> = many.iter().map(|c| IoSlice::new(c)).collect();
                    self.stream.write_vectored(&slices)
                }
            };
            match written {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => consume(chunks, n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.writable = false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// Hands `chunks` to TLS as far as its buffer takes them, and its
    /// records to the socket.
    #[cfg(feature = "tls")]
    fn write_through_tls(&mut self, chunks: &mut Vec<Bytes>) -> io::Result<bool> {
        loop {
            if !self.write_tls()? {
                return Ok(false);
            }
            let Some(tls) = self.tls.as_mut() else {
                return Ok(true);
            };
            let Some(chunk) = chunks.first() else {
                return Ok(true);
            };
            match tls.writer().write(chunk)? {
                // Its buffer is full: the records above go out first.
                0 => {}
                n => consume(chunks, n),
            }
        }
    }

    /// Writes out the TLS records waiting; false when the socket is full.
    #[cfg(feature = "tls")]
    fn write_tls(&mut self) -> io::Result<bool> {
        let Some(tls) = self.tls.as_mut() else {
            return Ok(true);
        };
        while tls.wants_write() {
            if !self.writable {
                return Ok(false);
            }
            let written = tls.write_tls(&mut self.stream);
            match written {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.writable = false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// Says goodbye politely where the socket has room (TLS close_notify);
    /// the socket closes when this is dropped.
    pub(crate) fn close(&mut self) {
        #[cfg(feature = "tls")]
        if let Some(tls) = self.tls.as_mut() {
            tls.send_close_notify();
            let _ = self.write_tls();
        }
    }
}

/// Drops the first `n` bytes of `chunks`.
fn consume(chunks: &mut Vec<Bytes>, mut n: usize) {
    let mut done = 0;
    for chunk in chunks.iter_mut() {
        if n < chunk.len() {
            chunk.advance(n);
            break;
        }
        n -= chunk.len();
        done += 1;
    }
    chunks.drain(..done);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consume_drops_whole_chunks_and_advances_into_the_next() {
        let mut chunks = vec![Bytes::from_static(b"abc"), Bytes::from_static(b"defg")];
        consume(&mut chunks, 4);
        assert_eq!(chunks, vec![Bytes::from_static(b"efg")]);
        consume(&mut chunks, 3);
        assert!(chunks.is_empty());
    }
}
