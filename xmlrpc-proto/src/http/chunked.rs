//! The chunked transfer-coding decoder (RFC 9112 section 7.1), byte-exact and
//! split-invariant: it holds no input, only a few counters.

/// Longest chunk-size line we accept (size, extensions, whitespace). Longer
/// lines are an attack on the parser, not a real client.
const MAX_SIZE_LINE: usize = 4096;

/// Why chunked framing is broken; the server answers 400 and closes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ChunkError {
    /// Something other than hex digits, extensions and CRLF in a size line.
    BadSize,
    /// A chunk size that does not fit in 64 bits.
    SizeOverflow,
    /// A size line longer than [`MAX_SIZE_LINE`].
    SizeLineTooLong,
    /// Chunk data not followed by CRLF.
    MissingCrlf,
    /// Trailer section longer than the caller's bound.
    TrailersTooLarge,
}

impl ChunkError {
    /// A short description for the 400 body or a client error.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            ChunkError::BadSize => "bad chunk size line",
            ChunkError::SizeOverflow => "chunk size overflows",
            ChunkError::SizeLineTooLong => "chunk size line too long",
            ChunkError::MissingCrlf => "chunk data not followed by CRLF",
            ChunkError::TrailersTooLarge => "chunked trailers too large",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Reading hex digits; `any` is whether one was seen.
    Size { any: bool },
    /// After the digits: whitespace or `;ext` until CR/LF.
    SizeRest,
    /// Saw CR of the size line.
    SizeLf,
    /// Inside chunk data.
    Data,
    /// Expecting the CR after data.
    DataCr,
    /// Expecting the LF after data.
    DataLf,
    /// At the start of a trailer line (or the final empty line).
    TrailerStart,
    /// Inside a non-empty trailer line.
    TrailerLine,
    /// Saw CR of a trailer line; `empty` when the line had no content.
    TrailerLf { empty: bool },
    /// Done: the last chunk and its trailers were read.
    Done,
}

/// Decodes a chunked body. Feed it slices with [`ChunkedDecoder::decode`];
/// it returns the data bytes as sub-slices of its input (no copy).
#[derive(Debug)]
pub(crate) struct ChunkedDecoder {
    state: State,
    size: u64,
    remaining: u64,
    line_len: usize,
    trailer_len: usize,
    max_trailers: usize,
}

/// One step of [`ChunkedDecoder::decode`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Step<'a> {
    /// Bytes of input used.
    pub consumed: usize,
    /// Chunk data found (part of the input), if any.
    pub data: &'a [u8],
    /// A new chunk of this size starts (checked by the caller against caps
    /// before any of its data is read).
    pub new_chunk: Option<u64>,
}

impl ChunkedDecoder {
    /// A decoder allowing `max_trailers` bytes of trailer section.
    pub(crate) fn new(max_trailers: usize) -> Self {
        ChunkedDecoder {
            state: State::Size { any: false },
            size: 0,
            remaining: 0,
            line_len: 0,
            trailer_len: 0,
            max_trailers,
        }
    }

