//! [`Context`]: what a handler may know about the call it serves.

use std::fmt;
use std::sync::Arc;

use crate::http::redact;

/// Per-call facts the transport fills in and handlers may ask for.
///
/// `Debug` shows credentials (`Authorization`, `Proxy-Authorization`,
/// `Cookie`) as `<redacted>`, so logging a context never leaks a password.
#[derive(Clone, Default)]
pub struct Context {
    /// The peer's address as text (`127.0.0.1:52144`, a unix socket path, or
    /// whatever a custom stack uses); `None` when unknown. Shared with the
    /// connection (an `Arc`), so a call never copies it.
    pub peer: Option<Arc<str>>,
    /// The request path (`/RPC2`; empty outside HTTP); shared, like `peer`,
    /// by the calls that use the same path.
    pub path: Arc<str>,
    /// The HTTP request headers (empty outside HTTP).
    pub headers: http::HeaderMap,
    /// The user name that passed Basic authentication, if any.
    pub user: Option<String>,
    /// The client's address: `peer`, or, when `peer` is a trusted reverse
    /// proxy (`ServerConfig::trusted_proxies`), the address it forwarded
    /// in `Forwarded` or `X-Forwarded-For`.
    pub client: Option<Arc<str>>,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("peer", &self.peer)
            .field("path", &self.path)
            .field("headers", &redact::Headers(&self.headers))
            .field("user", &self.user)
            .field("client", &self.client)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_credentials() {
        let mut ctx = Context {
            user: Some("alice".into()),
            ..Context::default()
        };
        let basic = http::HeaderValue::from_static("Basic YWxpY2U6czNjcmV0");
        ctx.headers.insert(http::header::AUTHORIZATION, basic);
        let cookie = http::HeaderValue::from_static("session=t0ken");
        ctx.headers.insert(http::header::COOKIE, cookie);
        let agent = http::HeaderValue::from_static("probe/1");
        ctx.headers.insert(http::header::USER_AGENT, agent);
        let shown = format!("{ctx:?}");
        assert!(!shown.contains("YWxpY2U6czNjcmV0"), "{shown}");
        assert!(!shown.contains("t0ken"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(shown.contains("probe/1"), "{shown}");
        assert!(shown.contains("alice"), "{shown}");
    }
}
