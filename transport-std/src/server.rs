//! [`Server`]: the accept loop, the connection cap, handing connections to
//! the event loops, and graceful shutdown.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::num::NonZeroUsize;
#[cfg(unix)]
use std::os::unix::net::{UnixListener, UnixStream};
#[cfg(unix)]
use std::path::Path;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use xmlrpc_proto::http::{Admission, Admitted, ConnectionModel, Full, ServerConfig, Ticket};
use xmlrpc_proto::service::Router;
use xmlrpc_proto::time::after;

use crate::event_loop::{Arrival, Loops};
use crate::pool::Pool;
use crate::ready_io::{ReadyIo, Stream};
use crate::stream::{shutdown, OwnedSocket};

/// An XML-RPC server on std sockets: [`serve`](Self::serve) blocks the
/// calling thread, which accepts, while one event-loop thread per core
/// serves the connections, at most [`ServerConfig::connection_cap`] of
/// them (10,000 by default, lowered to fit half the file-descriptor
/// limit, as each connection holds two). It speaks HTTP, or SCGI when
/// bound with [`ServerBuilder::bind_scgi`] or
/// [`ServerBuilder::bind_scgi_unix`] (behind a web server's `scgi_pass`).
/// At the cap a newcomer evicts a slow or idle connection (its socket is
/// shut down; see `xmlrpc_proto`'s `Admission`), or waits in the
/// listener's accept backlog while there is none to evict.
///
/// Synchronous handlers run inline on the loop (the router runs them while
/// routing), so they must be cheap; those registered as blocking
/// (`Router::register_blocking`), async ones and multicalls holding either
/// run on a pool of threads, so a slow one never stalls other connections.
#[derive(Debug)]
pub struct Server {
    listener: Listener,
    local_addr: String,
    shared: Arc<Shared>,
    event_loops: NonZeroUsize,
}

/// Builds a [`Server`]; see [`Server::builder`].
#[derive(Debug)]
pub struct ServerBuilder {
    router: Arc<Router>,
    config: ServerConfig,
    docs_title: Option<String>,
    event_loops: Option<NonZeroUsize>,
    #[cfg(feature = "tls")]
    tls: Option<Arc<transport_driver::tls::TlsServerConfig>>,
}

/// Stops a running [`Server`] from any thread. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ShutdownHandle {
    shared: Arc<Shared>,
}

#[derive(Debug)]
enum Listener {
    Tcp(TcpListener),
    #[cfg(unix)]
    Unix(UnixListener, PathBuf),
}

/// What the accept loop, the event loops and every [`ShutdownHandle`]
/// share.
pub(crate) struct Shared {
    pub(crate) router: Arc<Router>,
    pub(crate) config: Arc<ServerConfig>,
    #[cfg(feature = "tls")]
    tls: Option<Arc<transport_driver::tls::TlsServerConfig>>,
    /// The listener speaks SCGI, not HTTP.
    pub(crate) scgi: bool,
    stopping: AtomicBool,
    /// Threads for the handlers that may block.
    pub(crate) pool: Pool,
    /// The open connections, each with a handle on its socket (shut down
    /// to end it: for an eviction, or to stop).
    admission: Admission<OwnedSocket>,
    /// Held while admitting and when a connection ends, so the accept loop
    /// waiting for room cannot miss the end that makes it.
    gate: Mutex<()>,
    changed: Condvar,
    /// Where to connect to wake an accept loop blocked in `accept`: a TCP
    /// address, or else a unix socket path.
    wake: Result<SocketAddr, PathBuf>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("config", &self.config)
            .field("scgi", &self.scgi)
            .field("stopping", &self.stopping)
            .finish_non_exhaustive()
    }
}

/// Tells the accept loop that a connection ended, once its loop is done
/// with it (even by a panic).
pub(crate) struct Registration {
    shared: Arc<Shared>,
}

impl ServerBuilder {
    /// Every server setting: limits, deadlines, paths, auth, the connection
    /// cap, the shutdown grace (see [`ServerConfig`]).
    pub fn config(mut self, config: ServerConfig) -> Self {
        self.config = config;
        self
    }

    /// How many event-loop threads serve the connections: one per core by
    /// default (as `std::thread::available_parallelism` counts them), so
    /// the server uses every core. Fewer leave cores to other work on the
    /// machine (a load generator beside it, say).
    pub fn event_loops(mut self, count: NonZeroUsize) -> Self {
        self.event_loops = Some(count);
        self
    }

