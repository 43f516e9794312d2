//! [`Server`]: the accept loop, the connection cap and graceful shutdown.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpListener, ToSocketAddrs};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use xmlrpc_proto::http::ServerConfig;
use xmlrpc_proto::service::Router;

use crate::connection::{serve_connection, ConnectionCtx};
use crate::shutdown::{ActiveGuard, Shared, ShutdownHandle, WakeTarget};
use crate::stream::Stream;

/// Back-off after a failed accept (out of descriptors and the like).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

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

enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener, PathBuf),
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
        let bound = listener.local_addr()?;
        let mut wake = bound;
        // Bound to every interface: wake through the loopback one.
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            });
        }
        let shared = Shared::new(WakeTarget::Tcp(wake));
        self.finish(Listener::Tcp(listener), bound.to_string(), shared)
    }

    /// Binds a unix socket at `path` (which must not exist).
    pub fn bind_unix(self, path: impl AsRef<Path>) -> io::Result<Server> {
        let path = path.as_ref().to_path_buf();
        let listener = UnixListener::bind(&path)?;
        let local_addr = path.display().to_string();
        let shared = Shared::new(WakeTarget::Unix(path.clone()));
        self.finish(Listener::Unix(listener, path), local_addr, shared)
    }

    fn finish(self, listener: Listener, local_addr: String, shared: Shared) -> io::Result<Server> {
        Ok(Server {
            listener,
            local_addr,
            shared: Arc::new(shared),
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
        // Connections past the cap wait in the kernel's accept backlog.
        while self.shared.wait_for_slot(self.max_connections) {
            match self.accept() {
                // Served even when stopping: a connection that was accepted
                // gets its pending request answered (the wake-up one just ends).
                Ok((stream, peer)) => self.spawn(stream, peer),
                Err(e) if self.shared.stopping() => {
                    tracing::debug!(error = %e, "accept failed while stopping");
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    thread::sleep(ACCEPT_BACKOFF);
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
        let unfinished = shared.wait_idle(deadline);
        tracing::info!(unfinished, "server stopped");
        Ok(())
    }

    fn accept(&self) -> io::Result<(Stream, String)> {
        match &self.listener {
            Listener::Tcp(l) => l.accept().and_then(|(tcp, peer)| {
                let _ = tcp.set_nodelay(true);
                Ok((self.wrap_tcp(tcp)?, peer.to_string()))
            }),
            Listener::Unix(l, path) => l.accept().map(|(unix, _)| {
                // Unix peers are unnamed; the socket path says where they came in.
                (Stream::Unix(unix), path.display().to_string())
            }),
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
        let guard = self.shared.open();
        let ctx = ConnectionCtx {
            router: Arc::clone(&self.router),
            config: Arc::clone(&self.config),
            shared: Arc::clone(&self.shared),
            grace: self.shutdown_grace,
        };
        let name = format!("xmlrpc-conn {peer}");
        let spawned = thread::Builder::new().name(name).spawn(move || {
            let _guard: ActiveGuard = guard;
            serve_connection(stream, peer, &ctx);
        });
        if let Err(e) = spawned {
            // The closure, and with it the guard, was dropped: the count is right.
            tracing::warn!(error = %e, "cannot spawn a connection thread");
        }
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .field("max_connections", &self.max_connections)
            .field("shutdown_grace", &self.shutdown_grace)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("config", &self.config)
            .field("max_connections", &self.max_connections)
            .field("shutdown_grace", &self.shutdown_grace)
            .finish_non_exhaustive()
    }
}
