//! [`Address`]: parsing `http://user:pass@host:port/path`, `https://...`, `unix:///path`,
//! and the SCGI forms `scgi://host:port/path` and `scgi+unix:///path`.
//!
//! Every transport reads addresses through [`Address::parse`], so `xrpc`, the
//! blocking client and the async clients agree on defaults: port 80/443, the
//! request target `/RPC2` when the URL has no path, percent-decoded
//! credentials, and IPv6 literals in brackets (`http://[::1]:8080/`).

use std::fmt;
// core::net: an address is a value; the core touches no socket.
use core::net::Ipv6Addr;

use super::redact::Secret;

/// The transport an address names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Plain TCP.
    Http,
    /// TLS over TCP.
    Https,
    /// A unix domain socket.
    Unix,
    /// SCGI over TCP (`scgi://host:port`), one call per connection.
    Scgi,
    /// SCGI over a unix domain socket (`scgi+unix:///path/to.sock`).
    ScgiUnix,
}

impl Scheme {
    /// `http`, `https`, `unix`, `scgi` or `scgi+unix`, as written in URLs.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
            Scheme::Unix => "unix",
            Scheme::Scgi => "scgi",
            Scheme::ScgiUnix => "scgi+unix",
        }
    }

    /// The port used when the address names none (0 for unix sockets;
    /// SCGI has no standard port, so an `scgi://` address must name one).
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
            Scheme::Unix | Scheme::Scgi | Scheme::ScgiUnix => 0,
        }
    }

    /// True for `scgi://` and `scgi+unix://`: the connection speaks SCGI
    /// (a netstring header block and a CGI response), not HTTP.
    pub fn is_scgi(self) -> bool {
        matches!(self, Scheme::Scgi | Scheme::ScgiUnix)
    }
}

/// A parsed server address: where to connect, and what to ask for there.
/// One variant per way of reaching a server, so impossible states (a unix
/// address with a port, a TCP address without a host) cannot be built.
///
/// `Debug` shows the password as `<redacted>`, so logging an address (or a
/// client holding one) never leaks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// `http://` or `https://`: HTTP over TCP, under TLS when `tls`;
    /// `scgi://`: SCGI over TCP when `scgi`.
    Tcp(TcpAddress),
    /// `unix:///path/to.sock`: HTTP over a unix domain socket;
    /// `scgi+unix:///path/to.sock`: SCGI over one when `scgi`.
    Unix(UnixAddress),
}

/// An `http://`, `https://` or `scgi://` address.
#[derive(Clone, PartialEq, Eq)]
pub struct TcpAddress {
    /// `https://`: TLS over the TCP connection.
    pub tls: bool,
    /// `scgi://`: the connection speaks SCGI (never with `tls`).
    pub scgi: bool,
    /// Host name or IP literal (without brackets).
    pub host: String,
    /// The port (80 or 443 when the URL names none).
    pub port: u16,
    /// Request target, `/RPC2` when not given.
    pub path: String,
    /// Basic-auth user from `user:pass@`, percent-decoded.
    pub user: Option<String>,
    /// Basic-auth password, percent-decoded.
    pub password: Option<String>,
}

/// A `unix:///path/to.sock` or `scgi+unix:///path/to.sock` address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnixAddress {
    /// `scgi+unix://`: the connection speaks SCGI.
    pub scgi: bool,
    /// The socket's path in the file system (absolute).
    pub socket_path: String,
    /// Request target: `/RPC2`, or `?path=/other`.
    pub path: String,
}

impl fmt::Debug for TcpAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpAddress")
            .field("tls", &self.tls)
            .field("scgi", &self.scgi)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("path", &self.path)
            .field("user", &self.user)
            .field("password", &Secret(&self.password))
            .finish()
    }
}

/// Why an address could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressError {
    /// What was wrong.
    pub message: String,
}

