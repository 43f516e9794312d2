//! [`DateTime`]: the value of `<dateTime.iso8601>`, keeping what the wire said.
//!
//! XML-RPC's date-time has no time zone by default. This type keeps the
//! fractional seconds and the UTC offset when the sender gave them, so a
//! value read from the wire is written back unchanged.

use std::fmt;
use std::str::FromStr;

/// A calendar date and wall-clock time, with optional fraction and offset.
///
/// Fields are validated on construction: years 0-9999, months 1-12, days
/// valid for the month (leap years included), hours 0-23, minutes 0-59,
/// seconds 0-60 (leap second), nanoseconds below 1e9, offsets within
/// +-23:59.
///
/// Parsing ([`FromStr`], SPEC rule 13) accepts the spec's basic form
/// `YYYYMMDDTHH:MM:SS` and the extended `YYYY-MM-DDTHH:MM:SS`, each with an
/// optional fraction (`.` and 1-9 digits) and an optional `Z`, `+hh:mm` or
/// `+hhmm` (or `-`). Display writes the basic form, adding the fraction
/// (fewest digits) and the offset (`Z` for zero) only when present.
///
/// ```
/// use xmlrpc_proto::DateTime;
/// let dt: DateTime = "1998-07-17T14:08:55.25+02:00".parse().unwrap();
/// assert_eq!(dt.offset_minutes(), Some(120));
/// assert_eq!(dt.to_string(), "19980717T14:08:55.25+02:00");
/// ```
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

/// Why a [`DateTime`] could not be built or parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateTimeError {
    /// The text does not have the shape of SPEC rule 13.
    Syntax,
    /// Year above 9999.
    Year,
    /// Month outside 1-12.
    Month,
    /// Day outside the month's days.
    Day,
    /// Hour above 23.
    Hour,
    /// Minute above 59.
    Minute,
    /// Second above 60.
    Second,
    /// Nanoseconds of 1e9 or more, or a fraction of more than 9 digits.
    Fraction,
    /// Offset beyond +-23:59.
    Offset,
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateTimeError::Syntax => {
                "date-time is not YYYYMMDDTHH:MM:SS or YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm]"
            }
            DateTimeError::Year => "year out of range 0-9999",
            DateTimeError::Month => "month out of range 1-12",
            DateTimeError::Day => "day does not exist in that month",
            DateTimeError::Hour => "hour out of range 0-23",
            DateTimeError::Minute => "minute out of range 0-59",
            DateTimeError::Second => "second out of range 0-60",
            DateTimeError::Fraction => "fraction of a second out of range",
            DateTimeError::Offset => "UTC offset out of range +-23:59",
        })
    }
}

impl std::error::Error for DateTimeError {}

fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

impl DateTime {
    /// The all-zero date `00000000T00:00:00` that some servers (WordPress,
    /// for drafts) send for "no date". Not a valid calendar date: only the
    /// decoder's [`lenient_zero_date`](crate::decode::DecodeOptions::lenient_zero_date)
    /// reads it, [`is_zero`](Self::is_zero) tells it apart, it is written
    /// back unchanged, and the chrono and time conversions refuse it.
    pub const ZERO: DateTime = DateTime {
        year: 0,
        month: 0,
        day: 0,
        hour: 0,
        minute: 0,
        second: 0,
        nanosecond: 0,
        offset_minutes: None,
    };

    /// True for [`DateTime::ZERO`], the all-zero "no date".
    pub fn is_zero(&self) -> bool {
        self.month == 0
    }

