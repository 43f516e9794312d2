//! [`ServerConfig`]: every server setting as plain data, with its defaults
//! defined here once. The HTTP machine reads the protocol part and the
//! overload rules (with [`Admission`](super::Admission)); transports read
//! the rest (write and TLS deadlines, shutdown grace).

use std::sync::Arc;
use std::time::Duration;

use super::TrustedProxies;
use crate::Limits;

/// The Basic-auth callback of [`ServerConfig::auth`]: (user, password) to
/// accept or refuse. Compare secrets in constant time, so the answer's
/// timing does not tell how much of a guess was right:
///
/// ```
/// use std::sync::Arc;
/// use xmlrpc_proto::http::ServerConfig;
///
/// /// Equal bytes, in time that depends only on the lengths.
/// fn ct_eq(a: &[u8], b: &[u8]) -> bool {
///     a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
/// }
///
/// let config = ServerConfig {
///     auth: Some(Arc::new(|user: &str, password: &str| {
///         // Evaluate both, always: no early exit on a wrong user.
///         let user_ok = ct_eq(user.as_bytes(), b"admin");
///         let password_ok = ct_eq(password.as_bytes(), b"s3cret");
///         user_ok & password_ok
///     })),
///     ..ServerConfig::default()
/// };
/// let check = config.auth.as_ref().unwrap();
/// assert!(check("admin", "s3cret") && !check("admin", "s3creT"));
/// ```
pub type AuthCheck = dyn Fn(&str, &str) -> bool + Send + Sync;

/// Settings shared by every connection of a server.
#[derive(Clone)]
pub struct ServerConfig {
    /// Decoder limits for request bodies (`max_message_size` caps the body,
    /// before and after gzip inflation).
    pub limits: Limits,
    /// Largest request head in bytes (default 16 KiB).
    pub max_head_size: usize,
    /// Most request headers (default 100).
    pub max_headers: usize,
    /// Deadline for a whole request head once its first byte arrived (30 s).
    pub head_timeout: Duration,
    /// Deadline for a whole body once the head arrived (60 s).
    pub body_timeout: Duration,
    /// Idle keep-alive connections are closed after this (75 s).
    pub idle_timeout: Duration,
    /// Request paths served (default `/` and `/RPC2`); others get 404.
    /// Each call's `Context::path` shares its entry here.
    pub paths: Vec<Arc<str>>,
    /// Gzip responses at least this large when the client accepts gzip
    /// (default 1 KiB); `None` never compresses.
    pub gzip_threshold: Option<usize>,
    /// When set, requests need Basic auth and this decides (user, password).
    pub auth: Option<Arc<AuthCheck>>,
    /// `Server` header value.
    pub server_name: String,
    /// Deadline for writing one answer (30 s): a peer that stops reading
    /// frees its connection.
    pub write_timeout: Duration,
    /// After refusing a request (413, 400, ...), how long the connection
    /// keeps reading and discarding what the client still sends before it
    /// closes (2 s). Closing at once with unread bytes makes the kernel send
    /// a reset, which can destroy the refusal before the client reads it.
    pub linger_timeout: Duration,
    /// Deadline for a TLS handshake on an accepted connection (10 s).
    pub tls_handshake_timeout: Duration,
    /// On graceful shutdown, how long an idle keep-alive connection stays
    /// open for at most one more request, answered with `Connection:
    /// close` (5 s): a load balancer may already have sent one before it
    /// saw us go. Keep a balancer's upstream keep-alive timeout below it.
    /// Zero closes idle connections at once.
    pub drain_timeout: Duration,
    /// Most connections open at once; `None` (the default) takes the
    /// transport's: 10,000 for tasks or event loops (every transport of
    /// this workspace), 1,024 for a thread per connection, either lowered to what the process may open (see
    /// [`connection_cap`](Self::connection_cap)). At the cap a newcomer
    /// evicts a connection that sent no complete head within
    /// [`first_head_window`](Self::first_head_window), else the longest-idle
    /// keep-alive one; with none to evict it waits in the accept backlog.
    pub max_connections: Option<usize>,
    /// At the connection cap, a connection whose request head is not
    /// complete this long after it began (after the accept, for a fresh
    /// connection) may be evicted for a newcomer (1 s).
    pub first_head_window: Duration,
    /// Bytes of request bodies all connections together may hold (256 MiB;
    /// keep it at least `limits.max_message_size`). A request that does not
    /// fit gets `503` with `Retry-After` and the connection closes.
    pub body_budget: usize,
    /// Part of [`body_budget`](Self::body_budget) that only requests of at
    /// most [`small_body`](Self::small_body) bytes may use (16 MiB), so
    /// small calls get through while large bodies hold the rest.
    pub body_reserve: usize,
    /// Largest body that may draw on the reserve (64 KiB).
    pub small_body: usize,
    /// HTML answered to a `GET` of a served path (see `Router::docs_page`;
    /// the transports' `ServerBuilder::docs_page` renders it); `None` (the
    /// default) answers such a `GET` with 405.
    pub docs_page: Option<Arc<str>>,
    /// A path answering `GET` (and `HEAD`) with 200 `ok` while serving and
    /// 503 `draining` once a graceful shutdown began, for load balancers'
    /// health checks; `None` (the default) has none.
    pub health_path: Option<String>,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers are
    /// believed for `Context::client` (none by default: the headers are
    /// ignored, since any client can send them).
    pub trusted_proxies: TrustedProxies,
    /// Listen with `SO_REUSEPORT` (off by default): several processes
    /// share one port, so a new instance starts before the old one stops.
    pub reuse_port: bool,
    /// Connections the kernel may hold waiting to be accepted (1,024; the
    /// kernel may lower it, to `net.core.somaxconn` on Linux). A client
    /// that finds it full waits a second or more to retry.
    pub listen_backlog: u32,
    /// After a graceful shutdown starts, how long calls in flight may run
    /// on before their connections are dropped (10 s).
    pub shutdown_grace: Duration,
}

