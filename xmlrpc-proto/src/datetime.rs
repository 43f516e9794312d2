//! [`DateTime`]: the value of `<dateTime.iso8601>`, keeping what the wire said.
//!
//! XML-RPC's date-time has no time zone by default. This type keeps the
//! fractional seconds and the UTC offset when the sender gave them, so a
//! value read from the wire is written back unchanged.

/// A calendar date and wall-clock time, with optional fraction and offset.
///
/// Fields are validated on construction: months 1-12, days valid for the
/// month (leap years included), hours 0-23, minutes 0-59, seconds 0-60 (leap
/// second), nanoseconds below 1e9, offsets within +-23:59.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub(crate) year: u16,
    pub(crate) month: u8,
    pub(crate) day: u8,
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) second: u8,
    pub(crate) nanosecond: u32,
    /// Offset from UTC in minutes; `Some(0)` is written `Z`.
    pub(crate) offset_minutes: Option<i16>,
}