impl AddressError {
    fn new(message: impl Into<String>) -> Self {
        AddressError {
            message: message.into(),
        }
    }
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AddressError {}

/// The request target used when an address names none.
const DEFAULT_PATH: &str = "/RPC2";

impl Address {
    /// Parses an address. `unix:///path/to.sock` uses `/RPC2` as the request
    /// target; `unix:///path/to.sock?path=/other` picks another.
    /// `scgi://host:port[/path]` (the port is required) and
    /// `scgi+unix:///path/to.sock` name SCGI servers such as rTorrent; the
    /// path goes into the `REQUEST_URI` and `SCRIPT_NAME` variables.
    ///
    /// Refuses unknown schemes, empty hosts, unbracketed IPv6 literals, bad
    /// ports, bad percent escapes, and whitespace or control characters.
    pub fn parse(text: &str) -> Result<Address, AddressError> {
        if let Some(c) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(AddressError::new(format!(
                "address {text:?} contains {c:?}; URLs cannot hold spaces or control characters"
            )));
        }
        let Some((scheme, rest)) = text.split_once("://") else {
            return Err(AddressError::new(format!(
                "address {text:?} has no scheme; expected http://, https://, unix://, scgi:// or scgi+unix://"
            )));
        };
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            "unix" => Scheme::Unix,
            "scgi" => Scheme::Scgi,
            "scgi+unix" => Scheme::ScgiUnix,
            other => {
                return Err(AddressError::new(format!(
                    "unsupported scheme {other:?}; expected http, https, unix, scgi or scgi+unix"
                )))
            }
        };
        // The fragment never goes on the wire.
        let rest = rest.split('#').next().unwrap_or("");
        match scheme {
            Scheme::Unix | Scheme::ScgiUnix => parse_unix(scheme, rest),
            _ => parse_tcp(scheme, rest),
        }
    }

    /// The `Host` header value (`host:port`, port omitted when default;
    /// `localhost` for a unix socket).
    pub fn host_header(&self) -> String {
        let Address::Tcp(tcp) = self else {
            return "localhost".to_owned();
        };
        let host = if tcp.host.contains(':') {
            format!("[{}]", tcp.host)
        } else {
            tcp.host.clone()
        };
        if tcp.port == self.scheme().default_port() {
            host
        } else {
            format!("{host}:{}", tcp.port)
        }
    }

    /// The scheme the address was written with.
    pub fn scheme(&self) -> Scheme {
        match self {
            Address::Tcp(tcp) if tcp.scgi => Scheme::Scgi,
            Address::Tcp(tcp) if tcp.tls => Scheme::Https,
            Address::Tcp(_) => Scheme::Http,
            Address::Unix(unix) if unix.scgi => Scheme::ScgiUnix,
            Address::Unix(_) => Scheme::Unix,
        }
    }

    /// True for `scgi://` and `scgi+unix://` addresses.
    pub fn is_scgi(&self) -> bool {
        self.scheme().is_scgi()
    }

    /// The request target (`/RPC2` when the URL names none).
    pub fn path(&self) -> &str {
        match self {
            Address::Tcp(tcp) => &tcp.path,
            Address::Unix(unix) => &unix.path,
        }
    }

    /// Basic-auth credentials from the URL: the user, and the password
    /// (empty when the URL has none).
    pub fn credentials(&self) -> Option<(&str, &str)> {
        match self {
            Address::Tcp(TcpAddress {
                user: Some(user),
                password,
                ..
            }) => Some((user, password.as_deref().unwrap_or(""))),
            _ => None,
        }
    }
}

fn parse_unix(scheme: Scheme, rest: &str) -> Result<Address, AddressError> {
    let name = scheme.name();
    let (socket, query) = match rest.split_once('?') {
        Some((socket, query)) => (socket, Some(query)),
        None => (rest, None),
    };
    if !socket.starts_with('/') {
        return Err(AddressError::new(format!(
            "{name} address needs an absolute socket path ({name}:///path/to.sock), got {socket:?}"
        )));
    }
    let socket_path = percent_decode(socket, "socket path")?;
    let mut path = DEFAULT_PATH.to_string();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("path", value)) => {
                let value = percent_decode(value, "path")?;
                if !value.starts_with('/') {
                    return Err(AddressError::new(format!(
                        "unix request path must start with '/', got {value:?}"
                    )));
                }
                path = value;
            }
            _ => {
                return Err(AddressError::new(format!(
                    "unknown unix address option {pair:?}; only path=/target is understood"
                )))
            }
        }
    }
    Ok(Address::Unix(UnixAddress {
        scgi: scheme == Scheme::ScgiUnix,
        socket_path,
        path,
    }))
}

