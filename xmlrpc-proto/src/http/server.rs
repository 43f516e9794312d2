//! [`ServerConnection`]: one server-side HTTP/1.1 connection, sans IO.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Input, Output};
use crate::{Limits, MethodCall, MethodResponse};

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
    pub paths: Vec<String>,
    /// Gzip responses at least this large when the client accepts gzip
    /// (default 1 KiB); `None` never compresses.
    pub gzip_threshold: Option<usize>,
    /// When set, requests need Basic auth and this decides (user, password).
    pub auth: Option<Arc<dyn Fn(&str, &str) -> bool + Send + Sync>>,
    /// `Server` header value.
    pub server_name: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        todo!("http")
    }
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig").finish_non_exhaustive()
    }
}

/// Identifies one request on a connection; answer it with
/// [`ServerConnection::respond`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RequestId(pub u64);

/// What a server connection reports to the application.
#[derive(Debug)]
pub enum ServerEvent {
    /// A decoded call to route and answer.
    Call {
        /// Pass back to `respond`.
        id: RequestId,
        /// The call.
        call: MethodCall,
        /// Method, URI, version and headers of the HTTP request.
        head: http::request::Parts,
        /// The user that passed Basic auth, if auth is configured.
        user: Option<String>,
    },
}

/// One server-side connection. Requests are answered in order; pipelined
/// requests wait for the ones before them.
#[derive(Debug)]
pub struct ServerConnection {
    _todo: (),
}

impl ServerConnection {
    /// A fresh connection accepted at `now`.
    pub fn new(config: Arc<ServerConfig>, now: Instant) -> Self {
        let _ = (config, now);
        todo!("http")
    }

    /// Feeds bytes, end of input, or the passage of time.
    pub fn handle_input(&mut self, input: Input<'_>) {
        let _ = input;
        todo!("http")
    }

    /// The next thing to do; call until `Wait` or `Closed`.
    pub fn poll_output(&mut self) -> Output<ServerEvent> {
        todo!("http")
    }

    /// Answers request `id` (encodes, frames, maybe gzips).
    pub fn respond(&mut self, id: RequestId, response: MethodResponse, now: Instant) {
        let _ = (id, response, now);
        todo!("http")
    }

    /// Graceful shutdown: finish the request in flight (if any), then close;
    /// an idle connection closes at once.
    pub fn shutdown(&mut self, now: Instant) {
        let _ = now;
        todo!("http")
    }
}
