//! [`Server`]: accept loop, connection cap and graceful shutdown on any
//! [`Runtime`].

use std::io;
use std::marker::PhantomData;
use std::net::ToSocketAddrs;
#[cfg(unix)]
use std::path::Path;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use event_listener::Event;
use futures_lite::future::or;
use xmlrpc_proto::http::{Admission, Admitted, ConnectionModel, Full, ServerConfig};
use xmlrpc_proto::service::Router;
use xmlrpc_proto::time::after;

use crate::connection;
use crate::runtime::until;
use crate::{Runtime, StdListener};

/// Pause after an accept error that is about the server (out of file
/// descriptors, say), so the loop does not spin while it lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Settings for a [`Server`]; see [`Server::builder`].
pub struct ServerBuilder<R> {
    router: Arc<Router>,
    config: ServerConfig,
    docs_title: Option<String>,
    #[cfg(feature = "tls")]
    tls: Option<Arc<crate::tls::TlsServerConfig>>,
    rt: PhantomData<R>,
}

/// An XML-RPC server on runtime `R`: a task per connection; synchronous
/// handlers inline on the connection's task (the router runs them while
/// routing), those registered as blocking on the runtime's blocking pool,
/// async handlers on the connection's task. It speaks HTTP, or SCGI when bound with
/// [`ServerBuilder::bind_scgi`] or [`ServerBuilder::bind_scgi_unix`].
///
/// At most [`ServerConfig::connection_cap`] connections are open at once
/// (10,000 by default, lowered to the file-descriptor limit); at the cap a
/// newcomer evicts a slow or idle connection (see `xmlrpc_proto`'s
/// `Admission`), or waits in the kernel's accept backlog while there is
/// none to evict. [`serve`](Self::serve)
/// returns after a graceful shutdown asked for through a [`ShutdownHandle`]:
/// accepting stops, idle connections close, calls in flight are answered
/// (within [`ServerConfig::shutdown_grace`], then their connections are
/// dropped).
pub struct Server<R> {
    listener: StdListener,
    unix_path: Option<PathBuf>,
    shared: Arc<Shared>,
    stop: Arc<Stop>,
    rt: PhantomData<R>,
}

/// What every connection task shares.
pub(crate) struct Shared {
    pub(crate) router: Arc<Router>,
    pub(crate) config: Arc<ServerConfig>,
    /// The listener speaks SCGI, not HTTP.
    pub(crate) scgi: bool,
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<futures_rustls::TlsAcceptor>,
}

/// Asks a running (or not yet running) [`Server`] to shut down gracefully.
#[derive(Clone, Debug)]
pub struct ShutdownHandle {
    stop: Arc<Stop>,
}

impl ShutdownHandle {
    /// Starts the graceful shutdown; returns at once. Idempotent.
    pub fn shutdown(&self) {
        self.stop.stopping.set();
    }

    /// True once [`shutdown`](Self::shutdown) was called.
    pub fn is_shutdown(&self) -> bool {
        self.stop.stopping.is_set()
    }
}

/// A flag that can be awaited.
#[derive(Debug, Default)]
pub(crate) struct Signal {
    set: AtomicBool,
    event: Event,
}

impl Signal {
    pub(crate) fn set(&self) {
        self.set.store(true, Ordering::SeqCst);
        self.event.notify(usize::MAX);
    }

    pub(crate) fn is_set(&self) -> bool {
        self.set.load(Ordering::SeqCst)
    }

    /// A listener that completes at the next [`set`](Self::set); check
    /// [`is_set`](Self::is_set) after making it.
    pub(crate) fn listen(&self) -> event_listener::EventListener {
        self.event.listen()
    }

    /// Completes once the flag is set.
    pub(crate) async fn wait(&self) {
        loop {
            if self.is_set() {
                return;
            }
            let listener = self.event.listen();
            if self.is_set() {
                return;
            }
            listener.await;
        }
    }
}

/// The server's shutdown state.
#[derive(Debug, Default)]
pub(crate) struct Stop {
    /// Graceful shutdown asked for.
    pub(crate) stopping: Signal,
    /// The grace period is over: connections drop what they do.
    pub(crate) killed: Signal,
    /// Open connections.
    open: AtomicUsize,
    /// Notified when the last connection closes.
    closed: Event,
    /// Notified whenever a connection closes (a newcomer may fit now).
    freed: Event,
}

/// Counts a connection as open while it lives.
struct OpenGuard(Arc<Stop>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        if self.0.open.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.closed.notify(usize::MAX);
        }
        self.0.freed.notify(1);
    }
}

