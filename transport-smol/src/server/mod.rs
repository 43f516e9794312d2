//! [`Server`]: accepts connections and runs one task per connection.

mod builder;
mod conn;
mod signal;

pub use builder::{
    ServerBuilder, DEFAULT_MAX_CONNECTIONS, DEFAULT_SHUTDOWN_GRACE, DEFAULT_WRITE_TIMEOUT,
};
pub use signal::ShutdownHandle;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_lock::Semaphore;
use futures_lite::future;
use xmlrpc_proto::service::Router;

use self::conn::Shared;
use self::signal::Tracker;
use crate::rt::{self, Listener};

/// An XML-RPC server bound to a TCP or unix socket.
///
/// Each connection runs in its own task; synchronous handlers run on the
/// runtime's blocking pool, so a slow handler never stalls other
/// connections. At most `max_connections` are open at once: further clients
/// wait in the listen backlog. Every call is logged through `tracing`
/// (`info` per call, `debug` per connection).
pub struct Server {
    listener: Listener,
    shared: Arc<Shared>,
    max_connections: usize,
    shutdown_grace: Duration,
    unix_path: Option<PathBuf>,
    #[cfg(feature = "tls")]
    tls: Option<Arc<crate::tls::rustls::ServerConfig>>,
}

impl Server {
    /// Starts configuring a server that routes calls through `router`.
    pub fn builder(router: Arc<Router>) -> ServerBuilder {
        ServerBuilder::new(router)
    }

    /// `"127.0.0.1:PORT"` for TCP, the socket path for unix.
    pub fn local_addr(&self) -> String {
        match (&self.unix_path, self.listener.tcp_addr()) {
            (Some(path), _) => path.display().to_string(),
            (None, Some(addr)) => addr.to_string(),
            (None, None) => String::new(),
        }
    }

    /// A handle that stops [`serve`](Self::serve) gracefully.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle {
            signal: self.shared.shutdown.clone(),
        }
    }

    /// Serves until shut down: then stops accepting, lets calls in flight
    /// finish until the grace deadline, closes idle connections, and
    /// returns once every connection is gone. Accept errors are logged and
    /// retried (after a pause when the process is out of descriptors or
    /// memory), so today it always returns `Ok`; the `io::Result` matches
    /// the other transports' `serve`.
    pub async fn serve(self) -> io::Result<()> {
        let Server {
            listener,
            shared,
            max_connections,
            shutdown_grace,
            unix_path,
            #[cfg(feature = "tls")]
            tls,
        } = self;
        let slots = Arc::new(Semaphore::new(max_connections));
        let tracker = Arc::new(Tracker::default());
        loop {
            // Take a slot first: while none is free, new clients wait in the backlog.
            let slot = future::or(async { Some(slots.acquire_arc().await) }, async {
                shared.shutdown.wait().await;
                None
            })
            .await;
            let Some(slot) = slot else { break };
            let accepted = future::or(async { Some(listener.accept().await) }, async {
                shared.shutdown.wait().await;
                None
            })
            .await;
            let (io, peer) = match accepted {
                None => break,
                Some(Ok(accepted)) => accepted,
                Some(Err(e)) if rt::accept_error_needs_backoff(&e) => {
                    // Out of descriptors and the like: back off rather than spin.
                    tracing::error!(error = %e, "accept failed");
                    rt::sleep_until(Instant::now() + Duration::from_millis(100)).await;
                    continue;
                }
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "accept failed");
                    continue;
                }
            };
            let guard = tracker.enter();
            let shared = shared.clone();
            #[cfg(feature = "tls")]
            let tls = tls.clone();
            rt::spawn(async move {
                let _slot = slot;
                let _guard = guard;
                #[cfg(feature = "tls")]
                let io = match handshake(tls, io, &shared, &peer).await {
                    Some(io) => io,
                    None => return,
                };
                conn::serve_connection(io, peer, shared).await;
            });
        }
        // Stop accepting: clients still in the backlog are refused.
        drop(listener);
        let grace_end = Instant::now() + shutdown_grace;
        if rt::with_deadline(Some(grace_end), tracker.wait_idle())
            .await
            .is_none()
        {
            tracing::warn!("shutdown grace period over; dropping busy connections");
            shared.force.trigger();
            tracker.wait_idle().await;
        }
        if let Some(path) = unix_path {
            let _ = std::fs::remove_file(path);
        }
        tracing::info!("server stopped");
        Ok(())
    }
}

/// Runs the TLS handshake when TLS is on, within the write timeout.
#[cfg(feature = "tls")]
async fn handshake(
    tls: Option<Arc<crate::tls::rustls::ServerConfig>>,
    io: rt::BoxIo,
    shared: &Shared,
    peer: &str,
) -> Option<rt::BoxIo> {
    let Some(config) = tls else { return Some(io) };
    let deadline = Instant::now() + shared.write_timeout;
    let handshake = rt::with_deadline(Some(deadline), crate::tls::accept(config, io));
    // A handshake still running when the grace period ends is dropped too.
    let forced = async {
        shared.force.wait().await;
        None
    };
    match future::or(handshake, forced).await {
        Some(Ok(io)) => Some(io),
        Some(Err(e)) => {
            tracing::debug!(%peer, error = %e, "TLS handshake failed");
            None
        }
        None => {
            tracing::debug!(%peer, "TLS handshake timed out or cut by shutdown");
            None
        }
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr())
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}