/// The defaults of [`ServerConfig`], in one place.
pub mod defaults {
    use std::time::Duration;

    /// [`ServerConfig::head_timeout`](super::ServerConfig::head_timeout).
    pub const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
    /// [`ServerConfig::body_timeout`](super::ServerConfig::body_timeout).
    pub const BODY_TIMEOUT: Duration = Duration::from_secs(60);
    /// [`ServerConfig::idle_timeout`](super::ServerConfig::idle_timeout).
    pub const IDLE_TIMEOUT: Duration = Duration::from_secs(75);
    /// [`ServerConfig::write_timeout`](super::ServerConfig::write_timeout).
    pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
    /// [`ServerConfig::linger_timeout`](super::ServerConfig::linger_timeout).
    pub const LINGER_TIMEOUT: Duration = Duration::from_secs(2);
    /// [`ServerConfig::tls_handshake_timeout`](super::ServerConfig::tls_handshake_timeout).
    pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
    /// [`ServerConfig::max_connections`](super::ServerConfig::max_connections)
    /// with a thread per connection.
    pub const MAX_CONNECTIONS_THREADS: usize = 1024;
    /// [`ServerConfig::max_connections`](super::ServerConfig::max_connections)
    /// with a task per connection.
    pub const MAX_CONNECTIONS_TASKS: usize = 10_000;
    /// File descriptors kept free below the process's limit for
    /// everything else (listeners, files, outgoing connections).
    pub const FD_RESERVE: u64 = 64;
    /// [`ServerConfig::first_head_window`](super::ServerConfig::first_head_window).
    pub const FIRST_HEAD_WINDOW: Duration = Duration::from_secs(1);
    /// [`ServerConfig::body_budget`](super::ServerConfig::body_budget).
    pub const BODY_BUDGET: usize = 256 << 20;
    /// [`ServerConfig::body_reserve`](super::ServerConfig::body_reserve).
    pub const BODY_RESERVE: usize = 16 << 20;
    /// [`ServerConfig::small_body`](super::ServerConfig::small_body).
    pub const SMALL_BODY: usize = 64 << 10;
    /// [`ServerConfig::listen_backlog`](super::ServerConfig::listen_backlog).
    pub const LISTEN_BACKLOG: u32 = 1024;
    /// [`ServerConfig::drain_timeout`](super::ServerConfig::drain_timeout).
    pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
    /// [`ServerConfig::shutdown_grace`](super::ServerConfig::shutdown_grace).
    pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
}