    /// A date-time without fraction or offset; every field is range-checked.
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<DateTime, DateTimeError> {
        if year > 9999 {
            return Err(DateTimeError::Year);
        }
        if !(1..=12).contains(&month) {
            return Err(DateTimeError::Month);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateTimeError::Day);
        }
        if hour > 23 {
            return Err(DateTimeError::Hour);
        }
        if minute > 59 {
            return Err(DateTimeError::Minute);
        }
        if second > 60 {
            return Err(DateTimeError::Second);
        }
        Ok(DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            nanosecond: 0,
            offset_minutes: None,
        })
    }

    /// This date-time with the fraction of a second set (below 1e9).
    pub fn with_nanosecond(self, nanosecond: u32) -> Result<DateTime, DateTimeError> {
        if nanosecond >= 1_000_000_000 {
            return Err(DateTimeError::Fraction);
        }
        Ok(DateTime { nanosecond, ..self })
    }

    /// This date-time with an offset from UTC in minutes (`None`: no zone,
    /// `Some(0)`: UTC, written `Z`), within +-23:59.
    pub fn with_offset_minutes(self, offset: Option<i16>) -> Result<DateTime, DateTimeError> {
        if offset.is_some_and(|m| m.unsigned_abs() > 23 * 60 + 59) {
            return Err(DateTimeError::Offset);
        }
        Ok(DateTime {
            offset_minutes: offset,
            ..self
        })
    }

    /// The year, 0-9999.
    pub fn year(&self) -> u16 {
        self.year
    }
    /// The month, 1-12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// The day of the month, 1-31.
    pub fn day(&self) -> u8 {
        self.day
    }
    /// The hour, 0-23.
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// The minute, 0-59.
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// The second, 0-60 (60 is a leap second).
    pub fn second(&self) -> u8 {
        self.second
    }
    /// The fraction of the second in nanoseconds (0 when none was given).
    pub fn nanosecond(&self) -> u32 {
        self.nanosecond
    }
    /// The offset from UTC in minutes, when the value carries one.
    pub fn offset_minutes(&self) -> Option<i16> {
        self.offset_minutes
    }

    /// Parses SPEC rule 13's forms from bytes (the decoder's entry point).
    pub(crate) fn parse_bytes(s: &[u8]) -> Result<DateTime, DateTimeError> {
        let mut p = Cursor { s, i: 0 };
        let year = p.digits(4)?;
        let extended = p.eat(b'-');
        let month = p.digits(2)?;
        if extended {
            p.expect(b'-')?;
        }
        let day = p.digits(2)?;
        p.expect(b'T')?;
        let hour = p.digits(2)?;
        p.expect(b':')?;
        let minute = p.digits(2)?;
        p.expect(b':')?;
        let second = p.digits(2)?;
        let mut dt = DateTime::new(
            year as u16,
            month as u8,
            day as u8,
            hour as u8,
            minute as u8,
            second as u8,
        )?;
        if p.eat(b'.') {
            let start = p.i;
            let mut nanos: u32 = 0;
            while let Some(d) = p.peek_digit() {
                if p.i - start == 9 {
                    return Err(DateTimeError::Fraction);
                }
                nanos = nanos * 10 + d;
                p.i += 1;
            }
            let n = p.i - start;
            if n == 0 {
                return Err(DateTimeError::Syntax);
            }
            dt.nanosecond = nanos * 10u32.pow(9 - n as u32);
        }
        match p.next() {
            None => return Ok(dt),
            Some(b'Z') => dt.offset_minutes = Some(0),
            Some(sign @ (b'+' | b'-')) => {
                let hh = p.digits(2)?;
                p.eat(b':');
                let mm = p.digits(2)?;
                if hh > 23 || mm > 59 {
                    return Err(DateTimeError::Offset);
                }
                let m = (hh * 60 + mm) as i16;
                dt.offset_minutes = Some(if sign == b'-' { -m } else { m });
            }
            Some(_) => return Err(DateTimeError::Syntax),
        }
        if p.i != s.len() {
            return Err(DateTimeError::Syntax);
        }
        Ok(dt)
    }
}

/// A tiny byte cursor for the fixed-width fields.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek_digit(&self) -> Option<u32> {
        match self.s.get(self.i) {
            Some(b @ b'0'..=b'9') => Some(u32::from(b - b'0')),
            _ => None,
        }
    }
    fn digits(&mut self, n: usize) -> Result<u32, DateTimeError> {
        let mut v = 0;
        for _ in 0..n {
            let d = self.peek_digit().ok_or(DateTimeError::Syntax)?;
            v = v * 10 + d;
            self.i += 1;
        }
        Ok(v)
    }
    fn eat(&mut self, b: u8) -> bool {
        let hit = self.s.get(self.i) == Some(&b);
        if hit {
            self.i += 1;
        }
        hit
    }
    fn expect(&mut self, b: u8) -> Result<(), DateTimeError> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(DateTimeError::Syntax)
        }
    }
    fn next(&mut self) -> Option<u8> {
        let b = self.s.get(self.i).copied();
        if b.is_some() {
            self.i += 1;
        }
        b
    }
}

