//! Binding a TCP listener with the configured accept backlog: std's
//! `TcpListener::bind` fixes it at 128, which a burst of connections (or a
//! slowloris attack being evicted) overflows, and a client whose SYN is
//! dropped waits a second or more to retry.

use std::io;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};

use socket2::{Domain, Socket, Type};

/// Binds the first address of `addr` that works and listens with room for
/// `backlog` connections waiting to be accepted (the kernel may lower it,
/// to `net.core.somaxconn` on Linux). With `reuse_port`, several processes
/// may listen on the same port (`SO_REUSEPORT`; the kernel spreads new
/// connections among them), so a new instance can start before the old
/// one stops; an error where the platform lacks it.
pub fn bind_tcp(
    addr: impl ToSocketAddrs,
    backlog: u32,
    reuse_port: bool,
) -> io::Result<TcpListener> {
    let mut last = None;
    for addr in addr.to_socket_addrs()? {
        match bind_one(addr, backlog, reuse_port) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address to bind")))
}

fn bind_one(addr: SocketAddr, backlog: u32, reuse_port: bool) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    // As std does on unix: a restarted server rebinds a port whose old
    // connections are in TIME_WAIT. (On windows it would allow stealing.)
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    if reuse_port {
        #[cfg(all(unix, not(any(target_os = "solaris", target_os = "illumos"))))]
        socket.set_reuse_port(true)?;
        #[cfg(not(all(unix, not(any(target_os = "solaris", target_os = "illumos")))))]
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "SO_REUSEPORT is not available on this platform",
        ));
    }
    socket.bind(&addr.into())?;
    socket.listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
    Ok(socket.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_a_free_port_and_accepts() {
        let listener = bind_tcp("127.0.0.1:0", 1024, false).expect("bind");
        let addr = listener.local_addr().expect("addr");
        let _client = std::net::TcpStream::connect(addr).expect("connect");
        assert!(listener.accept().is_ok());
    }

    #[test]
    fn a_taken_port_is_an_error() {
        let first = bind_tcp("127.0.0.1:0", 16, false).expect("bind");
        let addr = first.local_addr().expect("addr");
        let second = bind_tcp(addr, 16, false).expect_err("taken");
        assert_eq!(second.kind(), io::ErrorKind::AddrInUse);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn with_reuse_port_two_listeners_share_a_port() {
        let first = bind_tcp("127.0.0.1:0", 16, true).expect("bind");
        let addr = first.local_addr().expect("addr");
        let second = bind_tcp(addr, 16, true).expect("a second listener on the same port");
        assert_eq!(second.local_addr().expect("addr"), addr);
        // Without the option on the newcomer, the port stays taken.
        assert!(bind_tcp(addr, 16, false).is_err());
    }
}
