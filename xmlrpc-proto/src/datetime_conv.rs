//! Conversions between [`DateTime`] and the `chrono` / `time` crates' types
//! (features `chrono` and `time`). Fractions and offsets are kept exactly.
//!
//! The offset is never invented nor dropped: a naive type (`NaiveDateTime`,
//! `PrimitiveDateTime`) takes only a `DateTime` without offset, and an
//! offset-aware type only one with. `chrono::DateTime<Utc>` accepts any
//! offset and converts the instant to UTC. Years outside `0..=9999` (which
//! the wire format cannot write) are refused.

use crate::{ConvertError, DateTime, Value};

/// Builds a `DateTime` from fields a date library has already validated.
#[allow(clippy::too_many_arguments)]
fn from_parts(
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanosecond: u32,
    offset_seconds: Option<i32>,
) -> Result<DateTime, ConvertError> {
    let year = u16::try_from(year)
        .ok()
        .filter(|y| *y <= 9999)
        .ok_or_else(|| ConvertError::new("a year in 0..=9999", format!("year {year}")))?;
    let offset_minutes = match offset_seconds {
        None => None,
        Some(seconds) if seconds % 60 == 0 => Some(seconds / 60),
        Some(seconds) => {
            return Err(ConvertError::new(
                "an offset in whole minutes",
                format!("offset of {seconds} s"),
            ))
        }
    };
    // `time` allows offsets up to +-25:59; the wire (and `DateTime`) stops
    // at +-23:59. Going through the checked constructors keeps every
    // `DateTime` one the encoder can write and any decoder can read.
    let offset = match offset_minutes {
        None => None,
        Some(minutes) => Some(
            i16::try_from(minutes)
                .ok()
                .filter(|m| m.unsigned_abs() <= 23 * 60 + 59)
                .ok_or_else(|| {
                    ConvertError::new(
                        "an offset within +-23:59",
                        format!("offset of {minutes} min"),
                    )
                })?,
        ),
    };
    DateTime::new(year, month, day, hour, minute, second)
        .and_then(|dt| dt.with_nanosecond(nanosecond))
        .and_then(|dt| dt.with_offset_minutes(offset))
        .map_err(|e| ConvertError::new("a valid dateTime", e.to_string()))
}

fn require_naive(dt: &DateTime) -> Result<(), ConvertError> {
    match dt.offset_minutes {
        None => Ok(()),
        Some(minutes) => Err(ConvertError::new(
            "a dateTime without offset",
            format!("offset of {minutes} min"),
        )),
    }
}

fn require_offset(dt: &DateTime) -> Result<i32, ConvertError> {
    dt.offset_minutes
        .map(|minutes| i32::from(minutes) * 60)
        .ok_or_else(|| ConvertError::new("a dateTime with offset", "no offset"))
}

fn invalid(what: &str) -> ConvertError {
    ConvertError::new("a date-time the target type can hold", what)
}

/// `TryFrom` in both directions between `Value` and a date type, through `DateTime`.
macro_rules! via_datetime {
    ($($t:ty),*) => {$(
        impl TryFrom<$t> for Value {
            type Error = ConvertError;
            fn try_from(v: $t) -> Result<Self, ConvertError> {
                DateTime::try_from(v).map(Value::DateTime)
            }
        }

        impl TryFrom<Value> for $t {
            type Error = ConvertError;
            fn try_from(v: Value) -> Result<Self, ConvertError> {
                <$t>::try_from(DateTime::try_from(v)?)
            }
        }
    )*};
}