fn parse_tcp(scheme: Scheme, rest: &str) -> Result<Address, AddressError> {
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(split);
    let path = if target.is_empty() {
        DEFAULT_PATH.to_string()
    } else if target.starts_with('?') {
        format!("/{target}")
    } else {
        target.to_string()
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((userinfo, hostport)) => (Some(userinfo), hostport),
        None => (None, authority),
    };
    let (user, password) = match userinfo {
        None => (None, None),
        Some(info) => match info.split_once(':') {
            Some((user, pass)) => (
                Some(percent_decode(user, "user")?),
                Some(percent_decode(pass, "password")?),
            ),
            None => (Some(percent_decode(info, "user")?), None),
        },
    };
    let (host, port_text) = split_host_port(hostport)?;
    if host.is_empty() {
        return Err(AddressError::new(format!(
            "address has no host in {authority:?}"
        )));
    }
    let port = match port_text {
        None | Some("") if scheme == Scheme::Scgi => {
            return Err(AddressError::new(format!(
            "scgi address {authority:?} has no port; SCGI has no default port (scgi://host:port)"
        )))
        }
        None | Some("") => scheme.default_port(),
        Some(p) => parse_port(p)?,
    };
    if scheme == Scheme::Scgi && userinfo.is_some() {
        return Err(AddressError::new(
            "scgi addresses take no user:password (SCGI has no authentication)",
        ));
    }
    Ok(Address::Tcp(TcpAddress {
        tls: scheme == Scheme::Https,
        scgi: scheme == Scheme::Scgi,
        host: host.to_string(),
        port,
        path,
        user,
        password,
    }))
}

/// Splits `host:port` or `[v6]:port`; the port text is `None` when absent.
fn split_host_port(hostport: &str) -> Result<(&str, Option<&str>), AddressError> {
    if let Some(inner) = hostport.strip_prefix('[') {
        let Some((v6, after)) = inner.split_once(']') else {
            return Err(AddressError::new(format!(
                "IPv6 literal {hostport:?} is missing its closing ']'"
            )));
        };
        if v6.parse::<Ipv6Addr>().is_err() {
            return Err(AddressError::new(format!(
                "{v6:?} is not a valid IPv6 address"
            )));
        }
        return match after {
            "" => Ok((v6, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((v6, Some(port))),
                None => Err(AddressError::new(format!(
                    "unexpected {after:?} after IPv6 literal; expected ':port'"
                ))),
            },
        };
    }
    match hostport.split_once(':') {
        None => Ok((hostport, None)),
        Some((host, port)) => {
            if port.contains(':') {
                return Err(AddressError::new(format!(
                    "host {hostport:?} has several ':'; write IPv6 literals in brackets ([::1]:8080)"
                )));
            }
            Ok((host, Some(port)))
        }
    }
}

fn parse_port(text: &str) -> Result<u16, AddressError> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AddressError::new(format!("port {text:?} is not a number")));
    }
    match text.parse::<u16>() {
        Ok(0) | Err(_) => Err(AddressError::new(format!(
            "port {text} is out of range (1-65535)"
        ))),
        Ok(port) => Ok(port),
    }
}

