//! Binding a TCP listener with the configured accept backlog: std's
//! `TcpListener::bind` fixes it at 128, which a burst of connections (or a
//! slowloris attack being evicted) overflows, and a client whose SYN is
//! dropped waits a second or more to retry.

use std::io;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};

use socket2::{Domain, Socket, Type};

/// Binds the first address of `addr` that works and listens with room for
/// `backlog` connections waiting to be accepted (the kernel may lower it,
/// to `net.core.somaxconn` on Linux).
pub fn bind_tcp(addr: impl ToSocketAddrs, backlog: u32) -> io::Result<TcpListener> {
    let mut last = None;
    for addr in addr.to_socket_addrs()? {
        match bind_one(addr, backlog) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address to bind")))
}

fn bind_one(addr: SocketAddr, backlog: u32) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    // As std does on unix: a restarted server rebinds a port whose old
    // connections are in TIME_WAIT. (On windows it would allow stealing.)
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
    Ok(socket.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_a_free_port_and_accepts() {
        let listener = bind_tcp("127.0.0.1:0", 1024).expect("bind");
        let addr = listener.local_addr().expect("addr");
        let _client = std::net::TcpStream::connect(addr).expect("connect");
        assert!(listener.accept().is_ok());
    }

    #[test]
    fn a_taken_port_is_an_error() {
        let first = bind_tcp("127.0.0.1:0", 16).expect("bind");
        let addr = first.local_addr().expect("addr");
        let second = bind_tcp(addr, 16).expect_err("taken");
        assert_eq!(second.kind(), io::ErrorKind::AddrInUse);
    }
}
