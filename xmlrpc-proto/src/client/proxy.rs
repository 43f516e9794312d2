//! HTTP proxies: which calls go through one, and how (curl's rules).
//!
//! A call to an `http://` server through a proxy is sent to the proxy in
//! absolute form (`POST http://host:port/path HTTP/1.1`); a call to an
//! `https://` server goes through a `CONNECT host:port` tunnel, with TLS to
//! the server inside it. Unix-socket addresses never use a proxy. Proxy
//! credentials (`http://user:pass@proxy:3128`) go in `Proxy-Authorization:
//! Basic`.
//!
//! [`ProxyRules::from_env_with`] reads the environment as curl does:
//! `http_proxy` (lowercase only, as curl, since a CGI program's
//! `HTTP_PROXY` can come from a request header) for `http://` servers,
//! `https_proxy` or `HTTPS_PROXY` for `https://`, then `all_proxy` or
//! `ALL_PROXY` for either; `no_proxy` or `NO_PROXY` lists the hosts that
//! bypass it (see [`NoProxy`]). Lowercase wins when both are set.

use core::net::IpAddr;

use super::error::ConfigError;
use crate::http::{Address, Scheme};

/// An HTTP proxy: where it listens and the credentials it wants.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    /// Host name or IP literal (without brackets).
    pub host: String,
    /// Port (1080 when the URL names none, as curl).
    pub port: u16,
    /// `user:password` for `Proxy-Authorization: Basic`, percent-decoded.
    pub credentials: Option<(String, String)>,
}

/// Hosts that bypass the proxy, by curl's rules for `NO_PROXY` and
/// `--noproxy`: a comma- (or space-) separated list where `*` alone matches
/// every host; a name matches itself and its subdomains (a leading dot is
/// ignored, case does not matter); an IP address matches itself, and
/// `ADDR/BITS` a CIDR range. Ports are not part of the match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoProxy {
    all: bool,
    names: Vec<String>,
    ranges: Vec<(IpAddr, u8)>,
}

/// What the client does about proxies: the proxy for each kind of server
/// and the hosts that bypass them. [`Default`] is no proxy at all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyRules {
    /// The proxy for `http://` servers.
    pub http: Option<Proxy>,
    /// The proxy for `https://` servers (through a `CONNECT` tunnel).
    pub https: Option<Proxy>,
    /// Hosts reached directly.
    pub no_proxy: NoProxy,
}

