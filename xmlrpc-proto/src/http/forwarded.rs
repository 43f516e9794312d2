//! The client's address behind a reverse proxy: `Forwarded` (RFC 7239) or
//! `X-Forwarded-For`, believed only from a configured proxy.
//!
//! Anyone can send these headers, so they count only when the connection
//! itself comes from a trusted proxy. The list is read from the right (the
//! hop nearest to us) leftwards, skipping entries that are trusted proxies
//! themselves; the first other entry is the client. `Forwarded` wins when
//! both are present.

use core::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Addresses whose forwarding headers are believed: IPs and CIDR ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    ranges: Vec<(IpAddr, u8)>,
}

/// Why a trusted-proxy entry is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedProxyError {
    /// The entry as given.
    pub entry: String,
}

impl std::fmt::Display for TrustedProxyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "trusted proxy {:?} is not an IP address or ADDR/BITS range",
            self.entry
        )
    }
}

impl std::error::Error for TrustedProxyError {}

impl TrustedProxies {
    /// Parses a comma-separated list of IPs and `ADDR/BITS` ranges
    /// (`"127.0.0.1, 10.0.0.0/8, ::1"`).
    pub fn parse(list: &str) -> Result<TrustedProxies, TrustedProxyError> {
        let mut ranges = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = || TrustedProxyError {
                entry: entry.to_owned(),
            };
            let (addr, bits) = match entry.split_once('/') {
                Some((a, b)) => (a, Some(b.parse::<u8>().map_err(|_| bad())?)),
                None => (entry, None),
            };
            let ip: IpAddr = addr.parse().map_err(|_| bad())?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = bits.unwrap_or(max);
            if bits > max {
                return Err(bad());
            }
            ranges.push((ip, bits));
        }
        Ok(TrustedProxies { ranges })
    }

    /// True when nothing is trusted.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// True when `ip` is a trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.ranges
            .iter()
            .any(|&(net, bits)| within(ip, canonical(net), bits))
    }

    /// The client's address for a connection from `peer` (as the transport
    /// gives it: `127.0.0.1:5000`, `[::1]:5000`, a socket path) carrying
    /// `headers`: `peer` itself unless it is a trusted proxy that forwarded
    /// an address.
    pub fn client(&self, peer: Option<&Arc<str>>, headers: &http::HeaderMap) -> Option<Arc<str>> {
        let peer = peer?;
        let forwarded = if self.is_empty() {
            // No proxy is trusted: the peer, without parsing it per request.
            None
        } else {
            self.forwarded_client(peer, headers)
        };
        Some(forwarded.map_or_else(|| Arc::clone(peer), Arc::from))
    }

    /// The address a trusted proxy `peer` forwarded, if it is one and did.
    fn forwarded_client(&self, peer: &str, headers: &http::HeaderMap) -> Option<String> {
        let peer_ip = ip_of(peer)?;
        if !self.contains(peer_ip) {
            return None;
        }
        let hops = forwarded_for(headers).or_else(|| x_forwarded_for(headers))?;
        // From the nearest hop leftwards, past our own proxies.
        hops.iter()
            .rev()
            .find(|hop| !ip_of(hop).is_some_and(|ip| self.contains(ip)))
            .or(hops.first())
            .cloned()
    }
}

/// `for=` values of every `Forwarded` header, in order (quotes removed).
fn forwarded_for(headers: &http::HeaderMap) -> Option<Vec<String>> {
    let mut hops = Vec::new();
    let mut any = false;
    for value in headers.get_all(http::header::FORWARDED) {
        any = true;
        let Ok(text) = value.to_str() else { continue };
        for element in text.split(',') {
            for pair in element.split(';') {
                let Some((key, val)) = pair.trim().split_once('=') else {
                    continue;
                };
                if key.trim().eq_ignore_ascii_case("for") {
                    hops.push(val.trim().trim_matches('"').to_owned());
                }
            }
        }
    }
    any.then_some(hops)
}

