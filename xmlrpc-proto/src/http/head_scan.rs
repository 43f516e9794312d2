//! [`HeadScan`]: the request headers the head checks read, found in one
//! walk over the header map.
//!
//! The checks read nine header names. A request carries a handful of
//! headers, and walking them once (comparing standard names is comparing
//! one byte) costs less than nine hashed lookups, which was a tenth of a
//! small call's work in the server loop. A name that came more than once
//! is read back from the map, in order, so the rules see every value.

use http::header::ValueIter;
use http::header::{
    ACCEPT_ENCODING, CONNECTION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, EXPECT, HOST,
    TRANSFER_ENCODING,
};
use http::{HeaderMap, HeaderName, HeaderValue};

/// How often one header name came, and its value when it came once.
#[derive(Clone, Copy, Debug, Default)]
enum Seen<'a> {
    #[default]
    Absent,
    Once(&'a HeaderValue),
    Several,
}

impl<'a> Seen<'a> {
    fn add(&mut self, value: &'a HeaderValue) {
        *self = match self {
            Seen::Absent => Seen::Once(value),
            Seen::Once(_) | Seen::Several => Seen::Several,
        };
    }
}

/// The headers of one request that the head checks read.
#[derive(Debug)]
pub(crate) struct HeadScan<'a> {
    headers: &'a HeaderMap,
    /// Indexed by [`Read`].
    seen: [Seen<'a>; Read::ALL.len()],
}

/// The names [`HeadScan`] reads.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Read {
    Host,
    ContentLength,
    TransferEncoding,
    Connection,
    Expect,
    ContentEncoding,
    AcceptEncoding,
    ContentType,
}

impl Read {
    /// Every name, the most common first (each header is compared in
    /// this order).
    const ALL: [Read; 8] = [
        Read::Host,
        Read::ContentLength,
        Read::ContentType,
        Read::TransferEncoding,
        Read::Connection,
        Read::Expect,
        Read::ContentEncoding,
        Read::AcceptEncoding,
    ];

    fn name(self) -> HeaderName {
        match self {
            Read::Host => HOST,
            Read::ContentLength => CONTENT_LENGTH,
            Read::TransferEncoding => TRANSFER_ENCODING,
            Read::Connection => CONNECTION,
            Read::Expect => EXPECT,
            Read::ContentEncoding => CONTENT_ENCODING,
            Read::AcceptEncoding => ACCEPT_ENCODING,
            Read::ContentType => CONTENT_TYPE,
        }
    }
}

impl<'a> HeadScan<'a> {
    /// Walks `headers` once.
    pub(crate) fn new(headers: &'a HeaderMap) -> Self {
        let mut seen = [Seen::Absent; Read::ALL.len()];
        for (name, value) in headers {
            if let Some(read) = Read::ALL.into_iter().find(|read| *name == read.name()) {
                seen[read as usize].add(value);
            }
        }
        HeadScan { headers, seen }
    }

    fn seen(&self, read: Read) -> Seen<'a> {
        self.seen[read as usize]
    }

    /// Whether `read` came at all.
    pub(crate) fn has(&self, read: Read) -> bool {
        !matches!(self.seen(read), Seen::Absent)
    }

    /// How many `read` headers came, counting up to two.
    pub(crate) fn count(&self, read: Read) -> usize {
        match self.seen(read) {
            Seen::Absent => 0,
            Seen::Once(_) => 1,
            Seen::Several => 2,
        }
    }

    /// The first `read` header's value, as `HeaderMap::get`.
    pub(crate) fn first(&self, read: Read) -> Option<&'a [u8]> {
        match self.seen(read) {
            Seen::Absent => None,
            Seen::Once(value) => Some(value.as_bytes()),
            Seen::Several => self.headers.get(read.name()).map(HeaderValue::as_bytes),
        }
    }

    /// Every `read` header's value, in order, as `HeaderMap::get_all`.
    pub(crate) fn all(&self, read: Read) -> Values<'a> {
        match self.seen(read) {
            Seen::Absent => Values::Once(None),
            Seen::Once(value) => Values::Once(Some(value.as_bytes())),
            Seen::Several => Values::Several(self.headers.get_all(read.name()).iter()),
        }
    }
}

/// The values of one header name (see [`HeadScan::all`]).
pub(crate) enum Values<'a> {
    /// None or one, known from the walk.
    Once(Option<&'a [u8]>),
    /// Several, read back from the map.
    Several(ValueIter<'a, HeaderValue>),
}

impl<'a> Iterator for Values<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        match self {
            Values::Once(value) => value.take(),
            Values::Several(values) => values.next().map(HeaderValue::as_bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{HeadScan, Read};
    use http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
    use http::{HeaderMap, HeaderValue};

    fn map(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn every_name_reads_as_the_map_does() {
        let headers = map(&[
            ("host", "a"),
            ("x-other", "1"),
            ("content-length", "5"),
            ("Transfer-Encoding", "gzip"),
            ("content-type", "text/xml"),
            ("transfer-encoding", "chunked"),
            ("expect", "100-continue"),
            ("accept-encoding", "gzip"),
            ("accept-encoding", "br"),
            ("accept-encoding", "deflate"),
            ("connection", "close"),
        ]);
        let scan = HeadScan::new(&headers);
        for read in Read::ALL {
            let name = read.name();
            let all: Vec<&[u8]> = headers
                .get_all(&name)
                .iter()
                .map(|v| v.as_bytes())
                .collect();
            assert_eq!(scan.all(read).collect::<Vec<_>>(), all, "{name}");
            assert_eq!(scan.first(read), all.first().copied(), "{name}");
            assert_eq!(scan.count(read), all.len().min(2), "{name}");
            assert_eq!(scan.has(read), !all.is_empty(), "{name}");
        }
    }

    #[test]
    fn an_empty_map_has_none_of_them() {
        let headers = HeaderMap::new();
        let scan = HeadScan::new(&headers);
        for read in Read::ALL {
            assert!(!scan.has(read));
            assert_eq!(scan.all(read).count(), 0);
            assert_eq!(scan.first(read), None);
        }
    }

    #[test]
    fn repeated_names_keep_their_order() {
        let headers = map(&[
            ("content-length", "5"),
            ("transfer-encoding", "gzip"),
            ("content-length", "6"),
            ("transfer-encoding", "chunked"),
        ]);
        let scan = HeadScan::new(&headers);
        let lengths: Vec<&[u8]> = scan.all(Read::ContentLength).collect();
        assert_eq!(lengths, [b"5".as_slice(), b"6"]);
        let codings: Vec<&[u8]> = scan.all(Read::TransferEncoding).collect();
        assert_eq!(codings, [b"gzip".as_slice(), b"chunked"]);
        assert_eq!(
            headers.get(CONTENT_LENGTH).map(|v| v.as_bytes()),
            Some(&b"5"[..])
        );
        assert_eq!(
            scan.first(Read::TransferEncoding),
            headers.get(TRANSFER_ENCODING).map(|v| v.as_bytes())
        );
    }
}