#[cfg(feature = "chrono")]
mod chrono_conv {
    use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};

    use super::*;

    fn from_naive(
        v: &NaiveDateTime,
        offset_seconds: Option<i32>,
    ) -> Result<DateTime, ConvertError> {
        // chrono keeps a leap second as second 59 with a nanosecond >= 1e9.
        let (second, nanosecond) = if v.nanosecond() >= 1_000_000_000 {
            (v.second() + 1, v.nanosecond() - 1_000_000_000)
        } else {
            (v.second(), v.nanosecond())
        };
        from_parts(
            v.year(),
            v.month() as u8,
            v.day() as u8,
            v.hour() as u8,
            v.minute() as u8,
            second as u8,
            nanosecond,
            offset_seconds,
        )
    }

    fn to_naive(v: &DateTime) -> Result<NaiveDateTime, ConvertError> {
        let (second, nanosecond) = if v.second == 60 {
            (59, v.nanosecond + 1_000_000_000)
        } else {
            (u32::from(v.second), v.nanosecond)
        };
        NaiveDate::from_ymd_opt(i32::from(v.year), u32::from(v.month), u32::from(v.day))
            .and_then(|d| {
                d.and_hms_nano_opt(u32::from(v.hour), u32::from(v.minute), second, nanosecond)
            })
            .ok_or_else(|| invalid("a date-time chrono refuses"))
    }

    impl TryFrom<NaiveDateTime> for DateTime {
        type Error = ConvertError;
        /// Without offset; refuses years outside `0..=9999`.
        fn try_from(v: NaiveDateTime) -> Result<Self, ConvertError> {
            from_naive(&v, None)
        }
    }

    impl TryFrom<chrono::DateTime<FixedOffset>> for DateTime {
        type Error = ConvertError;
        /// Local wall-clock time with its offset.
        fn try_from(v: chrono::DateTime<FixedOffset>) -> Result<Self, ConvertError> {
            from_naive(&v.naive_local(), Some(v.offset().local_minus_utc()))
        }
    }

    impl TryFrom<chrono::DateTime<Utc>> for DateTime {
        type Error = ConvertError;
        /// UTC time, written with `Z`.
        fn try_from(v: chrono::DateTime<Utc>) -> Result<Self, ConvertError> {
            from_naive(&v.naive_utc(), Some(0))
        }
    }

    impl TryFrom<DateTime> for NaiveDateTime {
        type Error = ConvertError;
        /// Only from a `DateTime` without offset.
        fn try_from(v: DateTime) -> Result<Self, ConvertError> {
            require_naive(&v)?;
            to_naive(&v)
        }
    }

    impl TryFrom<DateTime> for chrono::DateTime<FixedOffset> {
        type Error = ConvertError;
        /// Only from a `DateTime` with offset.
        fn try_from(v: DateTime) -> Result<Self, ConvertError> {
            let offset = FixedOffset::east_opt(require_offset(&v)?)
                .ok_or_else(|| invalid("an offset chrono refuses"))?;
            offset
                .from_local_datetime(&to_naive(&v)?)
                .single()
                .ok_or_else(|| invalid("a local time without a single instant"))
        }
    }

    impl TryFrom<DateTime> for chrono::DateTime<Utc> {
        type Error = ConvertError;
        /// Only from a `DateTime` with offset; the instant is moved to UTC.
        fn try_from(v: DateTime) -> Result<Self, ConvertError> {
            chrono::DateTime::<FixedOffset>::try_from(v).map(|dt| dt.with_timezone(&Utc))
        }
    }

    via_datetime!(
        NaiveDateTime,
        chrono::DateTime<FixedOffset>,
        chrono::DateTime<Utc>
    );
}

#[cfg(feature = "time")]
mod time_conv {
    use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

    use super::*;

    fn from_primitive(
        v: &PrimitiveDateTime,
        offset_seconds: Option<i32>,
    ) -> Result<DateTime, ConvertError> {
        from_parts(
            v.year(),
            u8::from(v.month()),
            v.day(),
            v.hour(),
            v.minute(),
            v.second(),
            v.nanosecond(),
            offset_seconds,
        )
    }

    fn to_primitive(v: &DateTime) -> Result<PrimitiveDateTime, ConvertError> {
        let month = Month::try_from(v.month).map_err(|_| invalid("a month time refuses"))?;
        let date = Date::from_calendar_date(i32::from(v.year), month, v.day)
            .map_err(|_| invalid("a date time refuses"))?;
        // time has no leap seconds: second 60 is refused here.
        let clock = Time::from_hms_nano(v.hour, v.minute, v.second, v.nanosecond)
            .map_err(|_| invalid("a time of day time refuses (leap second?)"))?;
        Ok(PrimitiveDateTime::new(date, clock))
    }

    impl TryFrom<PrimitiveDateTime> for DateTime {
        type Error = ConvertError;
        /// Without offset; refuses years outside `0..=9999`.
        fn try_from(v: PrimitiveDateTime) -> Result<Self, ConvertError> {
            from_primitive(&v, None)
        }
    }

    impl TryFrom<OffsetDateTime> for DateTime {
        type Error = ConvertError;
        /// Local wall-clock time with its offset.
        fn try_from(v: OffsetDateTime) -> Result<Self, ConvertError> {
            let local = PrimitiveDateTime::new(v.date(), v.time());
            from_primitive(&local, Some(v.offset().whole_seconds()))
        }
    }

    impl TryFrom<DateTime> for PrimitiveDateTime {
        type Error = ConvertError;
        /// Only from a `DateTime` without offset.
        fn try_from(v: DateTime) -> Result<Self, ConvertError> {
            require_naive(&v)?;
            to_primitive(&v)
        }
    }