    /// Answers `GET` of the RPC path with an HTML page of every method,
    /// its signatures and help, titled `title` (`Router::docs_page`,
    /// rendered once when the server binds). Off by default.
    pub fn docs_page(mut self, title: &str) -> Self {
        self.docs_title = Some(title.to_owned());
        self
    }

    /// Serves TLS with this configuration (see
    /// [`tls::server_config`](crate::tls::server_config)); the handshake is
    /// bounded by [`ServerConfig::tls_handshake_timeout`].
    #[cfg(feature = "tls")]
    pub fn tls(mut self, config: Arc<transport_driver::tls::TlsServerConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// Binds a TCP listener (`"127.0.0.1:8000"`; port 0 picks one).
    pub fn bind(self, addr: impl ToSocketAddrs) -> io::Result<Server> {
        self.bind_tcp(addr, false)
    }

    /// Binds a TCP listener that speaks SCGI (one call per connection, a
    /// CGI response), for a web server's `scgi_pass` or an SCGI client
    /// (`scgi://host:port`); the same router, limits, deadlines and
    /// overload rules as HTTP. TLS does not apply.
    pub fn bind_scgi(self, addr: impl ToSocketAddrs) -> io::Result<Server> {
        self.bind_tcp(addr, true)
    }

    /// Binds a unix socket at `path` that speaks SCGI (see
    /// [`bind_scgi`](Self::bind_scgi) and [`bind_unix`](Self::bind_unix)).
    #[cfg(unix)]
    pub fn bind_scgi_unix(self, path: impl AsRef<Path>) -> io::Result<Server> {
        self.bind_unix_socket(path.as_ref(), true)
    }

    fn bind_tcp(self, addr: impl ToSocketAddrs, scgi: bool) -> io::Result<Server> {
        let listener =
            transport_driver::bind_tcp(addr, self.config.listen_backlog, self.config.reuse_port)?;
        let bound = listener.local_addr()?;
        let mut wake = bound;
        // Bound to every interface: wake through the loopback one.
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            });
        }
        Ok(self.finish(Listener::Tcp(listener), bound.to_string(), Ok(wake), scgi))
    }

    /// Binds a unix socket at `path`, replacing a stale socket file that a
    /// server which is gone left behind (`transport_driver::unix::bind`).
    #[cfg(unix)]
    pub fn bind_unix(self, path: impl AsRef<Path>) -> io::Result<Server> {
        self.bind_unix_socket(path.as_ref(), false)
    }

    #[cfg(unix)]
    fn bind_unix_socket(self, path: &Path, scgi: bool) -> io::Result<Server> {
        let path = path.to_path_buf();
        let listener = transport_driver::unix::bind(&path)?;
        let local_addr = path.display().to_string();
        Ok(self.finish(
            Listener::Unix(listener, path.clone()),
            local_addr,
            Err(path),
            scgi,
        ))
    }

    fn finish(
        mut self,
        listener: Listener,
        local_addr: String,
        wake: Result<SocketAddr, PathBuf>,
        scgi: bool,
    ) -> Server {
        if let Some(title) = &self.docs_title {
            self.config.docs_page = Some(self.router.docs_page(title).into());
        }
        // Each connection holds two descriptors: its socket, and the
        // duplicate the admission shuts down to evict it. Counting one
        // would let accept fail for want of descriptors before the cap is
        // reached, and eviction never start.
        let fd_room = transport_driver::fd_limit().map(|n| n / 2);
        let cap = self.config.connection_cap(ConnectionModel::Tasks, fd_room);
        let admission = Admission::new(&self.config, cap, Instant::now());
        let shared = Shared {
            admission,
            gate: Mutex::new(()),
            router: self.router,
            config: Arc::new(self.config),
            #[cfg(feature = "tls")]
            tls: self.tls.filter(|_| !scgi),
            scgi,
            stopping: AtomicBool::new(false),
            pool: Pool::default(),
            changed: Condvar::new(),
            wake,
        };
        Server {
            listener,
            local_addr,
            shared: Arc::new(shared),
            event_loops: self
                .event_loops
                .unwrap_or_else(|| thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)),
        }
    }
}

impl Server {
    /// A builder serving `router` with [`ServerConfig::default`].
    pub fn builder(router: Arc<Router>) -> ServerBuilder {
        ServerBuilder {
            router,
            config: ServerConfig::default(),
            docs_title: None,
            event_loops: None,
            #[cfg(feature = "tls")]
            tls: None,
        }
    }

    /// `127.0.0.1:PORT` for TCP, the socket path for unix.
    pub fn local_addr(&self) -> String {
        self.local_addr.clone()
    }