/// How one connection reaches its server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route<'a> {
    /// Straight to the server.
    Direct,
    /// To the proxy, which forwards requests written in absolute form.
    Forward(&'a Proxy),
    /// To the proxy, then a `CONNECT` tunnel to the server (TLS inside).
    Tunnel(&'a Proxy),
}

impl Proxy {
    /// Parses `http://[user:pass@]host[:port]` (no scheme means `http://`,
    /// as curl; the port defaults to 1080). Other schemes (`https://`,
    /// `socks5://`) are refused: only plain HTTP proxies are spoken.
    pub fn parse(url: &str) -> Result<Proxy, ConfigError> {
        let refuse = |why: String| ConfigError::Proxy {
            url: crate::http::redact::url(url),
            reason: why,
        };
        let full = if url.contains("://") {
            url.to_owned()
        } else {
            format!("http://{url}")
        };
        let (scheme, rest) = full.split_once("://").unwrap_or(("http", &full));
        if !scheme.eq_ignore_ascii_case("http") {
            return Err(refuse(format!(
                "{scheme}:// proxies are not supported; only http:// proxies are"
            )));
        }
        let authority = rest.split('/').next().unwrap_or_default();
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let explicit_port = match host_port.rsplit_once(':') {
            Some((host, _)) => !host.starts_with('[') || host.ends_with(']'),
            None => false,
        };
        let Address::Tcp(tcp) = Address::parse(&full).map_err(|e| refuse(e.message))? else {
            return Err(refuse("not a TCP address".into()));
        };
        let credentials = match (tcp.user, tcp.password) {
            (Some(user), password) => Some((user, password.unwrap_or_default())),
            (None, _) => None,
        };
        Ok(Proxy {
            host: tcp.host,
            port: if explicit_port { tcp.port } else { 1080 },
            credentials,
        })
    }

    /// `host:port` as the `CONNECT` target and `Host` of a tunnel request
    /// to `host`, `port` (IPv6 literals in brackets).
    pub fn authority(host: &str, port: u16) -> String {
        if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        }
    }
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("host", &self.host)
            .field("port", &self.port)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl NoProxy {
    /// Parses a `NO_PROXY` list.
    pub fn parse(list: &str) -> NoProxy {
        let mut rules = NoProxy::default();
        for entry in list.split([',', ' ', '\t']).map(str::trim) {
            let entry = entry.trim_start_matches('.').trim_end_matches('.');
            if entry.is_empty() {
                continue;
            }
            if entry == "*" {
                rules.all = true;
                continue;
            }
            let bare = entry.trim_start_matches('[').trim_end_matches(']');
            if let Ok(ip) = bare.parse::<IpAddr>() {
                rules.ranges.push((ip, max_bits(ip)));
                continue;
            }
            if let Some((addr, bits)) = entry.split_once('/') {
                let addr = addr.trim_start_matches('[').trim_end_matches(']');
                if let (Ok(ip), Ok(bits)) = (addr.parse::<IpAddr>(), bits.parse::<u8>()) {
                    rules.ranges.push((ip, bits.min(max_bits(ip))));
                    continue;
                }
            }
            rules.names.push(entry.to_ascii_lowercase());
        }
        rules
    }

    /// True when `host` (a name or an IP literal, brackets allowed) is
    /// reached without the proxy.
    pub fn matches(&self, host: &str) -> bool {
        if self.all {
            return true;
        }
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.');
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self
                .ranges
                .iter()
                .any(|&(net, bits)| in_range(ip, net, bits));
        }
        let host = host.to_ascii_lowercase();
        self.names.iter().any(|name| {
            host == *name
                || host
                    .strip_suffix(name.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    }
}

fn max_bits(ip: IpAddr) -> u8 {
    match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// True when `ip` is within `net/bits` (same family only).
fn in_range(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (a, b, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(u32::from(a)), u128::from(u32::from(b)), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
        _ => return false,
    };
    if bits == 0 {
        return true;
    }
    let shift = width - u32::from(bits);
    (a >> shift) == (b >> shift)
}

impl ProxyRules {
    /// One proxy for every server (what `ClientBuilder::proxy` sets).
    pub fn all(proxy: Proxy) -> ProxyRules {
        ProxyRules {
            http: Some(proxy.clone()),
            https: Some(proxy),
            no_proxy: NoProxy::default(),
        }
    }

    /// The rules curl reads from the environment, looked up with `var`
    /// (`std::env::var(..).ok()` in practice; see the module docs). A
    /// proxy variable that does not parse is an error naming it.
    pub fn from_env_with(var: impl Fn(&str) -> Option<String>) -> Result<ProxyRules, ConfigError> {
        let first = |names: &[&'static str]| -> Option<(&'static str, String)> {
            names
                .iter()
                .find_map(|&n| var(n).filter(|v| !v.trim().is_empty()).map(|v| (n, v)))
        };
        let parse = |found: Option<(&str, String)>| -> Result<Option<Proxy>, ConfigError> {
            found
                .map(|(name, value)| {
                    Proxy::parse(value.trim()).map_err(|e| match e {
                        ConfigError::Proxy { url, reason } => ConfigError::Proxy {
                            url,
                            reason: format!("{reason} (from {name})"),
                        },
                        other => other,
                    })
                })
                .transpose()
        };
        let all = ["all_proxy", "ALL_PROXY"];
        let http = first(&["http_proxy"]).or_else(|| first(&all));
        let https = first(&["https_proxy", "HTTPS_PROXY"]).or_else(|| first(&all));
        Ok(ProxyRules {
            http: parse(http)?,
            https: parse(https)?,
            no_proxy: first(&["no_proxy", "NO_PROXY"])
                .map(|(_, v)| NoProxy::parse(&v))
                .unwrap_or_default(),
        })
    }

    /// How a connection to `address` goes.
    pub fn route(&self, address: &Address) -> Route<'_> {
        let Address::Tcp(tcp) = address else {
            return Route::Direct;
        };
        if self.no_proxy.matches(&tcp.host) {
            return Route::Direct;
        }
        match (address.scheme(), &self.http, &self.https) {
            (Scheme::Https, _, Some(proxy)) => Route::Tunnel(proxy),
            (Scheme::Http, Some(proxy), _) => Route::Forward(proxy),
            _ => Route::Direct,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn proxy_urls_parse_as_curl_reads_them() {
        let p = Proxy::parse("proxy.example:3128").unwrap();
        assert_eq!(
            (p.host.as_str(), p.port, p.credentials),
            ("proxy.example", 3128, None)
        );
        assert_eq!(Proxy::parse("http://proxy.example").unwrap().port, 1080);
        assert_eq!(Proxy::parse("http://[::1]").unwrap().port, 1080);
        assert_eq!(Proxy::parse("http://[::1]:8080").unwrap().port, 8080);
        let p = Proxy::parse("http://al%40ice:s3cret@127.0.0.1:8888/").unwrap();
        assert_eq!(p.credentials, Some(("al@ice".into(), "s3cret".into())));
        assert!(!format!("{p:?}").contains("s3cret"));
        let e = Proxy::parse("socks5://127.0.0.1:1080").unwrap_err();
        assert!(
            e.to_string()
                .contains("socks5:// proxies are not supported"),
            "{e}"
        );
    }

    #[test]
    fn no_proxy_follows_curls_rules() {
        let rules = NoProxy::parse("example.com, .internal.test ,10.0.0.0/8 ::1 192.168.1.7");
        for host in [
            "example.com",
            "EXAMPLE.com",
            "api.example.com",
            "a.internal.test",
            "internal.test",
        ] {
            assert!(rules.matches(host), "{host}");
        }
        for host in ["10.1.2.3", "[::1]", "192.168.1.7", "example.com."] {
            assert!(rules.matches(host), "{host}");
        }
        for host in [
            "notexample.com",
            "example.org",
            "11.0.0.1",
            "192.168.1.8",
            "::2",
        ] {
            assert!(!rules.matches(host), "{host}");
        }
        assert!(NoProxy::parse("*").matches("anything"));
        assert!(!NoProxy::parse("").matches("anything"));
    }

    #[test]
    fn environment_variables_as_curl_reads_them() {
        let https = Address::parse("https://rpc.example/RPC2").unwrap();
        let http = Address::parse("http://rpc.example/RPC2").unwrap();
        let local = Address::parse("http://127.0.0.1:8000/RPC2").unwrap();

        // Uppercase HTTP_PROXY is ignored (httpoxy); lowercase is read.
        let rules = ProxyRules::from_env_with(env(&[("HTTP_PROXY", "http://evil:1")])).unwrap();
        assert_eq!(rules.route(&http), Route::Direct);
        let rules = ProxyRules::from_env_with(env(&[("http_proxy", "p:3128")])).unwrap();
        assert!(matches!(rules.route(&http), Route::Forward(p) if p.port == 3128));
        assert_eq!(rules.route(&https), Route::Direct);

        // HTTPS_PROXY either case, lowercase first; ALL_PROXY as the fallback.
        let rules = ProxyRules::from_env_with(env(&[
            ("HTTPS_PROXY", "upper:1"),
            ("https_proxy", "lower:2"),
            ("ALL_PROXY", "all:3"),
            ("NO_PROXY", "127.0.0.1"),
        ]))
        .unwrap();
        assert!(matches!(rules.route(&https), Route::Tunnel(p) if p.host == "lower"));
        assert!(matches!(rules.route(&http), Route::Forward(p) if p.host == "all"));
        assert_eq!(rules.route(&local), Route::Direct, "NO_PROXY");

        // Unix sockets never use a proxy.
        let unix = Address::parse("unix:///tmp/s.sock").unwrap();
        assert_eq!(
            ProxyRules::all(Proxy::parse("p:1").unwrap()).route(&unix),
            Route::Direct
        );

        let bad = ProxyRules::from_env_with(env(&[("all_proxy", "socks5://x:1")])).unwrap_err();
        assert!(bad.to_string().contains("(from all_proxy)"), "{bad}");
    }
}