impl Stop {
    async fn all_closed(&self) {
        loop {
            if self.open.load(Ordering::SeqCst) == 0 {
                return;
            }
            let listener = self.closed.listen();
            if self.open.load(Ordering::SeqCst) == 0 {
                return;
            }
            listener.await;
        }
    }
}

impl<R: Runtime> Server<R> {
    /// Starts configuring a server for `router`.
    pub fn builder(router: Arc<Router>) -> ServerBuilder<R> {
        ServerBuilder {
            router,
            config: ServerConfig::default(),
            docs_title: None,
            #[cfg(feature = "tls")]
            tls: None,
            rt: PhantomData,
        }
    }

    /// Where the server listens: `127.0.0.1:PORT` or the unix socket path.
    pub fn local_addr(&self) -> String {
        match (&self.listener, &self.unix_path) {
            (_, Some(path)) => path.display().to_string(),
            (StdListener::Tcp(l), None) => l
                .local_addr()
                .map(|a| a.to_string())
                .unwrap_or_else(|e| format!("<unknown: {e}>")),
            #[cfg(unix)]
            (StdListener::Unix(_), None) => "<unix>".to_owned(),
        }
    }

    /// A handle that stops this server from any thread or task.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle {
            stop: Arc::clone(&self.stop),
        }
    }

    /// Serves until shut down, then returns once every connection closed
    /// (or the grace period ended). Runs inside `R`'s runtime.
    pub async fn serve(self) -> io::Result<()> {
        let Server {
            listener,
            unix_path,
            shared,
            stop,
            ..
        } = self;
        let rt = R::default();
        let listener = rt.listen(listener)?;
        let cap = shared
            .config
            .connection_cap(ConnectionModel::Tasks, crate::fd_limit());
        let admission = Admission::new(&shared.config, cap, Instant::now());
        // Once stopping, what already waits in the backlog was sent before
        // we stopped: it is accepted and answered (with `Connection:
        // close`) before the listener closes.
        let mut backlog_only = false;
        loop {
            let accepted = if backlog_only {
                match futures_lite::future::poll_once(R::accept(&listener)).await {
                    Some(Ok(accepted)) => Ok(accepted),
                    Some(Err(_)) | None => break,
                }
            } else {
                let next = or(async { Some(R::accept(&listener).await) }, async {
                    stop.stopping.wait().await;
                    None
                });
                match next.await {
                    Some(accepted) => accepted,
                    None => {
                        backlog_only = true;
                        continue;
                    }
                }
            };
            let (io, peer) = match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    if !xmlrpc_proto::http::is_disconnect(&e) {
                        rt.sleep_until(Instant::now() + ACCEPT_BACKOFF).await;
                    }
                    continue;
                }
            };
            // Unix peers are usually unnamed: the socket path says more.
            let peer = peer.or_else(|| unix_path.as_ref().map(|p| p.display().to_string()));
            let kick = Arc::new(Signal::default());
            let admitted = if backlog_only {
                // No waiting for room while stopping: full means refused.
                admission.admit(Instant::now(), Arc::clone(&kick)).ok()
            } else {
                admit(&rt, &admission, &stop, Arc::clone(&kick)).await
            };
            let Some(Admitted { ticket, evicted }) = admitted else {
                // Stopping (or full while stopping): only the backlog is left.
                backlog_only = true;
                continue;
            };
            if let Some(victim) = evicted {
                tracing::debug!("connection cap reached: evicting a slow or idle connection");
                victim.set();
            }
            stop.open.fetch_add(1, Ordering::SeqCst);
            let guard = OpenGuard(Arc::clone(&stop));
            let (shared, stop, task_rt) = (Arc::clone(&shared), Arc::clone(&stop), rt.clone());
            rt.spawn(async move {
                let _guard = guard;
                let serving =
                    connection::serve(&task_rt, io, peer, &shared, &stop, (ticket, &kick));
                or(serving, async {
                    stop.killed.wait().await;
                })
                .await;
            });
        }
        // Stop accepting: later peers are refused, never half-served.
        drop(listener);
        tracing::info!(open = stop.open.load(Ordering::SeqCst), "shutting down");
        let grace = after(Instant::now(), shared.config.shutdown_grace);
        if until(&rt, grace, stop.all_closed()).await.is_none() {
            tracing::warn!("grace period over; dropping remaining connections");
            stop.killed.set();
            // Each task drops its connection at its next poll.
            or(stop.all_closed(), async {
                rt.sleep_until(Instant::now() + ACCEPT_BACKOFF).await;
            })
            .await;
        }
        if let Some(path) = unix_path {
            let _ = std::fs::remove_file(path);
        }
        Ok(())
    }
}