    /// True once the last chunk and the trailer section are read.
    pub(crate) fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Consumes input until it has data to hand out, a new chunk header, the
    /// end of the body, or the end of `input`.
    pub(crate) fn decode<'a>(&mut self, input: &'a [u8]) -> Result<Step<'a>, ChunkError> {
        let mut i = 0;
        while i < input.len() {
            let b = input[i];
            match self.state {
                State::Data => {
                    let n = usize::try_from(self.remaining)
                        .unwrap_or(usize::MAX)
                        .min(input.len() - i);
                    self.remaining -= n as u64;
                    if self.remaining == 0 {
                        self.state = State::DataCr;
                    }
                    return Ok(Step {
                        consumed: i + n,
                        data: &input[i..i + n],
                        new_chunk: None,
                    });
                }
                State::Done => break,
                _ => {}
            }
            i += 1;
            if let Some(size) = self.byte(b)? {
                return Ok(Step {
                    consumed: i,
                    data: &[],
                    new_chunk: Some(size),
                });
            }
        }
        Ok(Step {
            consumed: i,
            data: &[],
            new_chunk: None,
        })
    }

    /// One framing byte; returns the size when a size line completes.
    fn byte(&mut self, b: u8) -> Result<Option<u64>, ChunkError> {
        if matches!(
            self.state,
            State::Size { .. } | State::SizeRest | State::SizeLf
        ) {
            self.line_len += 1;
            if self.line_len > MAX_SIZE_LINE {
                return Err(ChunkError::SizeLineTooLong);
            }
        }
        match self.state {
            State::Size { any } => match hex_value(b) {
                Some(v) => {
                    if self.size >> 60 != 0 {
                        return Err(ChunkError::SizeOverflow);
                    }
                    self.size = (self.size << 4) | u64::from(v);
                    self.state = State::Size { any: true };
                }
                None if !any => return Err(ChunkError::BadSize),
                None => return self.size_rest(b),
            },
            State::SizeRest => return self.size_rest(b),
            State::SizeLf => {
                if b != b'\n' {
                    return Err(ChunkError::BadSize);
                }
                return Ok(Some(self.end_size_line()));
            }
            State::DataCr => match b {
                b'\r' => self.state = State::DataLf,
                // Tolerate a bare LF like most servers do.
                b'\n' => self.state = State::Size { any: false },
                _ => return Err(ChunkError::MissingCrlf),
            },
            State::DataLf => {
                if b != b'\n' {
                    return Err(ChunkError::MissingCrlf);
                }
                self.state = State::Size { any: false };
            }
            State::TrailerStart | State::TrailerLine => {
                self.trailer_len += 1;
                if self.trailer_len > self.max_trailers {
                    return Err(ChunkError::TrailersTooLarge);
                }
                let empty = self.state == State::TrailerStart;
                match b {
                    b'\r' => self.state = State::TrailerLf { empty },
                    b'\n' if empty => self.state = State::Done,
                    b'\n' => self.state = State::TrailerStart,
                    _ => self.state = State::TrailerLine,
                }
            }
            State::TrailerLf { empty } => {
                if b != b'\n' {
                    return Err(ChunkError::BadSize);
                }
                self.state = if empty {
                    State::Done
                } else {
                    State::TrailerStart
                };
            }
            State::Data | State::Done => {}
        }
        Ok(None)
    }

    /// After the hex digits: optional whitespace and `;name[=value]`
    /// extensions (ignored), then CRLF (or a bare LF).
    fn size_rest(&mut self, b: u8) -> Result<Option<u64>, ChunkError> {
        match b {
            b'\r' => self.state = State::SizeLf,
            b'\n' => return Ok(Some(self.end_size_line())),
            // Extensions may hold quoted strings; any visible byte is fine
            // as long as the line ends and stays short.
            b'\t' | b' '..=b'~' | 0x80..=0xff => self.state = State::SizeRest,
            _ => return Err(ChunkError::BadSize),
        }
        Ok(None)
    }

    fn end_size_line(&mut self) -> u64 {
        let size = self.size;
        self.size = 0;
        self.line_len = 0;
        if size == 0 {
            self.state = State::TrailerStart;
        } else {
            self.remaining = size;
            self.state = State::Data;
        }
        size
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `input` fed in pieces of `split` bytes; returns the data and
    /// whether the end was reached, or the first error.
    fn run(input: &[u8], split: usize) -> Result<(Vec<u8>, bool), ChunkError> {
        let mut dec = ChunkedDecoder::new(1024);
        let mut out = Vec::new();
        for piece in input.chunks(split) {
            let mut rest = piece;
            while !rest.is_empty() && !dec.is_done() {
                let step = dec.decode(rest)?;
                out.extend_from_slice(step.data);
                rest = &rest[step.consumed..];
            }
        }
        Ok((out, dec.is_done()))
    }

    fn all_splits(input: &[u8]) -> Result<(Vec<u8>, bool), ChunkError> {
        let whole = run(input, input.len().max(1));
        for split in [1, 2, 3, 7] {
            assert_eq!(run(input, split), whole, "split {split}");
        }
        whole
    }

    #[test]
    fn plain_chunks() {
        let r = all_splits(b"5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n");
        assert_eq!(r, Ok((b"hello, world".to_vec(), true)));
    }

    #[test]
    fn extensions_trailers_and_bare_lf() {
        let r = all_splits(
            b"5;name=\"a;b\"\r\nhello\r\nA ; x\r\n0123456789\n0;last\r\nX-T: 1\r\nY: 2\r\n\r\n",
        );
        assert_eq!(r, Ok((b"hello0123456789".to_vec(), true)));
    }

    #[test]
    fn zero_size_first_and_uppercase_hex() {
        assert_eq!(all_splits(b"0\r\n\r\n"), Ok((Vec::new(), true)));
        let r = all_splits(b"1F\r\n0123456789012345678901234567890\r\n0\r\n\r\n");
        assert_eq!(r.map(|(d, done)| (d.len(), done)), Ok((31, true)));
    }

    #[test]
    fn incomplete_is_not_done() {
        assert_eq!(all_splits(b"5\r\nhel"), Ok((b"hel".to_vec(), false)));
        assert_eq!(all_splits(b"0\r\nX: 1\r\n"), Ok((Vec::new(), false)));
    }

    #[test]
    fn broken_framing() {
        assert_eq!(all_splits(b"x\r\n"), Err(ChunkError::BadSize));
        assert_eq!(all_splits(b"\r\n"), Err(ChunkError::BadSize));
        assert_eq!(all_splits(b"5\rx"), Err(ChunkError::BadSize));
        assert_eq!(all_splits(b"5\r\nhelloX"), Err(ChunkError::MissingCrlf));
        assert_eq!(all_splits(b"5\r\nhello\rX"), Err(ChunkError::MissingCrlf));
        assert_eq!(all_splits(b"5\x00\r\n"), Err(ChunkError::BadSize));
        assert_eq!(
            all_splits(b"10000000000000000\r\n"),
            Err(ChunkError::SizeOverflow)
        );
        let long = [b"1;".as_slice(), &[b'a'; 5000]].concat();
        assert_eq!(all_splits(&long), Err(ChunkError::SizeLineTooLong));
        let trailers = [b"0\r\nX: ".as_slice(), &[b'a'; 2000]].concat();
        assert_eq!(all_splits(&trailers), Err(ChunkError::TrailersTooLarge));
    }

    #[test]
    fn reports_each_chunk_size_before_its_data() {
        let mut dec = ChunkedDecoder::new(64);
        let step = dec
            .decode(b"ffffffff\r\nab")
            .map(|s| (s.consumed, s.new_chunk));
        assert_eq!(step, Ok((10, Some(0xffff_ffff))));
    }
}
