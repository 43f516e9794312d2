//! [`CookieJar`]: the opt-in cookie store a client's connections share.
//!
//! Which cookies are kept and which are sent is the `cookie_store` crate's
//! RFC 6265 policy (domain and path matching, `Secure` only over
//! `https://`, expiry, host-only cookies); this module only connects it to
//! the core's client path: [`ClientConnection`](crate::http::ClientConnection)
//! asks the jar for a `Cookie` header when it writes a request and hands it
//! every `Set-Cookie` of a response head. A `unix://` address is treated as
//! `http://localhost` with the address's path.
//!
//! A jar is saved and loaded in the Netscape cookie-file format of curl and
//! Python's `http.cookiejar.MozillaCookieJar` with
//! [`CookieJar::write_netscape`] and [`CookieJar::read_netscape`]; the
//! transports add functions that take a path.
//!
//! Expiry is wall-clock time (`Max-Age`, `Expires`), read by `cookie_store`
//! itself when it matches; it has nothing to do with the `Instant`s the
//! connection machines are driven with.

use std::fmt;
use std::sync::{Mutex, MutexGuard};

use cookie_store::{CookieStore, RawCookie};
use http::{HeaderMap, HeaderValue};
use url::Url;

use crate::http::Address;

/// Cookies shared by every connection of a client (and, through an `Arc`,
/// by several clients). Empty when made with [`CookieJar::new`].
///
/// ```
/// use std::sync::Arc;
/// use xmlrpc_proto::client::{ClientConfig, CookieJar};
///
/// let jar = Arc::new(CookieJar::new());
/// let config = ClientConfig::builder("http://127.0.0.1:8000/RPC2")
///     .cookie_jar(Arc::clone(&jar))
///     .build()?;
/// assert!(config.cookie_jar.is_some());
/// # Ok::<(), xmlrpc_proto::client::ClientError>(())
/// ```
#[derive(Default)]
pub struct CookieJar {
    store: Mutex<CookieStore>,
}

impl CookieJar {
    /// An empty jar.
    pub fn new() -> Self {
        CookieJar::default()
    }

    /// A jar holding the cookies of `store`.
    pub fn from_store(store: CookieStore) -> Self {
        CookieJar {
            store: Mutex::new(store),
        }
    }

    /// The `Cookie` header value for a request to `address`, or `None` when
    /// no stored cookie matches it.
    pub fn request_header(&self, address: &Address) -> Option<HeaderValue> {
        let url = url_of(address)?;
        let store = self.lock();
        let pairs: Vec<String> = store
            .get_request_values(&url)
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        if pairs.is_empty() {
            return None;
        }
        HeaderValue::from_str(&pairs.join("; ")).ok()
    }

    /// Stores the `Set-Cookie` headers of a response from `address`;
    /// cookies `cookie_store` refuses (another domain, unparsable) are
    /// dropped, as a browser drops them.
    pub fn store_response(&self, address: &Address, headers: &HeaderMap) {
        let mut set = headers
            .get_all(http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|text| RawCookie::parse(text.to_owned()).ok())
            .peekable();
        if set.peek().is_none() {
            return;
        }
        let Some(url) = url_of(address) else { return };
        self.lock().store_response_cookies(set, &url);
    }

    /// Runs `f` on the underlying store (to look at, add or remove
    /// cookies directly).
    pub fn with_store<R>(&self, f: impl FnOnce(&mut CookieStore) -> R) -> R {
        f(&mut self.lock())
    }

    /// Unexpired cookies held now (session cookies included).
    pub fn len(&self) -> usize {
        self.lock().iter_unexpired().count()
    }

    /// True when no unexpired cookie is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A panic while the store was held cannot leave it half-changed in a
    /// way that matters more than a lost cookie, so a poisoned lock is
    /// taken over.
    fn lock(&self) -> MutexGuard<'_, CookieStore> {
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl fmt::Debug for CookieJar {
    /// Counts the cookies; names and values stay out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieJar")
            .field("cookies", &self.len())
            .finish()
    }
}

/// The URL `cookie_store` matches cookies against for `address`.
pub(crate) fn url_of(address: &Address) -> Option<Url> {
    let text = match address {
        Address::Tcp(tcp) => format!(
            "{}://{}{}",
            if tcp.tls { "https" } else { "http" },
            address.host_header(),
            tcp.path
        ),
        Address::Unix(unix) => format!("http://localhost{}", unix.path),
    };
    Url::parse(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(url: &str) -> Address {
        Address::parse(url).expect("address")
    }

    fn set_cookies(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(
                http::header::SET_COOKIE,
                HeaderValue::from_str(v).expect("value"),
            );
        }
        headers
    }

    #[test]
    fn set_cookie_is_sent_back_to_the_same_host_only() {
        let jar = CookieJar::new();
        let here = address("http://127.0.0.1:8000/RPC2");
        assert!(jar.request_header(&here).is_none());
        jar.store_response(&here, &set_cookies(&["session=abc; Path=/", "lang=en"]));
        let header = jar.request_header(&here).expect("a Cookie header");
        let text = header.to_str().expect("ascii");
        assert!(
            text.contains("session=abc") && text.contains("lang=en"),
            "{text}"
        );
        assert!(jar
            .request_header(&address("http://127.0.0.2:8000/RPC2"))
            .is_none());
        assert_eq!(jar.len(), 2);
    }

    #[test]
    fn secure_cookies_go_over_https_only_and_paths_match() {
        let jar = CookieJar::new();
        let tls = address("https://example.com/api/xmlrpc");
        jar.store_response(
            &tls,
            &set_cookies(&["s=1; Secure; Path=/", "scoped=2; Path=/api"]),
        );
        let plain = jar
            .request_header(&address("http://example.com/api/x"))
            .expect("the non-secure cookie");
        assert_eq!(plain.to_str().ok(), Some("scoped=2"));
        assert!(jar
            .request_header(&address("http://example.com/other"))
            .is_none());
    }

    #[test]
    fn expired_and_foreign_cookies_are_not_kept() {
        let jar = CookieJar::new();
        let here = address("http://example.com/RPC2");
        jar.store_response(
            &here,
            &set_cookies(&[
                "old=1; Max-Age=0",
                "other=1; Domain=example.org",
                "ok=1; Max-Age=60",
            ]),
        );
        assert_eq!(
            jar.request_header(&here)
                .and_then(|v| v.to_str().ok().map(String::from)),
            Some("ok=1".to_string())
        );
    }

    #[test]
    fn unix_addresses_act_as_localhost() {
        let jar = CookieJar::new();
        let unix = address("unix:///tmp/x.sock");
        jar.store_response(&unix, &set_cookies(&["u=1"]));
        assert!(jar.request_header(&unix).is_some());
        assert_eq!(format!("{jar:?}"), "CookieJar { cookies: 1 }");
    }
}