/// Decodes `%XX` escapes; the result must be UTF-8.
fn percent_decode(text: &str, what: &str) -> Result<String, AddressError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                let h = std::str::from_utf8(h).ok()?;
                u8::from_str_radix(h, 16).ok()
            });
            match hex {
                Some(b) => out.push(b),
                None => {
                    let end = (i + 3).min(bytes.len());
                    return Err(AddressError::new(format!(
                        "bad percent escape {:?} in {what}",
                        String::from_utf8_lossy(&bytes[i..end])
                    )));
                }
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| AddressError::new(format!("{what} is not UTF-8 after percent-decoding")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Address {
        match Address::parse(text) {
            Ok(a) => a,
            Err(e) => panic!("{text}: {}", e.message),
        }
    }

    fn tcp(text: &str) -> TcpAddress {
        match parse(text) {
            Address::Tcp(tcp) => tcp,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn debug_redacts_the_password_only() {
        let a = parse("http://alice:s3cret@example.com:8080/x");
        let shown = format!("{a:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("password: Some(<redacted>)"), "{shown}");
        for part in ["alice", "example.com", "8080", "\"/x\""] {
            assert!(shown.contains(part), "{part} missing from {shown}");
        }
        let anonymous = format!("{:?}", parse("http://example.com"));
        assert!(anonymous.contains("password: None"), "{anonymous}");
    }

    #[test]
    fn http_defaults() {
        let a = parse("http://example.com");
        assert_eq!(a.scheme(), Scheme::Http);
        let t = tcp("http://example.com");
        assert_eq!((t.host.as_str(), t.port, t.tls), ("example.com", 80, false));
        assert_eq!(a.path(), "/RPC2");
        assert_eq!(a.host_header(), "example.com");
        assert_eq!(tcp("https://example.com/").port, 443);
        assert!(tcp("https://example.com/").tls);
        assert_eq!(parse("https://example.com/").path(), "/");
    }

    #[test]
    fn port_path_and_query() {
        let a = parse("HTTP://h:8080/xmlrpc/api?x=1#frag");
        assert_eq!(tcp("HTTP://h:8080/").port, 8080);
        assert_eq!(a.path(), "/xmlrpc/api?x=1");
        assert_eq!(a.host_header(), "h:8080");
        assert_eq!(parse("http://h?x=1").path(), "/?x=1");
        assert_eq!(parse("http://h:443").host_header(), "h:443");
    }

    #[test]
    fn credentials_are_percent_decoded() {
        let a = parse("http://us%40er:p%3Ass:w@h/");
        assert_eq!(a.credentials(), Some(("us@er", "p:ss:w")));
        let b = tcp("http://alice@h/");
        assert_eq!((b.user.as_deref(), b.password), (Some("alice"), None));
        assert_eq!(parse("http://alice@h/").credentials(), Some(("alice", "")));
        let c = tcp("http://a:p@ss@h/");
        assert_eq!(c.password.as_deref(), Some("p@ss"));
        assert_eq!(c.host, "h");
        assert_eq!(parse("http://h/").credentials(), None);
    }

    #[test]
    fn ipv6_literals() {
        let a = parse("http://[::1]:8080/RPC2");
        let t = tcp("http://[::1]:8080/RPC2");
        assert_eq!((t.host.as_str(), t.port), ("::1", 8080));
        assert_eq!(a.host_header(), "[::1]:8080");
        assert_eq!(parse("http://[fe80::1]").host_header(), "[fe80::1]");
    }

    #[test]
    fn unix_sockets() {
        let a = parse("unix:///run/x.sock");
        assert_eq!(a.scheme(), Scheme::Unix);
        let Address::Unix(unix) = &a else {
            panic!("{a:?}")
        };
        assert_eq!(unix.socket_path, "/run/x.sock");
        assert_eq!((a.path(), a.credentials()), ("/RPC2", None));
        assert_eq!(a.host_header(), "localhost");
        let b = parse("unix:///run/x.sock?path=/api");
        assert_eq!(b.path(), "/api");
    }

    #[test]
    fn scgi_addresses() {
        let a = parse("scgi://127.0.0.1:5000");
        assert_eq!(a.scheme(), Scheme::Scgi);
        assert!(a.is_scgi());
        let t = tcp("scgi://127.0.0.1:5000");
        assert_eq!(
            (t.host.as_str(), t.port, t.tls, t.scgi),
            ("127.0.0.1", 5000, false, true)
        );
        assert_eq!(a.path(), "/RPC2");
        assert_eq!(parse("SCGI://h:1/x").path(), "/x");
        let u = parse("scgi+unix:///run/rtorrent.sock");
        assert_eq!(u.scheme(), Scheme::ScgiUnix);
        let Address::Unix(unix) = &u else {
            panic!("{u:?}")
        };
        assert_eq!(
            (unix.socket_path.as_str(), unix.scgi),
            ("/run/rtorrent.sock", true)
        );
        assert!(!parse("unix:///run/x.sock").is_scgi());
        assert!(!parse("http://h/").is_scgi());
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let cases = [
            ("example.com", "no scheme"),
            ("ftp://h/", "unsupported scheme"),
            ("http:///RPC2", "no host"),
            ("http://h:99999/", "out of range"),
            ("http://h:0/", "out of range"),
            ("http://h:8x/", "not a number"),
            ("http://::1/", "brackets"),
            ("http://[::1/", "closing"),
            ("http://[zz]/", "not a valid IPv6"),
            ("http://[::1]x/", "after IPv6"),
            ("http://a%zz:b@h/", "bad percent escape"),
            ("http://a%ff:b@h/", "not UTF-8"),
            ("http://h /", "spaces"),
            ("unix://relative.sock", "absolute"),
            ("unix://", "absolute"),
            ("unix:///s.sock?mode=1", "unknown unix address option"),
            ("unix:///s.sock?path=rel", "must start"),
            ("scgi://h/", "no port"),
            ("scgi://u:p@h:5000/", "no user:password"),
            ("scgi+unix://rel.sock", "absolute"),
        ];
        for (text, needle) in cases {
            match Address::parse(text) {
                Ok(a) => panic!("{text} parsed as {a:?}"),
                Err(e) => assert!(e.message.contains(needle), "{text}: {}", e.message),
            }
        }
    }
}