impl Default for ServerConfig {
    /// The defaults of the limits table in [`crate::http`].
    fn default() -> Self {
        ServerConfig {
            limits: Limits::server(),
            max_head_size: 16 * 1024,
            max_headers: 100,
            head_timeout: defaults::HEAD_TIMEOUT,
            body_timeout: defaults::BODY_TIMEOUT,
            idle_timeout: defaults::IDLE_TIMEOUT,
            paths: vec!["/".into(), "/RPC2".into()],
            gzip_threshold: Some(1024),
            auth: None,
            server_name: concat!("xmlrpc-proto/", env!("CARGO_PKG_VERSION")).to_string(),
            write_timeout: defaults::WRITE_TIMEOUT,
            linger_timeout: defaults::LINGER_TIMEOUT,
            tls_handshake_timeout: defaults::TLS_HANDSHAKE_TIMEOUT,
            drain_timeout: defaults::DRAIN_TIMEOUT,
            max_connections: None,
            first_head_window: defaults::FIRST_HEAD_WINDOW,
            body_budget: defaults::BODY_BUDGET,
            body_reserve: defaults::BODY_RESERVE,
            small_body: defaults::SMALL_BODY,
            listen_backlog: defaults::LISTEN_BACKLOG,
            docs_page: None,
            health_path: None,
            trusted_proxies: TrustedProxies::default(),
            reuse_port: false,
            shutdown_grace: defaults::SHUTDOWN_GRACE,
        }
    }
}

/// How a transport runs its connections, which sets its default cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionModel {
    /// A thread per connection: a modest cap, relying on eviction.
    Threads,
    /// A task per connection, or event loops: a cap near what file
    /// descriptors allow.
    Tasks,
}

impl ServerConfig {
    /// The entry of [`paths`](Self::paths) that is `path`, if it is served.
    pub fn served_path(&self, path: &str) -> Option<&Arc<str>> {
        self.paths.iter().find(|served| ***served == *path)
    }

    /// The most connections open at once for a transport running them as
    /// `model`, in a process that may open `fd_limit` descriptors (`None`
    /// when unknown): [`max_connections`](Self::max_connections) or the
    /// model's default, lowered to leave [`defaults::FD_RESERVE`] free.
    pub fn connection_cap(&self, model: ConnectionModel, fd_limit: Option<u64>) -> usize {
        let wanted = self.max_connections.unwrap_or(match model {
            ConnectionModel::Threads => defaults::MAX_CONNECTIONS_THREADS,
            ConnectionModel::Tasks => defaults::MAX_CONNECTIONS_TASKS,
        });
        let allowed = fd_limit.map_or(usize::MAX, |n| {
            usize::try_from(n.saturating_sub(defaults::FD_RESERVE)).unwrap_or(usize::MAX)
        });
        wanted.min(allowed).max(1)
    }
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("limits", &self.limits)
            .field("max_head_size", &self.max_head_size)
            .field("max_headers", &self.max_headers)
            .field("head_timeout", &self.head_timeout)
            .field("body_timeout", &self.body_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("paths", &self.paths)
            .field("gzip_threshold", &self.gzip_threshold)
            .field("auth", &self.auth.is_some())
            .field("write_timeout", &self.write_timeout)
            .field("linger_timeout", &self.linger_timeout)
            .field("tls_handshake_timeout", &self.tls_handshake_timeout)
            .field("drain_timeout", &self.drain_timeout)
            .field("max_connections", &self.max_connections)
            .field("first_head_window", &self.first_head_window)
            .field("body_budget", &self.body_budget)
            .field("body_reserve", &self.body_reserve)
            .field("small_body", &self.small_body)
            .field("listen_backlog", &self.listen_backlog)
            .field("docs_page", &self.docs_page.as_ref().map(|p| p.len()))
            .field("health_path", &self.health_path)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("reuse_port", &self.reuse_port)
            .field("shutdown_grace", &self.shutdown_grace)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_follows_the_model_and_stays_below_the_descriptor_limit() {
        let config = ServerConfig::default();
        assert_eq!(config.connection_cap(ConnectionModel::Threads, None), 1024);
        assert_eq!(config.connection_cap(ConnectionModel::Tasks, None), 10_000);
        assert_eq!(
            config.connection_cap(ConnectionModel::Tasks, Some(1024)),
            960
        );
        assert_eq!(config.connection_cap(ConnectionModel::Tasks, Some(10)), 1);
        let fixed = ServerConfig {
            max_connections: Some(50),
            ..ServerConfig::default()
        };
        assert_eq!(
            fixed.connection_cap(ConnectionModel::Threads, Some(1 << 20)),
            50
        );
    }
}
