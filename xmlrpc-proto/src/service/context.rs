//! [`Context`]: what a handler may know about the call it serves.

/// Per-call facts the transport fills in and handlers may ask for.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The peer's address as text (`127.0.0.1:52144`, a unix socket path, or
    /// whatever a custom stack uses); `None` when unknown.
    pub peer: Option<String>,
    /// The HTTP request headers (empty outside HTTP).
    pub headers: http::HeaderMap,
    /// The user name that passed Basic authentication, if any.
    pub user: Option<String>,
}