    /// A handle that stops this server from another thread.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle {
            shared: Arc::clone(&self.shared),
        }
    }

    /// Serves until shut down, then returns once every connection closed or
    /// [`ServerConfig::shutdown_grace`] ran out (the sockets of those still
    /// open are then shut down under them).
    pub fn serve(self) -> io::Result<()> {
        tracing::info!(addr = %self.local_addr, "serving");
        let shared = &self.shared;
        let loops = Loops::start(shared, self.event_loops)?;
        while !shared.stopping.load(Ordering::SeqCst) {
            match self.accept() {
                // Past the cap with nobody to evict, the newcomer waits, and
                // the next ones in the accept backlog.
                Ok((stream, handle, peer)) => {
                    if !self.start(&loops, stream, handle, peer, false) {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    // Out of descriptors and the like: let some close.
                    thread::sleep(Duration::from_millis(50));
                }
            }
        }
        let grace = after(Instant::now(), shared.config.shutdown_grace);
        // What already waits in the backlog was sent before we stopped:
        // answer it (with `Connection: close`) before the listener closes.
        if self.set_nonblocking(true).is_ok() {
            while let Ok((stream, handle, peer)) = self.accept() {
                self.start(&loops, stream, handle, peer, true);
            }
        }
        // Closing the listener refuses new connections from here on.
        #[cfg(unix)]
        if let Listener::Unix(_, path) = &self.listener {
            let _ = std::fs::remove_file(path);
        }
        drop(self.listener);
        // Idle connections may get one more request during the drain
        // window; then their reads end (a call in flight still answers).
        let drained = after(Instant::now(), shared.config.drain_timeout);
        shared.wait_closed(drained.min(grace), Shutdown::Read);
        let unfinished = shared.wait_closed(grace, Shutdown::Both);
        loops.stop();
        tracing::info!(unfinished, "server stopped");
        Ok(())
    }

    /// The next connection from the listener, made non-blocking, with a
    /// handle on its socket (for the admission's kicks) and who it is.
    fn accept(&self) -> io::Result<(Stream, OwnedSocket, String)> {
        match &self.listener {
            Listener::Tcp(l) => {
                let (tcp, peer) = l.accept()?;
                let _ = tcp.set_nodelay(true);
                tcp.set_nonblocking(true)?;
                let handle = tcp.try_clone()?.into();
                Ok((
                    Stream::Tcp(mio::net::TcpStream::from_std(tcp)),
                    handle,
                    peer.to_string(),
                ))
            }
            // Unix peers are unnamed: the socket path says where they came in.
            #[cfg(unix)]
            Listener::Unix(l, path) => {
                let (unix, _) = l.accept()?;
                unix.set_nonblocking(true)?;
                let handle = unix.try_clone()?.into();
                let peer = path.display().to_string();
                Ok((
                    Stream::Unix(mio::net::UnixStream::from_std(unix)),
                    handle,
                    peer,
                ))
            }
        }
    }

    fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        match &self.listener {
            Listener::Tcp(l) => l.set_nonblocking(on),
            #[cfg(unix)]
            Listener::Unix(l, _) => l.set_nonblocking(on),
        }
    }

    /// Admits a connection and hands it to a loop; false once stopping
    /// (unless `from_backlog`: those are answered while stopping).
    fn start(
        &self,
        loops: &Loops,
        stream: Stream,
        handle: OwnedSocket,
        peer: String,
        from_backlog: bool,
    ) -> bool {
        let Some((ticket, registration)) = self.shared.admit(handle, from_backlog) else {
            return false;
        };
        loops.hand(Arrival {
            stream,
            peer,
            ticket,
            registration,
        });
        true
    }
}

