//! `Debug` helpers that keep secrets out of logs: credential headers and the
//! URL password are shown as `<redacted>`.

use std::fmt;

/// What a secret is shown as.
pub(crate) const REDACTED: &str = "<redacted>";

/// Headers whose values are secrets.
fn is_secret(name: &http::HeaderName) -> bool {
    name == http::header::AUTHORIZATION
        || name == http::header::PROXY_AUTHORIZATION
        || name == http::header::COOKIE
}

/// A header map whose `Debug` shows secret values as `<redacted>`.
pub(crate) struct Headers<'a>(pub(crate) &'a http::HeaderMap);

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if is_secret(name) {
                map.entry(name, &format_args!("{REDACTED}"));
            } else {
                map.entry(name, value);
            }
        }
        map.finish()
    }
}

/// An optional secret: `None`, or `Some(<redacted>)`.
pub(crate) struct Secret<'a, T>(pub(crate) &'a Option<T>);

impl<T> fmt::Debug for Secret<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(_) => f
                .debug_tuple("Some")
                .field(&format_args!("{REDACTED}"))
                .finish(),
            None => f.write_str("None"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_hide_credentials_and_show_the_rest() {
        let mut headers = http::HeaderMap::new();
        let basic = http::HeaderValue::from_static("Basic YWxpY2U6czNjcmV0");
        headers.insert(http::header::AUTHORIZATION, basic);
        let proxy = http::HeaderValue::from_static("Basic cHJveHk=");
        headers.insert(http::header::PROXY_AUTHORIZATION, proxy);
        let cookie = http::HeaderValue::from_static("session=t0ken");
        headers.insert(http::header::COOKIE, cookie);
        let agent = http::HeaderValue::from_static("probe/1");
        headers.insert(http::header::USER_AGENT, agent);
        let shown = format!("{:?}", Headers(&headers));
        for secret in ["YWxpY2U6czNjcmV0", "cHJveHk=", "t0ken"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert_eq!(shown.matches(REDACTED).count(), 3, "{shown}");
        assert!(shown.contains("probe/1"), "{shown}");
    }

    #[test]
    fn secret_tells_none_from_some() {
        assert_eq!(format!("{:?}", Secret(&Some("s3cret"))), "Some(<redacted>)");
        assert_eq!(format!("{:?}", Secret::<&str>(&None)), "None");
    }
}

/// `url` with the password of a `user:password@` part replaced, for
/// error messages that name a URL.
pub(crate) fn url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:{REDACTED}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod url_tests {
    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            super::url("http://u:s3cret@proxy:3128/x"),
            "http://u:<redacted>@proxy:3128/x"
        );
        assert_eq!(super::url("http://proxy:3128"), "http://proxy:3128");
    }
}
