//! The Netscape cookie-file format that curl (`-b`/`-c`) and Python's
//! `http.cookiejar.MozillaCookieJar` read and write, for [`CookieJar`].
//!
//! With each tab shown as two spaces:
//!
//! ```text
//! # Netscape HTTP Cookie File
//! .example.com  TRUE  /  TRUE  1767225600  session  abc
//! #HttpOnly_127.0.0.1  FALSE  /RPC2  FALSE  0  token  xyz
//! ```
//!
//! One cookie a line, seven tab-separated fields: the domain (a leading
//! `.` when subdomains match, a `#HttpOnly_` prefix for HttpOnly cookies),
//! the include-subdomains flag (`TRUE` exactly when the domain starts with
//! `.`, as Python insists), the path, the secure flag, the expiry in Unix
//! seconds (`0`: a session cookie), the name and the value. Other lines
//! starting with `#`, and blank lines, are comments.
//!
//! Reading and writing take a reader or a writer: the core opens no file.
//! The transports' `load_cookie_jar`/`save_cookie_jar` take a path and
//! name it in their errors.

use std::fmt;
use std::io::{BufRead, Write};

use cookie::time::OffsetDateTime;
use cookie_store::{Cookie, CookieDomain, CookieError, CookieExpiration, CookieStore, RawCookie};
use url::Url;

use super::cookies::CookieJar;

/// The first line of every file written, and what Python checks for.
pub const NETSCAPE_HEADER: &str = "# Netscape HTTP Cookie File";

const HTTP_ONLY_PREFIX: &str = "#HttpOnly_";

/// A cookie file that cannot be read or written: which file (when known),
/// which line (for a malformed one) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieFileError {
    /// The file, as the caller named it (`None` for a bare reader).
    pub file: Option<String>,
    /// The 1-based line of a malformed entry.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl CookieFileError {
    fn at(line: usize, reason: impl Into<String>) -> Self {
        CookieFileError {
            file: None,
            line: Some(line),
            reason: reason.into(),
        }
    }

    /// The same error, naming `file`.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
}

impl fmt::Display for CookieFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cookie file")?;
        if let Some(file) = &self.file {
            write!(f, " {file}")?;
        }
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for CookieFileError {}

impl CookieJar {
    /// Writes every unexpired cookie (session cookies with expiry `0`) in
    /// the Netscape format, header line first.
    pub fn write_netscape(&self, out: &mut impl Write) -> std::io::Result<()> {
        let mut lines = self.with_store(|store| {
            store
                .iter_unexpired()
                .filter_map(netscape_line)
                .collect::<Vec<_>>()
        });
        // The store is a hash map: sort, so the same jar writes the same file.
        lines.sort_unstable();
        writeln!(out, "{NETSCAPE_HEADER}")?;
        writeln!(out, "# Written by xmlrpc-proto; curl and Python read it.")?;
        writeln!(out)?;
        for line in lines {
            writeln!(out, "{line}")?;
        }
        out.flush()
    }

    /// Reads a Netscape cookie file. Cookies already expired are skipped
    /// (as curl and Python skip them); a malformed line is an error naming
    /// its line number. A missing header line is accepted (curl does).
    pub fn read_netscape(input: impl BufRead) -> Result<CookieJar, CookieFileError> {
        let mut store = CookieStore::default();
        for (index, line) in input.lines().enumerate() {
            let number = index + 1;
            let line = line.map_err(|e| CookieFileError::at(number, e.to_string()))?;
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some((cookie, url)) = parse_line(line, number)? {
                match store.insert(cookie, &url) {
                    Ok(_) | Err(CookieError::Expired) => {}
                    Err(e) => return Err(CookieFileError::at(number, format!("refused: {e}"))),
                }
            }
        }
        Ok(CookieJar::from_store(store))
    }
}

