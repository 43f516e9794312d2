//! [`DecodeOptions`]: what the decoder tolerates beyond the spec.

/// Leniencies for reading what real peers send beyond SPEC.md. All are off
/// by default: servers stay strict, and a client opts in per peer (through
/// `ClientConfig::decode_options`, or `xrpc call --lenient`). Unlike
/// [`Limits`](super::Limits), these change what a message means, never how
/// much of it is read, and none turns a quirk into an ordinary-looking
/// value: each reads as something the caller can tell apart.
///
/// ```
/// use xmlrpc_proto::decode::{decode_response_with_options as decode, DecodeOptions};
/// use xmlrpc_proto::{DateTime, Limits, MethodResponse, Value};
///
/// // WordPress sends drafts' dates as all zeros; some servers send `<int/>`.
/// let body = "<methodResponse><params><param><value><array><data>\
///     <value><dateTime.iso8601>00000000T00:00:00</dateTime.iso8601></value>\
///     <value><int/></value></data></array></value></param></params></methodResponse>";
/// assert!(decode(body.as_bytes(), Limits::client(), DecodeOptions::strict()).is_err());
/// let read = decode(body.as_bytes(), Limits::client(), DecodeOptions::lenient());
/// let MethodResponse::Success(Value::Array(items)) = read.unwrap() else { panic!() };
/// assert!(matches!(items[0], Value::DateTime(d) if d.is_zero() && d == DateTime::ZERO));
/// assert_eq!(items[1], Value::Nil);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeOptions {
    /// Accept `<params/>` with no `<param>` in a response as `Nil` (SPEC
    /// rule 3 refuses it).
    pub lenient_empty_response: bool,
    /// Read an empty `<int>`, `<i4>`, `<i8>`, `<boolean>`, `<double>` or
    /// `<dateTime.iso8601>` (`<int/>`, `<int></int>`, whitespace only, and
    /// their `ex:` forms) as `Nil`, never as 0 or false. An empty
    /// `<string>` or `<base64>` is valid anyway.
    pub lenient_empty_scalars: bool,
    /// Read the all-zero date `00000000T00:00:00` (or
    /// `0000-00-00T00:00:00`), which WordPress sends for drafts, as
    /// [`DateTime::ZERO`](crate::DateTime::ZERO): never silently an epoch,
    /// written back unchanged, refused by the chrono and time conversions.
    pub lenient_zero_date: bool,
}

impl DecodeOptions {
    /// The strict defaults: nothing beyond the spec.
    pub const fn strict() -> Self {
        DecodeOptions {
            lenient_empty_response: false,
            lenient_empty_scalars: false,
            lenient_zero_date: false,
        }
    }

    /// Every leniency on (what `xrpc call --lenient` reads with).
    pub const fn lenient() -> Self {
        DecodeOptions {
            lenient_empty_response: true,
            lenient_empty_scalars: true,
            lenient_zero_date: true,
        }
    }

    /// These options with an empty response `<params/>` read as `Nil`.
    pub const fn lenient_empty_response(mut self, on: bool) -> Self {
        self.lenient_empty_response = on;
        self
    }

    /// These options with empty scalar elements read as `Nil`.
    pub const fn lenient_empty_scalars(mut self, on: bool) -> Self {
        self.lenient_empty_scalars = on;
        self
    }

    /// These options with the all-zero date read as `DateTime::ZERO`.
    pub const fn lenient_zero_date(mut self, on: bool) -> Self {
        self.lenient_zero_date = on;
        self
    }
}
