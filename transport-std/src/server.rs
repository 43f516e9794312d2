//! [`Server`]: the accept loop, the connection cap and graceful shutdown.

use std::io;
use std::net::{TcpListener, ToSocketAddrs};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use xmlrpc_proto::http::ServerConfig;
use xmlrpc_proto::service::Router;

use crate::connection::{serve_connection, ConnectionCtx};
use crate::stream::Stream;

/// How often the accept loop looks for a connection or a shutdown.
const ACCEPT_POLL: Duration = Duration::from_millis(10);

/// A blocking XML-RPC server: one thread per connection, at most
/// `max_connections` of them. Connections beyond the cap wait in the
/// listener's accept backlog until a thread frees up.
pub struct Server {
    listener: Listener,
    local_addr: String,
    shared: Arc<Shared>,
    router: Arc<Router>,
    config: Arc<ServerConfig>,
    max_connections: usize,
    shutdown_grace: Duration,
    #[cfg(feature = "tls")]
    tls: Option<Arc<rustls::ServerConfig>>,
}

/// Builds a [`Server`]; see [`Server::builder`].
pub struct ServerBuilder {
    router: Arc<Router>,
    config: ServerConfig,
    max_connections: usize,
    shutdown_grace: Duration,
    #[cfg(feature = "tls")]
    tls: Option<Arc<rustls::ServerConfig>>,
}

/// Stops a running [`Server`] from any thread. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ShutdownHandle {
    shared: Arc<Shared>,
}

/// State the accept loop and connection threads share.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    stopping: AtomicBool,
    active: AtomicUsize,
}

impl Shared {
    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}

enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener, PathBuf),
}

impl ShutdownHandle {
    /// Asks the server to stop: it stops accepting at once, lets calls in
    /// flight finish within the grace period and closes idle connections.
    pub fn shutdown(&self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
    }
}

impl ServerBuilder {
    /// The core's connection settings: limits, deadlines, paths, auth.
    pub fn config(mut self, config: ServerConfig) -> Self {
        self.config = config;
        self
    }

    /// Most connections served at once (default 1024); more wait in the
    /// accept backlog.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// How long shutdown waits for calls in flight (default 30 s).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Serves TLS with this rustls config (see [`crate::tls::server_config`]).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, config: Arc<rustls::ServerConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// Binds a TCP listener (`"127.0.0.1:8000"`; port 0 picks one).
    pub fn bind(self, addr: impl ToSocketAddrs) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let local_addr = listener.local_addr()?.to_string();
        self.finish(Listener::Tcp(listener), local_addr)
    }

    /// Binds a unix socket at `path` (which must not exist).
    pub fn bind_unix(self, path: impl AsRef<Path>) -> io::Result<Server> {
        let path = path.as_ref().to_path_buf();
        let listener = UnixListener::bind(&path)?;
        let local_addr = path.display().to_string();
        self.finish(Listener::Unix(listener, path), local_addr)
    }

    fn finish(self, listener: Listener, local_addr: String) -> io::Result<Server> {
        // Polled, so shutdown never waits on a blocked accept.
        match &listener {
            Listener::Tcp(l) => l.set_nonblocking(true)?,
            Listener::Unix(l, _) => l.set_nonblocking(true)?,
        }
        Ok(Server {
            listener,
            local_addr,
            shared: Arc::new(Shared::default()),
            router: self.router,
            config: Arc::new(self.config),
            max_connections: self.max_connections,
            shutdown_grace: self.shutdown_grace,
            #[cfg(feature = "tls")]
            tls: self.tls,
        })
    }
}

impl Server {
    /// A builder serving `router`.
    pub fn builder(router: Arc<Router>) -> ServerBuilder {
        ServerBuilder {
            router,
            config: ServerConfig::default(),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(30),
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
    /// the grace period ran out (stragglers are cut off by their threads).
    pub fn serve(self) -> io::Result<()> {
        tracing::info!(addr = %self.local_addr, "serving");
        while !self.shared.stopping() {
            if self.shared.active.load(Ordering::SeqCst) >= self.max_connections {
                thread::sleep(ACCEPT_POLL);
                continue;
            }
            match self.accept() {
                Ok(Some((stream, peer))) => self.spawn(stream, peer),
                Ok(None) => thread::sleep(ACCEPT_POLL),
                Err(e) => {
                    // Out of descriptors and the like: back off, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    thread::sleep(ACCEPT_POLL * 5);
                }
            }
        }
        let deadline = Instant::now() + self.shutdown_grace;
        let Server {
            listener, shared, ..
        } = self;
        // Closing the listener refuses new connections from here on.
        if let Listener::Unix(_, path) = &listener {
            let _ = std::fs::remove_file(path);
        }
        drop(listener);
        while shared.active.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            thread::sleep(ACCEPT_POLL);
        }
        let left = shared.active.load(Ordering::SeqCst);
        tracing::info!(unfinished = left, "server stopped");
        Ok(())
    }

    fn accept(&self) -> io::Result<Option<(Stream, String)>> {
        let accepted = match &self.listener {
            Listener::Tcp(l) => l.accept().and_then(|(tcp, peer)| {
                tcp.set_nonblocking(false)?;
                let _ = tcp.set_nodelay(true);
                Ok((self.wrap_tcp(tcp)?, peer.to_string()))
            }),
            Listener::Unix(l, path) => l.accept().and_then(|(unix, _)| {
                unix.set_nonblocking(false)?;
                // Unix peers are unnamed; the socket path says where they came in.
                Ok((Stream::Unix(unix), path.display().to_string()))
            }),
        };
        match accepted {
            Ok(pair) => Ok(Some(pair)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(e),
        }
    }

    #[cfg(feature = "tls")]
    fn wrap_tcp(&self, tcp: std::net::TcpStream) -> io::Result<Stream> {
        match &self.tls {
            Some(config) => crate::tls::accept(config, tcp),
            None => Ok(Stream::Tcp(tcp)),
        }
    }

    #[cfg(not(feature = "tls"))]
    fn wrap_tcp(&self, tcp: std::net::TcpStream) -> io::Result<Stream> {
        Ok(Stream::Tcp(tcp))
    }

    fn spawn(&self, stream: Stream, peer: String) {
        self.shared.active.fetch_add(1, Ordering::SeqCst);
        let ctx = ConnectionCtx {
            router: Arc::clone(&self.router),
            config: Arc::clone(&self.config),
            shared: Arc::clone(&self.shared),
            grace: self.shutdown_grace,
        };
        let name = format!("xmlrpc-conn {peer}");
        let spawned = thread::Builder::new().name(name).spawn(move || {
            let _guard = ActiveGuard(Arc::clone(&ctx.shared));
            serve_connection(stream, peer, &ctx);
        });
        if let Err(e) = spawned {
            // The closure (and its guard) never ran: undo the count here.
            self.shared.active.fetch_sub(1, Ordering::SeqCst);
            tracing::warn!(error = %e, "cannot spawn a connection thread");
        }
    }
}

/// Counts a connection thread as active until it ends, even by panic.
struct ActiveGuard(Arc<Shared>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}