impl ShutdownHandle {
    /// Asks the server to stop: it stops accepting at once, idle
    /// connections close, calls in flight finish within the grace period.
    pub fn shutdown(&self) {
        let gate = self.shared.lock();
        // Set under the gate: `admit` checks it there.
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Without a drain window, a thread blocked reading wakes to its end
        // of input now; with one, `serve` does that when the window ends.
        // One busy with a call sees the flag when done.
        if self.shared.config.drain_timeout.is_zero() {
            self.shared
                .admission
                .for_each_kick(|socket| shutdown(socket, Shutdown::Read));
        }
        drop(gate);
        self.shared.changed.notify_all();
        // The accept loop blocks in `accept`: a connection of our own wakes
        // it to see the flag. Failing to connect means it is gone already.
        let _ = match &self.shared.wake {
            Ok(addr) => TcpStream::connect_timeout(addr, Duration::from_secs(1)).map(drop),
            #[cfg(unix)]
            Err(path) => UnixStream::connect(path).map(drop),
            #[cfg(not(unix))]
            Err(_) => Ok(()),
        };
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, ()> {
        // The gate guards no data: a poisoned one is as good.
        self.gate.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits a connection whose socket `socket` is a handle on, evicting a
    /// slow or idle one at the cap (its socket is shut down, which wakes its
    /// thread), or waiting while there is none to evict: until a connection
    /// ends or a slow one's window passes. `None` once stopping.
    fn admit(
        self: &Arc<Self>,
        socket: OwnedSocket,
        from_backlog: bool,
    ) -> Option<(Ticket, Registration)> {
        let mut gate = self.lock();
        let mut socket = socket;
        loop {
            if self.stopping.load(Ordering::SeqCst) && !from_backlog {
                return None;
            }
            let now = Instant::now();
            match self.admission.admit(now, socket) {
                Ok(Admitted { ticket, evicted }) => {
                    if let Some(victim) = evicted {
                        tracing::debug!(
                            "connection cap reached: evicting a slow or idle connection"
                        );
                        shutdown(&victim, Shutdown::Both);
                    }
                    let shared = Arc::clone(self);
                    return Some((ticket, Registration { shared }));
                }
                Err(Full { retry_at, kick }) => {
                    socket = kick;
                    // No deadline: a connection's end wakes us (and a stop).
                    let wait = retry_at.map_or(Duration::from_secs(3600), |at| {
                        at.saturating_duration_since(now)
                    });
                    gate = match self.changed.wait_timeout(gate, wait) {
                        Ok((gate, _)) => gate,
                        Err(e) => e.into_inner().0,
                    };
                }
            }
        }
    }

    /// Waits until every connection closed or `deadline`, then shuts down
    /// the sockets of those still open (`how`); returns how many they were.
    fn wait_closed(&self, deadline: Instant, how: Shutdown) -> usize {
        let left = deadline.saturating_duration_since(Instant::now());
        let waited = self
            .changed
            .wait_timeout_while(self.lock(), left, |_| self.admission.open() > 0);
        drop(waited.unwrap_or_else(|e| e.into_inner()));
        self.admission.for_each_kick(|socket| shutdown(socket, how));
        self.admission.open()
    }

    /// True once shutdown was asked for.
    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }

    /// The connection's stream as a loop drives it: under TLS (the
    /// handshake still to come) when the server serves TLS.
    pub(crate) fn ready_io(&self, stream: Stream) -> io::Result<ReadyIo> {
        let io = ReadyIo::new(stream);
        #[cfg(feature = "tls")]
        if let Some(tls) = &self.tls {
            let session =
                rustls::ServerConnection::new(Arc::clone(tls)).map_err(io::Error::other)?;
            return Ok(io.with_tls(session));
        }
        Ok(io)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // The ticket went with the connection's machine: under the gate, so
        // an accept loop between its look and its wait cannot miss this.
        drop(self.shared.lock());
        self.shared.changed.notify_all();
    }
}

#[cfg(all(test, unix))]
#[allow(clippy::expect_used)] // a failed expect here is a failed test
mod tests {
    use super::*;
    use xmlrpc_proto::http::{Input, ServerConnection};

    /// A server (never serving) capped at one connection, which is held by
    /// a request under way (so it cannot be evicted), and a thread trying
    /// to admit a second.
    struct AtTheCap {
        server: Server,
        held: (ServerConnection, Registration, UnixStream),
        waiter: thread::JoinHandle<bool>,
    }

    fn at_the_cap() -> AtTheCap {
        let builder = Server::builder(Arc::new(Router::new())).config(ServerConfig {
            max_connections: Some(1),
            ..ServerConfig::default()
        });
        let listener = Listener::Tcp(TcpListener::bind("127.0.0.1:0").expect("bind"));
        // Waking the accept loop fails: there is none, only the waiter.
        let server = builder.finish(listener, String::new(), Err(PathBuf::new()), false);
        let (ours, peer) = UnixStream::pair().expect("socket pair");
        let (busy, registration) = server
            .shared
            .admit(std::os::fd::OwnedFd::from(ours), false)
            .expect("room for one");
        let now = Instant::now();
        let mut conn =
            ServerConnection::admitted(Arc::clone(&server.shared.config), busy, None, now);
        let head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n";
        conn.handle_input(Input::Data(now, head));
        let (theirs, _) = UnixStream::pair().expect("socket pair");
        let shared = Arc::clone(&server.shared);
        let waiter = thread::spawn(move || {
            shared
                .admit(std::os::fd::OwnedFd::from(theirs), false)
                .is_some()
        });
        AtTheCap {
            server,
            held: (conn, registration, peer),
            waiter,
        }
    }

