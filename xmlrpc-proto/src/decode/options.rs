//! [`DecodeOptions`]: what the decoder tolerates beyond the spec.

/// Leniencies for reading what real peers send beyond SPEC.md. All are off
/// by default: servers stay strict, and a client opts in per peer (through
/// `ClientConfig::decode_options`). Unlike [`Limits`](super::Limits),
/// these change what a message means, never how much of it is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeOptions {
    /// Accept `<params/>` with no `<param>` in a response as `Nil` (SPEC
    /// rule 3 refuses it).
    pub lenient_empty_response: bool,
}

impl DecodeOptions {
    /// The strict defaults: nothing beyond the spec.
    pub const fn strict() -> Self {
        DecodeOptions {
            lenient_empty_response: false,
        }
    }

    /// These options with an empty response `<params/>` read as `Nil`.
    pub const fn lenient_empty_response(mut self, on: bool) -> Self {
        self.lenient_empty_response = on;
        self
    }
}
