//! gzip for bodies: a streaming inflater that refuses to grow past a cap (the
//! gzip-bomb guard), and a one-shot compressor for outgoing bodies.

use std::io::{self, Write};

use bytes::{BufMut, Bytes, BytesMut};
use flate2::write::{GzDecoder, GzEncoder};
use flate2::Compression;

/// Why an inflation failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum InflateError {
    /// The inflated body would exceed the cap.
    TooLarge,
    /// Not valid gzip data.
    Corrupt,
}

/// Collects inflated bytes and fails the write that would pass the cap, so
/// a bomb never allocates more than `cap` bytes.
#[derive(Debug)]
struct CappedSink {
    buf: Vec<u8>,
    total: usize,
    cap: usize,
    over: bool,
}

impl Write for CappedSink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.total.saturating_add(data.len()) > self.cap {
            self.over = true;
            return Err(io::Error::other("inflated body over the cap"));
        }
        self.total += data.len();
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A streaming gzip inflater with an output cap.
#[derive(Debug)]
pub(crate) struct Inflater {
    inner: GzDecoder<CappedSink>,
}

impl Inflater {
    /// An inflater whose total output may not exceed `cap` bytes.
    pub(crate) fn new(cap: usize) -> Self {
        Inflater {
            inner: GzDecoder::new(CappedSink {
                buf: Vec::new(),
                total: 0,
                cap,
                over: false,
            }),
        }
    }

    /// Inflates `data`; the output so far is handed to `sink` and dropped.
    pub(crate) fn push(
        &mut self,
        data: &[u8],
        sink: &mut dyn FnMut(&[u8]),
    ) -> Result<(), InflateError> {
        let result = self.inner.write_all(data);
        self.drain(sink);
        result.map_err(|_| self.error())
    }

    /// Ends the stream: checks the gzip trailer and hands out the rest.
    pub(crate) fn finish(&mut self, sink: &mut dyn FnMut(&[u8])) -> Result<(), InflateError> {
        let result = self.inner.try_finish();
        self.drain(sink);
        result.map_err(|_| self.error())
    }

    fn drain(&mut self, sink: &mut dyn FnMut(&[u8])) {
        let out = self.inner.get_mut();
        if !out.buf.is_empty() {
            sink(&out.buf);
            out.buf.clear();
        }
    }

    fn error(&self) -> InflateError {
        if self.inner.get_ref().over {
            InflateError::TooLarge
        } else {
            InflateError::Corrupt
        }
    }
}

/// Compresses `body` with gzip (fast level: bodies are XML, latency counts).
pub(crate) fn compress(body: &[u8]) -> Bytes {
    let out = BytesMut::with_capacity(body.len() / 4 + 64).writer();
    let mut enc = GzEncoder::new(out, Compression::fast());
    // Writing into memory cannot fail.
    let done = enc.write_all(body).and_then(|_| enc.finish());
    match done {
        Ok(w) => w.into_inner().freeze(),
        Err(_) => Bytes::new(),
    }
}

/// True when an `Accept-Encoding` value allows gzip (`gzip`, `x-gzip` or
/// `*`, with a q-value other than 0).
pub(crate) fn accepts_gzip(value: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    text.split(',').any(|item| {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim();
        let known = coding.eq_ignore_ascii_case("gzip")
            || coding.eq_ignore_ascii_case("x-gzip")
            || coding == "*";
        let refused = parts.any(|p| {
            let p = p.trim();
            p.len() >= 2
                && p.as_bytes()[..2].eq_ignore_ascii_case(b"q=")
                && p[2..].trim().parse::<f32>() == Ok(0.0)
        });
        known && !refused
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflate(data: &[u8], cap: usize, split: usize) -> Result<Vec<u8>, InflateError> {
        let mut inf = Inflater::new(cap);
        let mut out = Vec::new();
        for piece in data.chunks(split.max(1)) {
            inf.push(piece, &mut |d| out.extend_from_slice(d))?;
        }
        inf.finish(&mut |d| out.extend_from_slice(d))?;
        Ok(out)
    }

    #[test]
    fn round_trip_any_split() {
        let body: Vec<u8> = (0..5000u32).flat_map(|i| i.to_le_bytes()).collect();
        let packed = compress(&body);
        assert!(packed.len() < body.len());
        for split in [1, 13, packed.len()] {
            assert_eq!(
                inflate(&packed, body.len(), split).as_deref(),
                Ok(&body[..])
            );
        }
    }

    #[test]
    fn bomb_stops_at_the_cap() {
        let packed = compress(&vec![b'a'; 10 << 20]);
        assert!(packed.len() < 64 << 10);
        assert_eq!(inflate(&packed, 1 << 20, 4096), Err(InflateError::TooLarge));
    }

    #[test]
    fn corrupt_and_truncated() {
        assert_eq!(
            inflate(b"not gzip at all", 100, 3),
            Err(InflateError::Corrupt)
        );
        let packed = compress(b"hello hello hello");
        let cut = &packed[..packed.len() - 4];
        assert_eq!(inflate(cut, 100, 5), Err(InflateError::Corrupt));
    }

    #[test]
    fn accept_encoding_values() {
        for yes in [
            "gzip",
            "deflate, gzip",
            "GZIP;q=0.5",
            "x-gzip",
            "*",
            "br, gzip ; q=1",
        ] {
            assert!(accepts_gzip(yes.as_bytes()), "{yes}");
        }
        for no in [
            "",
            "deflate",
            "identity",
            "gzip;q=0",
            "gzip; q=0.000",
            "gzipx",
        ] {
            assert!(!accepts_gzip(no.as_bytes()), "{no}");
        }
    }
}