    /// A connection with more calls waiting than a turn's reads take hands
    /// the loop back (`Step::Again`), and its next turns answer the rest.
    #[test]
    fn a_connection_with_calls_waiting_yields_after_its_turn() {
        use crate::connection::{Connection, Step, READS_PER_TURN};
        use crate::ready_io::{ReadyIo, Stream};
        use std::io::{Read, Write};

        let builder = Server::builder(Arc::new(xmlrpc_demo::router()));
        let listener = Listener::Tcp(TcpListener::bind("127.0.0.1:0").expect("bind"));
        let server = builder.finish(listener, String::new(), Err(PathBuf::new()), false);
        let (ours, mut peer) = UnixStream::pair().expect("socket pair");
        let handle = std::os::fd::OwnedFd::from(ours.try_clone().expect("clone"));
        let (ticket, registration) = server.shared.admit(handle, false).expect("room");
        ours.set_nonblocking(true).expect("non-blocking");
        let io = ReadyIo::new(Stream::Unix(mio::net::UnixStream::from_std(ours)));
        let shared = &server.shared;
        let mut conn = Connection::new(io, ticket, "test".into(), registration, shared);
        // Calls of 8 KiB with small answers, more than a turn's reads hold.
        let body = format!(
            "<?xml version=\"1.0\"?><methodCall><methodName>validator1.countTheEntities\
             </methodName><params><param><value><string>{}</string></value></param>\
             </params></methodCall>",
            "a".repeat(8 << 10)
        );
        let call = format!(
            "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let calls = READS_PER_TURN * 16 * 1024 / call.len() + 4;
        peer.write_all(call.repeat(calls).as_bytes()).expect("send");
        let mut buf = vec![0u8; 16 * 1024];
        assert!(
            matches!(conn.drive(shared, &mut buf), Step::Again),
            "one turn served every call"
        );
        let mut turns = 1;
        while matches!(conn.drive(shared, &mut buf), Step::Again) {
            turns += 1;
            assert!(turns < 100, "the turns never end");
        }
        peer.set_nonblocking(true).expect("non-blocking");
        let mut answers = Vec::new();
        let _ = peer.read_to_end(&mut answers);
        let answered = answers
            .windows(b"</methodResponse>".len())
            .filter(|w| *w == b"</methodResponse>")
            .count();
        assert_eq!(answered, calls, "{turns} turns");
    }

    /// The default cap leaves room for both descriptors of every connection
    /// (its socket and the admission's handle) and the reserve besides.
    #[test]
    fn the_default_cap_fits_two_descriptors_per_connection() {
        let builder = Server::builder(Arc::new(Router::new()));
        let listener = Listener::Tcp(TcpListener::bind("127.0.0.1:0").expect("bind"));
        let server = builder.finish(listener, String::new(), Err(PathBuf::new()), false);
        let limit = transport_driver::fd_limit().expect("unix has a limit");
        let cap = server.shared.admission.cap() as u64;
        let reserve = xmlrpc_proto::http::server_defaults::FD_RESERVE;
        assert!(
            cap * 2 + reserve <= limit,
            "cap {cap} needs {} descriptors of {limit}",
            cap * 2 + reserve
        );
    }

    /// Shutdown releases an accept loop waiting at the connection cap even
    /// though no connection ends. (The lost wake-up this guards against
    /// needs an unlucky interleaving; the loop makes one likelier.)
    #[test]
    fn shutdown_wakes_a_loop_waiting_at_the_cap() {
        for _ in 0..200 {
            let AtTheCap {
                server,
                held,
                waiter,
            } = at_the_cap();
            server.shutdown_handle().shutdown();
            let deadline = Instant::now() + Duration::from_secs(2);
            while !waiter.is_finished() {
                assert!(Instant::now() < deadline, "accept loop missed the shutdown");
                thread::sleep(Duration::from_millis(1));
            }
            assert!(!waiter.join().expect("waiter"), "admitted while stopping");
            drop(held);
        }
    }

    /// A connection ending wakes an accept loop waiting at the cap, which
    /// then admits its newcomer.
    #[test]
    fn a_connection_ending_lets_the_waiting_newcomer_in() {
        let AtTheCap { held, waiter, .. } = at_the_cap();
        thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "admitted past the cap");
        drop(held);
        assert!(
            waiter.join().expect("waiter"),
            "the newcomer got the freed place"
        );
    }
}
