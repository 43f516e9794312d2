//! [`Limits`]: the bounds that keep hostile input from costing more than it should.

/// Bounds on what the decoder accepts. Hitting one gives
/// [`DecodeErrorKind::LimitExceeded`](crate::decode::DecodeErrorKind::LimitExceeded)
/// naming the field.
///
/// | field | default | meaning |
/// |---|---|---|
/// | `max_depth` | 64 | nesting of arrays and structs |
/// | `max_message_size` | 16 MiB | bytes of input |
/// | `max_text_size` | 16 MiB | bytes in one text, name or base64 value |
/// | `max_params` | 10,000 | `<param>`s in one message |
/// | `max_elements` | 4,000,000 | XML elements in one message |
///
/// Limits count input: `max_message_size` bytes as fed (before transcoding),
/// `max_text_size` bytes of one element's text after references are
/// resolved. One bound is fixed: a single tag (`<` to `>`) longer than
/// 8 KiB is a `Syntax` error. Every limit fails at the same offset however
/// the input is split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of arrays and structs inside one value.
    pub max_depth: usize,
    /// Largest message, in bytes of input.
    pub max_message_size: usize,
    /// Largest single text node, name or encoded base64 value, in bytes.
    pub max_text_size: usize,
    /// Most `<param>`s in one message.
    pub max_params: usize,
    /// Most XML elements in one message.
    pub max_elements: usize,
}

impl Limits {
    /// The defaults for a server reading requests (16 MiB messages).
    pub const fn server() -> Self {
        Limits {
            max_depth: 64,
            max_message_size: 16 << 20,
            max_text_size: 16 << 20,
            max_params: 10_000,
            max_elements: 4_000_000,
        }
    }

    /// The defaults for a client reading responses (64 MiB messages).
    pub const fn client() -> Self {
        Limits {
            max_message_size: 64 << 20,
            max_text_size: 64 << 20,
            max_elements: 16_000_000,
            ..Limits::server()
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::server()
    }
}