/// One cookie as a file line; `None` for one without a domain.
fn netscape_line(cookie: &Cookie<'static>) -> Option<String> {
    let (domain, subdomains) = match &cookie.domain {
        CookieDomain::HostOnly(host) => (host.clone(), "FALSE"),
        CookieDomain::Suffix(suffix) => (format!(".{suffix}"), "TRUE"),
        CookieDomain::NotPresent | CookieDomain::Empty => return None,
    };
    let prefix = if cookie.http_only() == Some(true) {
        HTTP_ONLY_PREFIX
    } else {
        ""
    };
    let expiry = match cookie.expires {
        CookieExpiration::AtUtc(at) => at.unix_timestamp().max(1),
        CookieExpiration::SessionEnd => 0,
    };
    Some(format!(
        "{prefix}{domain}\t{subdomains}\t{}\t{}\t{expiry}\t{}\t{}",
        String::from(&cookie.path),
        flag(cookie.secure() == Some(true)),
        cookie.name(),
        cookie.value(),
    ))
}

fn flag(on: bool) -> &'static str {
    if on {
        "TRUE"
    } else {
        "FALSE"
    }
}

/// A line as a cookie and the URL it counts as received from; `None` for
/// comments, blank lines and cookies already expired.
fn parse_line(
    line: &str,
    number: usize,
) -> Result<Option<(Cookie<'static>, Url)>, CookieFileError> {
    let (line, http_only) = match line.strip_prefix(HTTP_ONLY_PREFIX) {
        Some(rest) => (rest, true),
        None if line.trim().is_empty() || line.starts_with('#') => return Ok(None),
        None => (line, false),
    };
    let fields: Vec<&str> = line.split('\t').collect();
    let [domain, subdomains, path, secure, expiry, name, value] = fields[..] else {
        let found = fields.len();
        return Err(CookieFileError::at(
            number,
            format!("expected 7 tab-separated fields, found {found}"),
        ));
    };
    let bad = |what: &str| CookieFileError::at(number, what.to_string());
    let subdomains = parse_flag(subdomains)
        .ok_or_else(|| bad("the include-subdomains field is neither TRUE nor FALSE"))?;
    let secure =
        parse_flag(secure).ok_or_else(|| bad("the secure field is neither TRUE nor FALSE"))?;
    let host = domain.strip_prefix('.').unwrap_or(domain);
    if host.is_empty() || host.contains(['/', ' ', ':']) {
        return Err(bad("the domain is empty or not a host name"));
    }
    if subdomains != domain.starts_with('.') {
        return Err(bad(
            "the include-subdomains flag must be TRUE exactly when the domain starts with '.'",
        ));
    }
    if !path.starts_with('/') {
        return Err(bad("the path does not start with '/'"));
    }
    let expiry: i64 = expiry
        .trim()
        .parse()
        .map_err(|_| bad("the expiry is not a whole number of seconds"))?;
    if name.is_empty() {
        return Err(bad("the cookie has no name"));
    }
    let mut raw = RawCookie::build((name.to_owned(), value.to_owned()))
        .path(path.to_owned())
        .secure(secure)
        .http_only(http_only);
    if subdomains {
        raw = raw.domain(host.to_owned());
    }
    if expiry > 0 {
        let at = OffsetDateTime::from_unix_timestamp(expiry)
            .map_err(|_| bad("the expiry is out of range"))?;
        raw = raw.expires(at);
    }
    let scheme = if secure { "https" } else { "http" };
    let url = Url::parse(&format!("{scheme}://{host}{path}"))
        .map_err(|e| bad(&format!("the domain and path do not form a URL: {e}")))?;
    match Cookie::try_from_raw_cookie(&raw.build(), &url) {
        Ok(cookie) => Ok(Some((cookie.into_owned(), url))),
        Err(CookieError::Expired) => Ok(None),
        Err(e) => Err(bad(&format!("refused: {e}"))),
    }
}