    impl TryFrom<DateTime> for OffsetDateTime {
        type Error = ConvertError;
        /// Only from a `DateTime` with offset.
        fn try_from(v: DateTime) -> Result<Self, ConvertError> {
            let offset = UtcOffset::from_whole_seconds(require_offset(&v)?)
                .map_err(|_| invalid("an offset time refuses"))?;
            Ok(to_primitive(&v)?.assume_offset(offset))
        }
    }

    via_datetime!(PrimitiveDateTime, OffsetDateTime);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(second: u8, nanosecond: u32, offset_minutes: Option<i16>) -> DateTime {
        DateTime {
            year: 2024,
            month: 2,
            day: 29,
            hour: 23,
            minute: 59,
            second,
            nanosecond,
            offset_minutes,
        }
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_round_trips_keep_fraction_and_offset() {
        use chrono::{FixedOffset, NaiveDateTime, Utc};

        let naive = sample(58, 123_456_789, None);
        let n = NaiveDateTime::try_from(naive).unwrap();
        assert_eq!(n.to_string(), "2024-02-29 23:59:58.123456789");
        assert_eq!(DateTime::try_from(n), Ok(naive));

        let leap = sample(60, 5, None);
        assert_eq!(
            DateTime::try_from(NaiveDateTime::try_from(leap).unwrap()),
            Ok(leap)
        );

        let east = sample(1, 500_000_000, Some(330));
        let fixed = chrono::DateTime::<FixedOffset>::try_from(east).unwrap();
        assert_eq!(fixed.to_rfc3339(), "2024-02-29T23:59:01.500+05:30");
        assert_eq!(DateTime::try_from(fixed), Ok(east));

        let utc = chrono::DateTime::<Utc>::try_from(east).unwrap();
        assert_eq!(utc.to_rfc3339(), "2024-02-29T18:29:01.500+00:00");
        assert_eq!(
            DateTime::try_from(utc).map(|d| d.offset_minutes),
            Ok(Some(0))
        );

        let value = Value::try_from(fixed).unwrap();
        assert_eq!(chrono::DateTime::<FixedOffset>::try_from(value), Ok(fixed));
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_refuses_lost_offsets_and_far_years() {
        use chrono::{FixedOffset, NaiveDate, NaiveDateTime};

        assert!(NaiveDateTime::try_from(sample(0, 0, Some(60))).is_err());
        let err = chrono::DateTime::<FixedOffset>::try_from(sample(0, 0, None)).unwrap_err();
        assert_eq!(err.found, "no offset");
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap();
        assert_eq!(DateTime::try_from(far).unwrap_err().found, "year 10000");
        assert!(Value::try_from(far).is_err());
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_round_trips_keep_fraction_and_offset() {
        use time::{OffsetDateTime, PrimitiveDateTime};

        let naive = sample(58, 7, None);
        let p = PrimitiveDateTime::try_from(naive).unwrap();
        assert_eq!(DateTime::try_from(p), Ok(naive));

        let west = sample(0, 250_000_000, Some(-90));
        let o = OffsetDateTime::try_from(west).unwrap();
        assert_eq!(o.offset().whole_minutes(), -90);
        assert_eq!(o.nanosecond(), 250_000_000);
        assert_eq!(DateTime::try_from(o), Ok(west));
        assert_eq!(OffsetDateTime::try_from(Value::DateTime(west)), Ok(o));

        assert!(PrimitiveDateTime::try_from(west).is_err());
        assert!(OffsetDateTime::try_from(naive).is_err());
        assert!(PrimitiveDateTime::try_from(sample(60, 0, None)).is_err());
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_offsets_beyond_the_wire_range_are_refused() {
        use time::{PrimitiveDateTime, UtcOffset};

        // `time` allows offsets up to +-25:59:59; XML-RPC dateTime (and
        // `DateTime`'s own check) stops at +-23:59.
        let naive = PrimitiveDateTime::try_from(sample(0, 0, None)).unwrap();
        for hours in [24i8, -25] {
            let offset = UtcOffset::from_hms(hours, 0, 0).unwrap();
            let far = naive.assume_offset(offset);
            let err = DateTime::try_from(far).unwrap_err();
            assert!(err.found.contains("offset"), "{err}");
            assert!(Value::try_from(far).is_err());
        }
        let edge = naive.assume_offset(UtcOffset::from_hms(23, 59, 0).unwrap());
        assert_eq!(
            DateTime::try_from(edge).map(|d| d.offset_minutes),
            Ok(Some(23 * 60 + 59))
        );
    }
}
