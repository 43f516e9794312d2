//! [`Server`]: accept loop, connection cap and graceful shutdown.

use std::io;
use std::net::ToSocketAddrs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use xmlrpc_proto::http::ServerConfig;
use xmlrpc_proto::service::Router;

use crate::connection::{self, Shared};
use crate::stream::Stream;

/// Default cap on open connections.
const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default time in-flight calls get to finish after shutdown.
const DEFAULT_GRACE: Duration = Duration::from_secs(10);
/// Default bound on writing one response.
const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(60);
/// Pause after an accept error (out of file descriptors, say) so the loop
/// does not spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Settings for a [`Server`]; see [`Server::builder`].
pub struct ServerBuilder {
    router: Arc<Router>,
    config: Option<ServerConfig>,
    max_connections: usize,
    grace: Duration,
    write_timeout: Duration,
    #[cfg(feature = "tls")]
    tls: Option<crate::tls::ServerTls>,
}

/// An XML-RPC server on tokio: a task per connection, blocking handlers on
/// tokio's blocking pool, async handlers on the connection's task.
///
/// At most `max_connections` connections are open at once; further ones are
/// not accepted until one closes, so they wait in the kernel's accept
/// backlog (and time out there if the wait is long). Every call is logged
/// through `tracing` at `info` (peer, method, fault code, duration).
///
/// [`serve`](Server::serve) returns after a graceful shutdown, asked for
/// through a [`ShutdownHandle`]: accepting stops, idle connections close,
/// calls in flight finish and are answered (up to the grace period, then
/// their connections are dropped).
pub struct Server {
    listener: Listener,
    shared: Arc<Shared>,
    max_connections: usize,
    grace: Duration,
    shutdown: Arc<watch::Sender<bool>>,
    #[cfg(feature = "tls")]
    tls: Option<crate::tls::ServerTls>,
}

/// Asks a running (or not yet running) [`Server`] to shut down gracefully.
#[derive(Clone, Debug)]
pub struct ShutdownHandle {
    signal: Arc<watch::Sender<bool>>,
}

impl ShutdownHandle {
    /// Starts the graceful shutdown; returns at once. Idempotent.
    pub fn shutdown(&self) {
        self.signal.send_replace(true);
    }
}

enum Listener {
    Tcp(std::net::TcpListener),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixListener, PathBuf),
}

impl Server {
    /// Starts configuring a server for `router`.
    pub fn builder(router: Arc<Router>) -> ServerBuilder {
        ServerBuilder {
            router,
            config: None,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            grace: DEFAULT_GRACE,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            #[cfg(feature = "tls")]
            tls: None,
        }
    }

    /// Where the server listens: `127.0.0.1:PORT` or the unix socket path.
    pub fn local_addr(&self) -> String {
        match &self.listener {
            Listener::Tcp(l) => l
                .local_addr()
                .map(|a| a.to_string())
                .unwrap_or_else(|e| format!("<unknown: {e}>")),
            #[cfg(unix)]
            Listener::Unix(_, path) => path.display().to_string(),
        }
    }

    /// A handle that stops this server from any thread or task.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle {
            signal: self.shutdown.clone(),
        }
    }

    /// Serves until shut down, then returns once every connection closed
    /// (or the grace period ended). Needs a tokio runtime with I/O and timers.
    ///
    /// A blocking handler still running when the grace period ends loses its
    /// connection but keeps its blocking-pool thread until it returns; since
    /// dropping a runtime waits for that pool, end the runtime with
    /// `shutdown_timeout` or `shutdown_background` if that matters.
    pub async fn serve(self) -> io::Result<()> {
        let Server {
            listener,
            shared,
            max_connections,
            grace,
            shutdown,
            #[cfg(feature = "tls")]
            tls,
        } = self;
        let listener = Accept::new(listener)?;
        let limit = Arc::new(Semaphore::new(max_connections.max(1)));
        let mut stop = shutdown.subscribe();
        let mut tasks = JoinSet::new();
        while !*stop.borrow_and_update() {
            // Take a slot before accepting: over the cap, peers wait in the backlog.
            let permit = tokio::select! {
                p = limit.clone().acquire_owned() => p,
                _ = stop.changed() => break,
            };
            let Ok(permit) = permit else { break };
            let accepted = tokio::select! {
                a = listener.accept() => a,
                _ = stop.changed() => break,
            };
            while tasks.try_join_next().is_some() {}
            let (stream, peer) = match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            };
            tracing::debug!(peer = %peer, "connection accepted");
            let shared = shared.clone();
            let stop = shutdown.subscribe();
            #[cfg(feature = "tls")]
            let tls = tls.clone();
            tasks.spawn(async move {
                let _permit = permit;
                #[cfg(feature = "tls")]
                let stream = match (tls, stream) {
                    (Some(tls), Stream::Tcp(tcp)) => {
                        let timeout = shared.config.head_timeout;
                        match tokio::time::timeout(timeout, tls.handshake(tcp)).await {
                            Ok(Ok(stream)) => stream,
                            Ok(Err(e)) => {
                                tracing::debug!(peer = %peer, error = %e, "TLS handshake failed");
                                return;
                            }
                            Err(_) => {
                                tracing::debug!(peer = %peer, "TLS handshake timed out");
                                return;
                            }
                        }
                    }
                    (_, stream) => stream,
                };
                connection::serve(stream, Some(peer), shared, stop).await;
            });
        }
        // Stop accepting: peers still in the backlog are refused, never half-served.
        let socket_path = listener.close();
        tracing::info!(open = tasks.len(), "shutting down");
        let drained =
            tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await;
        if drained.is_err() {
            tracing::warn!(
                open = tasks.len(),
                "grace period over; dropping remaining connections"
            );
            tasks.shutdown().await;
        }
        if let Some(path) = socket_path {
            let _ = std::fs::remove_file(path);
        }
        Ok(())
    }
}