fn parse_flag(text: &str) -> Option<bool> {
    match text {
        "TRUE" => Some(true),
        "FALSE" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Address;
    use http::{HeaderMap, HeaderValue};

    fn address(url: &str) -> Address {
        Address::parse(url).expect("address")
    }

    fn jar_with(url: &str, set_cookies: &[&str]) -> CookieJar {
        let jar = CookieJar::new();
        let mut headers = HeaderMap::new();
        for v in set_cookies {
            headers.append(
                http::header::SET_COOKIE,
                HeaderValue::from_str(v).expect("value"),
            );
        }
        jar.store_response(&address(url), &headers);
        jar
    }

    fn written(jar: &CookieJar) -> String {
        let mut out = Vec::new();
        jar.write_netscape(&mut out).expect("write to memory");
        String::from_utf8(out).expect("utf-8")
    }

    fn header_for(jar: &CookieJar, url: &str) -> Option<String> {
        jar.request_header(&address(url))
            .and_then(|v| v.to_str().ok().map(String::from))
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let jar = jar_with(
            "https://example.com/api/xmlrpc",
            &[
                "sid=abc; Path=/; Secure; HttpOnly; Max-Age=3600",
                "wide=1; Domain=example.com; Path=/api",
                "session=2",
            ],
        );
        let text = written(&jar);
        assert!(text.starts_with(NETSCAPE_HEADER), "{text}");
        assert!(
            text.contains("#HttpOnly_example.com\tFALSE\t/\tTRUE\t"),
            "{text}"
        );
        assert!(
            text.contains(".example.com\tTRUE\t/api\tFALSE\t0\twide\t1"),
            "{text}"
        );
        assert!(
            text.contains("example.com\tFALSE\t/api\tFALSE\t0\tsession\t2"),
            "{text}"
        );

        let back = CookieJar::read_netscape(text.as_bytes()).expect("reads back");
        assert_eq!(back.len(), 3);
        assert_eq!(written(&back), text, "a second round trip changes nothing");
        let sent = header_for(&back, "https://example.com/api/xmlrpc").expect("cookies");
        for pair in ["sid=abc", "wide=1", "session=2"] {
            assert!(sent.contains(pair), "{sent}");
        }
        // Subdomains get the domain cookie only; plain http no secure one.
        assert_eq!(
            header_for(&back, "http://www.example.com/api/x").as_deref(),
            Some("wide=1")
        );
        assert_eq!(header_for(&back, "http://example.com/"), None);
    }

    #[test]
    fn files_written_by_curl_and_python_are_read() {
        let text = "# Netscape HTTP Cookie File\n\
                    # https://curl.example/docs\n\
                    \n\
                    127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc\r\n\
                    #HttpOnly_.example.com\tTRUE\t/\tFALSE\t4102444800\tlong\tlived\n\
                    example.com\tFALSE\t/\tFALSE\t1\tgone\tx\n\
                    example.com\tFALSE\t/\tFALSE\t0\tempty\t\n";
        let jar = CookieJar::read_netscape(text.as_bytes()).expect("reads");
        assert_eq!(jar.len(), 3, "the expired one is skipped");
        assert_eq!(
            header_for(&jar, "http://127.0.0.1:8000/RPC2").as_deref(),
            Some("session=abc")
        );
        let sent = header_for(&jar, "http://a.example.com/").expect("domain cookie");
        assert_eq!(sent, "long=lived");
    }

    #[test]
    fn malformed_lines_name_their_line_number() {
        let cases = [
            (
                "x\tFALSE\t/\tFALSE\t0\tname",
                2,
                "expected 7 tab-separated fields, found 6",
            ),
            ("x\tyes\t/\tFALSE\t0\tn\tv", 2, "include-subdomains"),
            ("x\tFALSE\t/\tmaybe\t0\tn\tv", 2, "secure field"),
            ("x\tFALSE\t/\tFALSE\tsoon\tn\tv", 2, "expiry"),
            ("x\tFALSE\trel\tFALSE\t0\tn\tv", 2, "path"),
            ("x\tTRUE\t/\tFALSE\t0\tn\tv", 2, "starts with '.'"),
            ("\tFALSE\t/\tFALSE\t0\tn\tv", 2, "domain"),
            ("x\tFALSE\t/\tFALSE\t0\t\tv", 2, "no name"),
        ];
        for (line, number, why) in cases {
            let text = format!("{NETSCAPE_HEADER}\n{line}\n");
            let err = CookieJar::read_netscape(text.as_bytes()).expect_err(line);
            assert_eq!(err.line, Some(number), "{line:?}: {err}");
            assert!(err.reason.contains(why), "{line:?}: {err}");
            let named = err.in_file("jar.txt").to_string();
            assert!(
                named.starts_with(&format!("cookie file jar.txt, line {number}: ")),
                "{named}"
            );
        }
    }
}