/// Admits the connection just accepted, waiting while the cap is reached
/// and nobody can be evicted (until one closes or a slow one's window
/// passes); `None` when the server stops meanwhile.
async fn admit<R: Runtime>(
    rt: &R,
    admission: &Admission<Arc<Signal>>,
    stop: &Stop,
    mut kick: Arc<Signal>,
) -> Option<Admitted<Arc<Signal>>> {
    loop {
        // Listen before trying, so a close in between is not missed.
        let freed = stop.freed.listen();
        match admission.admit(Instant::now(), kick) {
            Ok(admitted) => return Some(admitted),
            Err(Full {
                retry_at,
                kick: back,
            }) => {
                kick = back;
                let woke = or(
                    async {
                        let window_passes = async {
                            match retry_at {
                                Some(at) => rt.sleep_until(at).await,
                                None => futures_lite::future::pending().await,
                            }
                        };
                        or(window_passes, freed).await;
                        true
                    },
                    async {
                        stop.stopping.wait().await;
                        false
                    },
                )
                .await;
                if !woke {
                    return None;
                }
            }
        }
    }
}

impl<R: Runtime> ServerBuilder<R> {
    /// Limits, deadlines, paths, auth, connection cap, grace (default
    /// `ServerConfig::default()`).
    pub fn config(mut self, config: ServerConfig) -> Self {
        self.config = config;
        self
    }

    /// Answers `GET` of the RPC path with an HTML page of every method,
    /// its signatures and help, titled `title` (`Router::docs_page`,
    /// rendered once when the server binds). Off by default.
    pub fn docs_page(mut self, title: &str) -> Self {
        self.docs_title = Some(title.to_owned());
        self
    }

    /// Serves TLS over TCP with this rustls configuration (see
    /// [`tls::server_config`](crate::tls::server_config)).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, config: Arc<crate::tls::TlsServerConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// Listens on TCP (`"127.0.0.1:0"` picks a free port). Works outside
    /// a runtime; [`Server::serve`] needs one.
    pub fn bind(self, addr: impl ToSocketAddrs) -> io::Result<Server<R>> {
        let listener = crate::bind_tcp(addr, self.config.listen_backlog, self.config.reuse_port)?;
        Ok(self.finish(StdListener::Tcp(listener), None, false))
    }

    /// Listens on TCP and speaks SCGI (one call per connection, a CGI
    /// response), for a web server's `scgi_pass` or an SCGI client
    /// (`scgi://host:port`): the same router, limits, deadlines and
    /// overload rules as HTTP. TLS does not apply.
    pub fn bind_scgi(self, addr: impl ToSocketAddrs) -> io::Result<Server<R>> {
        let listener = crate::bind_tcp(addr, self.config.listen_backlog, self.config.reuse_port)?;
        Ok(self.finish(StdListener::Tcp(listener), None, true))
    }

    /// Listens on a unix socket at `path` and speaks SCGI (see
    /// [`bind_scgi`](Self::bind_scgi) and [`bind_unix`](Self::bind_unix)).
    #[cfg(unix)]
    pub fn bind_scgi_unix(self, path: impl AsRef<Path>) -> io::Result<Server<R>> {
        let path = path.as_ref().to_path_buf();
        let listener = crate::unix::bind(&path)?;
        Ok(self.finish(StdListener::Unix(listener), Some(path), true))
    }

    /// Listens on a unix socket at `path` (a stale socket file left by a
    /// server that is gone is replaced; it is removed when the server
    /// stops). TLS does not apply here.
    #[cfg(unix)]
    pub fn bind_unix(self, path: impl AsRef<Path>) -> io::Result<Server<R>> {
        let path = path.as_ref().to_path_buf();
        let listener = crate::unix::bind(&path)?;
        Ok(self.finish(StdListener::Unix(listener), Some(path), false))
    }

    fn finish(
        mut self,
        listener: StdListener,
        unix_path: Option<PathBuf>,
        scgi: bool,
    ) -> Server<R> {
        if let Some(title) = &self.docs_title {
            self.config.docs_page = Some(self.router.docs_page(title).into());
        }
        #[cfg(feature = "tls")]
        let tls = match (&listener, self.tls) {
            (StdListener::Tcp(_), Some(config)) if !scgi => {
                Some(futures_rustls::TlsAcceptor::from(config))
            }
            _ => None,
        };
        Server {
            listener,
            unix_path,
            shared: Arc::new(Shared {
                router: self.router,
                config: Arc::new(self.config),
                scgi,
                #[cfg(feature = "tls")]
                tls,
            }),
            stop: Arc::new(Stop::default()),
            rt: PhantomData,
        }
    }
}

impl<R> std::fmt::Debug for ServerBuilder<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<R> std::fmt::Debug for Server<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("listener", &self.listener)
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}