impl ServerBuilder {
    /// HTTP limits, deadlines, paths, auth (default `ServerConfig::default()`).
    pub fn config(mut self, config: ServerConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// Most connections open at once (default 1024); more wait in the
    /// kernel's accept backlog until one closes.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max;
        self
    }

    /// How long calls in flight may run on after shutdown (default 10 s).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Most time writing one response may take before the connection is
    /// dropped (default 60 s): a peer that stops reading frees its slot.
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// Serves TLS over TCP with this rustls config
    /// (see [`tls::server_config`](crate::tls::server_config)).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, config: Arc<crate::tls::TlsServerConfig>) -> Self {
        self.tls = Some(crate::tls::ServerTls::new(config));
        self
    }

    /// Listens on TCP (`"127.0.0.1:0"` picks a free port). Works outside a
    /// runtime; [`Server::serve`] needs one.
    pub fn bind(self, addr: impl ToSocketAddrs) -> io::Result<Server> {
        let listener = std::net::TcpListener::bind(addr)?;
        Ok(self.finish(Listener::Tcp(listener)))
    }

    /// Listens on a unix socket at `path` (which must not exist yet; it is
    /// removed again when the server stops). TLS does not apply here.
    #[cfg(unix)]
    pub fn bind_unix(self, path: impl AsRef<Path>) -> io::Result<Server> {
        let path = path.as_ref().to_path_buf();
        let listener = std::os::unix::net::UnixListener::bind(&path)?;
        Ok(self.finish(Listener::Unix(listener, path)))
    }

    fn finish(self, listener: Listener) -> Server {
        let (signal, _) = watch::channel(false);
        Server {
            listener,
            shared: Arc::new(Shared {
                router: self.router,
                config: Arc::new(self.config.unwrap_or_default()),
                write_timeout: self.write_timeout,
            }),
            max_connections: self.max_connections,
            grace: self.grace,
            shutdown: Arc::new(signal),
            #[cfg(feature = "tls")]
            tls: self.tls,
        }
    }
}

/// The listener in tokio's form, made inside the runtime.
enum Accept {
    Tcp(tokio::net::TcpListener),
    #[cfg(unix)]
    Unix(tokio::net::UnixListener, PathBuf),
}

impl Accept {
    fn new(listener: Listener) -> io::Result<Accept> {
        Ok(match listener {
            Listener::Tcp(l) => {
                l.set_nonblocking(true)?;
                Accept::Tcp(tokio::net::TcpListener::from_std(l)?)
            }
            #[cfg(unix)]
            Listener::Unix(l, path) => {
                l.set_nonblocking(true)?;
                Accept::Unix(tokio::net::UnixListener::from_std(l)?, path)
            }
        })
    }

    /// The next connection and its peer's address as text.
    async fn accept(&self) -> io::Result<(Stream, String)> {
        match self {
            Accept::Tcp(l) => {
                let (tcp, peer) = l.accept().await?;
                Ok((Stream::tcp(tcp), peer.to_string()))
            }
            #[cfg(unix)]
            Accept::Unix(l, path) => {
                let (unix, _) = l.accept().await?;
                // Unix peers are usually unnamed: the socket path says more.
                Ok((Stream::Unix(unix), path.display().to_string()))
            }
        }
    }

    /// Closes the listening socket; returns the unix path to remove.
    fn close(self) -> Option<PathBuf> {
        match self {
            Accept::Tcp(_) => None,
            #[cfg(unix)]
            Accept::Unix(_, path) => Some(path),
        }
    }
}
