//! HTTP Basic authentication (RFC 7617): the client's header and the
//! server's parsing of it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// The `Authorization` value for `user` and `password`.
pub(crate) fn basic_header(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

/// The (user, password) of a `Basic` credentials value, or `None` when it
/// is another scheme or malformed.
pub(crate) fn parse_basic(value: &[u8]) -> Option<(String, String)> {
    let value = value.trim_ascii();
    let (scheme, rest) = value.split_at(value.iter().position(|&b| b == b' ')?);
    if !scheme.eq_ignore_ascii_case(b"basic") {
        return None;
    }
    let decoded = STANDARD.decode(rest.trim_ascii()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let h = basic_header("Aladdin", "open:sesame");
        assert_eq!(h, "Basic QWxhZGRpbjpvcGVuOnNlc2FtZQ==");
        assert_eq!(
            parse_basic(h.as_bytes()),
            Some(("Aladdin".into(), "open:sesame".into()))
        );
        assert_eq!(
            parse_basic(b"basic   QWxhZGRpbjpvcGVuOnNlc2FtZQ== "),
            Some(("Aladdin".into(), "open:sesame".into()))
        );
    }

    #[test]
    fn refuses_other_schemes_and_garbage() {
        assert_eq!(parse_basic(b"Bearer QWxhZGRpbjpv"), None);
        assert_eq!(parse_basic(b"Basic !!!"), None);
        assert_eq!(parse_basic(b"Basic"), None);
        // No colon in the decoded text.
        assert_eq!(parse_basic(b"Basic QWxhZGRpbg=="), None);
    }
}