impl FromStr for DateTime {
    type Err = DateTimeError;
    fn from_str(s: &str) -> Result<DateTime, DateTimeError> {
        DateTime::parse_bytes(s.as_bytes())
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if self.nanosecond != 0 {
            let mut digits = 9;
            let mut n = self.nanosecond;
            while n % 10 == 0 {
                n /= 10;
                digits -= 1;
            }
            write!(f, ".{:0width$}", n, width = digits)?;
        }
        match self.offset_minutes {
            None => Ok(()),
            Some(0) => f.write_str("Z"),
            Some(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                let a = m.unsigned_abs();
                write!(f, "{}{:02}:{:02}", sign, a / 60, a % 60)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_each_form() {
        let cases = [
            ("19980717T14:08:55", "19980717T14:08:55"),
            ("1998-07-17T14:08:55", "19980717T14:08:55"),
            ("19980717T14:08:55.5", "19980717T14:08:55.5"),
            (
                "19980717T14:08:55.123456789Z",
                "19980717T14:08:55.123456789Z",
            ),
            ("19980717T14:08:55.010", "19980717T14:08:55.01"),
            ("19980717T14:08:55+0530", "19980717T14:08:55+05:30"),
            ("19980717T14:08:55-08:00", "19980717T14:08:55-08:00"),
            ("20000229T23:59:60", "20000229T23:59:60"),
            ("00000101T00:00:00+00:00", "00000101T00:00:00Z"),
        ];
        for (input, shown) in cases {
            let dt: DateTime = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(dt.to_string(), shown, "{input}");
            assert_eq!(shown.parse::<DateTime>(), Ok(dt), "{shown}");
        }
    }

    #[test]
    fn keeps_fields() {
        let dt: DateTime = "2024-02-29T01:02:03.000004-01:30".parse().unwrap();
        assert_eq!(
            (
                dt.year(),
                dt.month(),
                dt.day(),
                dt.hour(),
                dt.minute(),
                dt.second()
            ),
            (2024, 2, 29, 1, 2, 3)
        );
        assert_eq!(dt.nanosecond(), 4_000);
        assert_eq!(dt.offset_minutes(), Some(-90));
    }

    #[test]
    fn refuses_bad_text_and_bad_dates() {
        use DateTimeError::*;
        let cases = [
            ("", Syntax),
            ("1998071714:08:55", Syntax),
            ("19980717T140855", Syntax),
            ("1998-0717T14:08:55", Syntax),
            ("19980717T14:08:55 ", Syntax),
            ("19980717T14:08:55.", Syntax),
            ("19980717T14:08:55.1234567890", Fraction),
            ("19980717T14:08:55+5", Syntax),
            ("19980717T14:08:55+24:00", Offset),
            ("19980717T14:08:55Z0", Syntax),
            ("19981317T14:08:55", Month),
            ("19980007T14:08:55", Month),
            ("19990229T14:08:55", Day),
            ("19000229T14:08:55", Day),
            ("19980431T14:08:55", Day),
            ("19980700T14:08:55", Day),
            ("19980717T24:08:55", Hour),
            ("19980717T14:60:55", Minute),
            ("19980717T14:08:61", Second),
            ("１９９８0717T14:08:55", Syntax),
        ];
        for (input, err) in cases {
            assert_eq!(input.parse::<DateTime>(), Err(err), "{input:?}");
        }
    }

    proptest::proptest! {
        /// Display then parse gives the same value, for every valid field set.
        #[test]
        fn display_parses_back(
            (y, mo, d, h, mi, s) in (0u16..=9999, 1u8..=12, 1u8..=31, 0u8..=23, 0u8..=59, 0u8..=60),
            nanos in proptest::prop_oneof![proptest::strategy::Just(0u32), 0u32..1_000_000_000],
            offset in proptest::option::of(-1439i16..=1439),
        ) {
            if let Ok(dt) = DateTime::new(y, mo, d, h, mi, s) {
                let dt = dt.with_nanosecond(nanos).unwrap().with_offset_minutes(offset).unwrap();
                let text = dt.to_string();
                proptest::prop_assert_eq!(text.parse::<DateTime>(), Ok(dt), "{}", text);
                proptest::prop_assert!(text.len() >= 17 && text.as_bytes()[8] == b'T');
            } else {
                proptest::prop_assert!(d > 28, "only day-of-month overflows are refused here");
            }
        }
    }

    #[test]
    fn builders_check_ranges() {
        let dt = DateTime::new(2020, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            dt.with_nanosecond(1_000_000_000),
            Err(DateTimeError::Fraction)
        );
        assert_eq!(
            dt.with_offset_minutes(Some(1440)),
            Err(DateTimeError::Offset)
        );
        assert_eq!(
            dt.with_offset_minutes(Some(-1439))
                .unwrap()
                .offset_minutes(),
            Some(-1439)
        );
        assert_eq!(
            DateTime::new(10000, 1, 1, 0, 0, 0),
            Err(DateTimeError::Year)
        );
    }
}
