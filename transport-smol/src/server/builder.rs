//! [`ServerBuilder`]: settings, then a bound [`Server`].

use std::io;
use std::net::ToSocketAddrs;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use xmlrpc_proto::http::ServerConfig;
use xmlrpc_proto::service::Router;

use super::conn::Shared;
use super::signal::Signal;
use super::Server;
use crate::rt::Listener;

/// Default cap on open connections.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default time calls in flight get to finish after a shutdown request.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// Default limit on writing one response (or a TLS handshake taking place).
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Configures a [`Server`]; finish with [`bind`](Self::bind) or
/// [`bind_unix`](Self::bind_unix).
pub struct ServerBuilder {
    router: Arc<Router>,
    config: ServerConfig,
    max_connections: usize,
    shutdown_grace: Duration,
    write_timeout: Duration,
    #[cfg(feature = "tls")]
    tls: Option<Arc<crate::tls::rustls::ServerConfig>>,
}

impl ServerBuilder {
    pub(crate) fn new(router: Arc<Router>) -> Self {
        ServerBuilder {
            router,
            config: ServerConfig::default(),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            #[cfg(feature = "tls")]
            tls: None,
        }
    }

    /// HTTP limits, deadlines, paths, gzip and auth (see `ServerConfig`).
    pub fn config(mut self, config: ServerConfig) -> Self {
        self.config = config;
        self
    }

    /// Most connections open at once (default 1024, at least 1). Further
    /// clients wait in the listen backlog until a connection closes; they are
    /// not accepted and then dropped.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// How long calls in flight may run after [`ShutdownHandle::shutdown`]
    /// (default 30 s); connections still busy then are dropped.
    ///
    /// [`ShutdownHandle::shutdown`]: crate::ShutdownHandle::shutdown
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Longest time writing one response, or a TLS handshake, may take
    /// before the connection is dropped (default 30 s).
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// Serves TLS with this rustls config (see [`crate::tls::server_config`]).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, config: Arc<crate::tls::rustls::ServerConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// Binds a TCP listener (`"127.0.0.1:0"` picks a free port).
    pub fn bind(self, addr: impl ToSocketAddrs) -> io::Result<Server> {
        let listener = std::net::TcpListener::bind(addr)?;
        self.finish(Listener::from_tcp(listener)?, None)
    }

    /// Binds a unix socket at `path`. A stale socket file left there by an
    /// earlier run (nothing accepts on it) is replaced; a socket something
    /// still listens on, or any other file, is `AddrInUse`. The file is
    /// removed when [`Server::serve`] returns.
    pub fn bind_unix(self, path: impl AsRef<Path>) -> io::Result<Server> {
        use std::os::unix::fs::FileTypeExt;
        let path = path.as_ref();
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            // Only a refused connection proves the socket stale; removing a
            // live one would silently cut its server off.
            let stale = meta.file_type().is_socket()
                && std::os::unix::net::UnixStream::connect(path)
                    .is_err_and(|e| e.kind() == io::ErrorKind::ConnectionRefused);
            if stale {
                std::fs::remove_file(path)?;
            }
        }
        let listener = std::os::unix::net::UnixListener::bind(path)?;
        self.finish(
            Listener::from_unix(listener, path)?,
            Some(path.to_path_buf()),
        )
    }

    fn finish(
        self,
        listener: Listener,
        unix_path: Option<std::path::PathBuf>,
    ) -> io::Result<Server> {
        let shared = Arc::new(Shared {
            router: self.router,
            config: Arc::new(self.config),
            shutdown: Arc::new(Signal::default()),
            force: Signal::default(),
            write_timeout: self.write_timeout,
        });
        Ok(Server {
            listener,
            shared,
            max_connections: self.max_connections,
            shutdown_grace: self.shutdown_grace,
            unix_path,
            #[cfg(feature = "tls")]
            tls: self.tls,
        })
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
