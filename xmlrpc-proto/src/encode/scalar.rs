//! Lexical forms of the scalar types: doubles (rule 12), date-times (rule 13)
//! and base64 (rule 14).

use base64::Engine as _;
use bytes::BytesMut;

use crate::DateTime;

/// Appends the shortest decimal that reads back as `value`, never with an
/// exponent (rule 12). `None` for NaN and infinities.
pub(crate) fn write_double(value: f64, out: &mut BytesMut) -> Option<()> {
    if !value.is_finite() {
        return None;
    }
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(value).as_bytes();
    match text.iter().position(|&b| b == b'e') {
        None => out.extend_from_slice(text),
        Some(e) => expand_exponent(&text[..e], &text[e + 1..], out),
    }
    Some(())
}

/// Rewrites ryu's `[-]d[.ddd]e[-]x` as plain positional notation.
fn expand_exponent(mantissa: &[u8], exponent: &[u8], out: &mut BytesMut) {
    let (negative, mantissa) = match mantissa.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, mantissa),
    };
    let (exp_negative, exp_digits) = match exponent.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, exponent),
    };
    // ryu's exponents are at most three digits, so this cannot overflow.
    let magnitude = exp_digits
        .iter()
        .fold(0i32, |acc, &d| acc * 10 + i32::from(d.wrapping_sub(b'0')));
    let exponent = if exp_negative { -magnitude } else { magnitude };

    if negative {
        out.extend_from_slice(b"-");
    }
    // One digit sits before ryu's point, so the point lands after `1 + exponent` digits.
    let digits: Vec<u8> = mantissa.iter().copied().filter(|&b| b != b'.').collect();
    let point = 1 + exponent;
    if point <= 0 {
        out.extend_from_slice(b"0.");
        extend_zeros(out, point.unsigned_abs() as usize);
        out.extend_from_slice(&digits);
    } else {
        let point = point as usize;
        if point >= digits.len() {
            out.extend_from_slice(&digits);
            extend_zeros(out, point - digits.len());
            out.extend_from_slice(b".0");
        } else {
            out.extend_from_slice(&digits[..point]);
            out.extend_from_slice(b".");
            out.extend_from_slice(&digits[point..]);
        }
    }
}

fn extend_zeros(out: &mut BytesMut, count: usize) {
    out.resize(out.len() + count, b'0');
}

/// Appends `value` in the spec's basic form `YYYYMMDDTHH:MM:SS`, adding the
/// fraction (trailing zeros trimmed) and the offset only when present.
pub(crate) fn write_datetime(value: &DateTime, out: &mut BytesMut) {
    let mut itoa = itoa::Buffer::new();
    let year = itoa.format(value.year).as_bytes();
    extend_zeros(out, 4usize.saturating_sub(year.len()));
    out.extend_from_slice(year);
    let two = |n: u8| [b'0' + n / 10 % 10, b'0' + n % 10];
    out.extend_from_slice(&two(value.month));
    out.extend_from_slice(&two(value.day));
    out.extend_from_slice(b"T");
    out.extend_from_slice(&two(value.hour));
    out.extend_from_slice(b":");
    out.extend_from_slice(&two(value.minute));
    out.extend_from_slice(b":");
    out.extend_from_slice(&two(value.second));
    if value.nanosecond != 0 {
        let mut digits = [b'0'; 9];
        let mut n = value.nanosecond;
        for slot in digits.iter_mut().rev() {
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
        }
        let len = digits.iter().rposition(|&d| d != b'0').map_or(0, |i| i + 1);
        out.extend_from_slice(b".");
        out.extend_from_slice(&digits[..len]);
    }
    match value.offset_minutes {
        None => {}
        Some(0) => out.extend_from_slice(b"Z"),
        Some(minutes) => {
            out.extend_from_slice(if minutes < 0 { b"-" } else { b"+" });
            let minutes = minutes.unsigned_abs();
            // Offsets are validated to +-23:59, so both parts fit in u8.
            out.extend_from_slice(&two((minutes / 60) as u8));
            out.extend_from_slice(b":");
            out.extend_from_slice(&two((minutes % 60) as u8));
        }
    }
}

/// Appends `data` as standard, padded base64 on one line (rule 14).
pub(crate) fn write_base64(data: &[u8], out: &mut BytesMut) {
    let start = out.len();
    let len = base64::encoded_len(data.len(), true).unwrap_or(0);
    out.resize(start + len, 0);
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(data, &mut out[start..])
        .unwrap_or(0);
    out.truncate(start + written);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn double(value: f64) -> Option<String> {
        let mut out = BytesMut::new();
        write_double(value, &mut out)?;
        Some(String::from_utf8(out.to_vec()).expect("ASCII"))
    }

    #[test]
    fn doubles_are_plain_and_shortest() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (1e16, "10000000000000000.0"),
            (1.5e17, "150000000000000000.0"),
            (-1.2345e20, "-123450000000000000000.0"),
            (1e-7, "0.0000001"),
            (-1.25e-6, "-0.00000125"),
            (123456.789, "123456.789"),
            (0.1, "0.1"),
        ];
        for &(value, expected) in cases {
            assert_eq!(double(value).as_deref(), Some(expected), "{value:e}");
        }
    }

    #[test]
    fn extreme_doubles_round_trip_without_exponent() {
        for value in [
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            1.7976931348623157e300,
        ] {
            let text = double(value).expect("finite");
            assert!(!text.contains(['e', 'E']), "{text}");
            assert_eq!(text.parse::<f64>().ok(), Some(value), "{text}");
        }
    }

    #[test]
    fn non_finite_doubles_are_refused() {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(double(value), None);
        }
    }

    fn datetime(value: DateTime) -> String {
        let mut out = BytesMut::new();
        write_datetime(&value, &mut out);
        String::from_utf8(out.to_vec()).expect("ASCII")
    }

    fn dt(nanosecond: u32, offset_minutes: Option<i16>) -> DateTime {
        DateTime {
            year: 998,
            month: 7,
            day: 17,
            hour: 4,
            minute: 8,
            second: 55,
            nanosecond,
            offset_minutes,
        }
    }

    #[test]
    fn datetimes_use_the_basic_form() {
        assert_eq!(datetime(dt(0, None)), "09980717T04:08:55");
        assert_eq!(datetime(dt(500_000_000, None)), "09980717T04:08:55.5");
        assert_eq!(datetime(dt(1, Some(0))), "09980717T04:08:55.000000001Z");
        assert_eq!(
            datetime(dt(120_000, Some(-330))),
            "09980717T04:08:55.00012-05:30"
        );
        assert_eq!(
            datetime(dt(0, Some(23 * 60 + 59))),
            "09980717T04:08:55+23:59"
        );
    }

    #[test]
    fn datetimes_match_display() {
        for offset in [None, Some(0), Some(-720), Some(61)] {
            for nanosecond in [0, 1, 10, 999_999_999, 40_000_000] {
                let value = dt(nanosecond, offset);
                assert_eq!(datetime(value), value.to_string());
            }
        }
    }

    #[test]
    fn base64_is_one_padded_line() {
        let mut out = BytesMut::new();
        write_base64(&[0u8; 100], &mut out);
        assert_eq!(out.len(), 136);
        assert!(!out.contains(&b'\n'));
        let mut out = BytesMut::new();
        write_base64(b"ab", &mut out);
        assert_eq!(&out[..], b"YWI=");
        let mut out = BytesMut::new();
        write_base64(b"", &mut out);
        assert!(out.is_empty());
    }
}