/// Entries of every `X-Forwarded-For` header, in order.
fn x_forwarded_for(headers: &http::HeaderMap) -> Option<Vec<String>> {
    let mut hops = Vec::new();
    let mut any = false;
    for value in headers.get_all("x-forwarded-for") {
        any = true;
        let Ok(text) = value.to_str() else { continue };
        hops.extend(
            text.split(',')
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .map(str::to_owned),
        );
    }
    any.then_some(hops)
}

/// The IP of `addr` in any of the forms peers and headers use: `1.2.3.4`,
/// `1.2.3.4:5`, `::1`, `[::1]`, `[::1]:5`.
fn ip_of(addr: &str) -> Option<IpAddr> {
    if let Ok(sock) = addr.parse::<SocketAddr>() {
        return Some(sock.ip());
    }
    addr.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// An IPv4-mapped IPv6 address as the IPv4 it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn within(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (a, b, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(u32::from(a)), u128::from(u32::from(b)), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
        _ => return false,
    };
    bits == 0 || (a >> (width - u32::from(bits))) == (b >> (width - u32::from(bits)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, http::HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let trusted = TrustedProxies::parse("10.0.0.1").unwrap();
        let h = headers(&[("x-forwarded-for", "6.6.6.6")]);
        assert_eq!(
            trusted
                .client(Some(&"203.0.113.9:4000".into()), &h)
                .as_deref(),
            Some("203.0.113.9:4000")
        );
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(Some(&"10.0.0.1:1".into()), &h).as_deref(),
            Some("10.0.0.1:1")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").unwrap();
        // A client that forged the first entry cannot hide behind it.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.1.2.3")]);
        assert_eq!(
            trusted.client(Some(&"127.0.0.1:80".into()), &h).as_deref(),
            Some("198.51.100.7")
        );
        // Two header lines count as one list.
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.7"),
            ("x-forwarded-for", "10.0.0.9"),
        ]);
        assert_eq!(
            trusted.client(Some(&"10.0.0.2:80".into()), &h).as_deref(),
            Some("198.51.100.7")
        );
        // All hops trusted: the leftmost.
        let h = headers(&[("x-forwarded-for", "10.0.0.5, 10.0.0.6")]);
        assert_eq!(
            trusted.client(Some(&"10.0.0.2:80".into()), &h).as_deref(),
            Some("10.0.0.5")
        );
        // A trusted peer without headers is itself the client.
        assert_eq!(
            trusted
                .client(Some(&"10.0.0.2:80".into()), &headers(&[]))
                .as_deref(),
            Some("10.0.0.2:80")
        );
    }

    #[test]
    fn forwarded_wins_and_its_forms_are_read() {
        let trusted = TrustedProxies::parse("::1").unwrap();
        let h = headers(&[
            (
                "forwarded",
                "for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8::1]:4711\"",
            ),
            ("x-forwarded-for", "6.6.6.6"),
        ]);
        assert_eq!(
            trusted.client(Some(&"[::1]:9000".into()), &h).as_deref(),
            Some("[2001:db8::1]:4711")
        );
        // IPv4-mapped peers match IPv4 entries.
        let v4 = TrustedProxies::parse("127.0.0.1").unwrap();
        assert!(v4.contains("::ffff:127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn unix_peers_and_bad_entries() {
        let trusted = TrustedProxies::parse("127.0.0.1").unwrap();
        let h = headers(&[("x-forwarded-for", "6.6.6.6")]);
        assert_eq!(
            trusted.client(Some(&"/run/x.sock".into()), &h).as_deref(),
            Some("/run/x.sock")
        );
        let e = TrustedProxies::parse("10.0.0.0/33").unwrap_err();
        assert!(e.to_string().contains("10.0.0.0/33"));
        assert!(TrustedProxies::parse("proxy.example").is_err());
    }
}
