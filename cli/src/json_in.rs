//! Command-line arguments as JSON, read into XML-RPC values.
//!
//! serde_json does the reading, with its `arbitrary_precision` feature so
//! that a number arrives as written: an integer is told from a float, and one
//! beyond 64 bits is an error instead of a silent double. A visitor builds the
//! [`Value`] directly rather than going through `serde_json::Value`, because
//! the mapping needs what that type hides: a repeated member name is an error
//! (`serde_json::Value` keeps the last), object members keep their written
//! order, and nesting is capped at [`MAX_DEPTH`] while reading, well inside
//! serde_json's own limit of 128, so deep input is an error and never a stack
//! overflow.

use std::collections::HashSet;
use std::fmt;

use base64::Engine;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;
use xmlrpc_proto::{Array, DateTime, Struct, Value};

/// Deepest nesting accepted in one argument.
const MAX_DEPTH: usize = 64;

/// The tagged object keys that select dateTime and base64 values.
pub const DATETIME_KEY: &str = "$dateTime.iso8601";
/// See [`DATETIME_KEY`].
pub const BASE64_KEY: &str = "$base64";

/// How serde_json (with `arbitrary_precision`) hands over a number that is
/// neither a u64 nor an i64 (a float, `-0`, an integer beyond 64 bits): as a
/// one-member map under this key, whose value is the number's text.
/// serde_json's own `Number` and `Value` recognise numbers the same way.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// How a command-line argument could not become a value.
#[derive(Debug, PartialEq)]
pub enum ArgError {
    /// Not JSON at all: the caller sends the text as a plain string.
    NotJson,
    /// Valid JSON that has no XML-RPC meaning (a 65-bit integer, a bad date...).
    Invalid(String),
}

/// Reads one argument: JSON per the documented mapping, or
/// [`ArgError::NotJson`] when the text is not JSON.
///
/// Reading stops at the first problem, so `[1e999, x` is an out-of-range
/// number, not text, as with a complete argument.
pub fn parse_arg(text: &str) -> Result<Value, ArgError> {
    let mut json = serde_json::Deserializer::from_str(text);
    let read = ValueSeed { depth: 0 }
        .deserialize(&mut json)
        .and_then(|value| json.end().map(|()| value));
    read.map_err(|error| match error.classify() {
        // Only the visitors below raise data errors: JSON without XML-RPC meaning.
        Category::Data => ArgError::Invalid(message(&error)),
        Category::Syntax | Category::Eof | Category::Io => ArgError::NotJson,
    })
}

/// The value an argument stands for: JSON per the mapping, plain text otherwise.
pub fn arg_to_value(text: &str) -> Result<Value, String> {
    match parse_arg(text) {
        Ok(value) => Ok(value),
        Err(ArgError::NotJson) => Ok(Value::String(text.to_owned())),
        Err(ArgError::Invalid(why)) => Err(why),
    }
}

/// A visitor's message, without the ` at line L column C` serde_json adds.
fn message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&position) {
        Some(bare) => bare.to_owned(),
        None => text,
    }
}

/// Refuses a value nested deeper than [`MAX_DEPTH`] before reading any of it.
fn check_depth<E: de::Error>(depth: usize) -> Result<(), E> {
    if depth > MAX_DEPTH {
        return Err(E::custom(format!(
            "argument nests deeper than {MAX_DEPTH} levels"
        )));
    }
    Ok(())
}

/// An integer that fits 32 bits is `<int>`, a larger one `<i8>`.
fn integer(n: i64) -> Value {
    match i32::try_from(n) {
        Ok(small) => Value::Int(small),
        Err(_) => Value::I8(n),
    }
}

/// A number serde_json handed over as text (see [`NUMBER_TOKEN`]).
///
/// serde_json checked the syntax and spells exponents `e+N`/`e-N`, so the
/// text is digits and `-` for an integer, and parses as an `f64` otherwise.
fn number_text(text: &str) -> Result<Value, String> {
    if text.bytes().all(|b| b == b'-' || b.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .map(integer)
            .map_err(|_| format!("integer {text} does not fit in 64 bits"));
    }
    match text.parse::<f64>() {
        Ok(d) if d.is_finite() => Ok(Value::Double(d)),
        Ok(_) => Err(format!("number {text} is out of range for a double")),
        Err(e) => Err(format!("number {text} is not a double: {e}")),
    }
}

/// Reads one value nested `depth` levels inside the argument.
#[derive(Clone, Copy)]
struct ValueSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        check_depth(self.depth)?;
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(integer(n))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        i64::try_from(n)
            .map(integer)
            .map_err(|_| E::custom(format!("integer {n} does not fit in 64 bits")))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Value, E> {
        Ok(Value::String(text.to_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut array = Array::new();
        let inner = ValueSeed {
            depth: self.depth + 1,
        };
        while let Some(value) = seq.next_element_seed(inner)? {
            array.push(value);
        }
        Ok(Value::Array(array))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Struct::new();
        let mut names = HashSet::new();
        let inner = ValueSeed {
            depth: self.depth + 1,
        };
        while let Some(name) = map.next_key::<String>()? {
            let value = if members.is_empty() && name == NUMBER_TOKEN {
                match map.next_value_seed(TokenValueSeed { inner })? {
                    TokenValue::Number(number) => return Ok(number),
                    TokenValue::Member(value) => value,
                }
            } else {
                map.next_value_seed(inner)?
            };
            if !names.insert(name.clone()) {
                return Err(de::Error::custom(format!(
                    "object has member {name:?} twice; XML-RPC structs need unique names"
                )));
            }
            members.push(name, value);
        }
        tagged(members).map_err(de::Error::custom)
    }
}

/// What followed a [`NUMBER_TOKEN`] key.
enum TokenValue {
    /// serde_json's number text, read as a value.
    Number(Value),
    /// The argument's own member of that name: the object is a struct.
    Member(Value),
}

/// Reads the value after a [`NUMBER_TOKEN`] key. serde_json passes a
/// number's text as an owned string (`visit_string`), while strings of the
/// argument arrive borrowed or unescaped (`visit_str`), so an object that
/// really has a member of that name still reads as a struct.
struct TokenValueSeed {
    /// Reads the value when it is a member's: one level below the object.
    inner: ValueSeed,
}

impl TokenValueSeed {
    fn member<E: de::Error>(self) -> Result<ValueSeed, E> {
        check_depth(self.inner.depth)?;
        Ok(self.inner)
    }
}

impl<'de> DeserializeSeed<'de> for TokenValueSeed {
    type Value = TokenValue;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<TokenValue, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TokenValueSeed {
    type Value = TokenValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<TokenValue, E> {
        number_text(&text)
            .map(TokenValue::Number)
            .map_err(E::custom)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<TokenValue, E> {
        self.member()?.visit_bool(b).map(TokenValue::Member)
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<TokenValue, E> {
        self.member()?.visit_i64(n).map(TokenValue::Member)
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<TokenValue, E> {
        self.member()?.visit_u64(n).map(TokenValue::Member)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<TokenValue, E> {
        self.member()?.visit_str(text).map(TokenValue::Member)
    }

    fn visit_unit<E: de::Error>(self) -> Result<TokenValue, E> {
        self.member()?.visit_unit().map(TokenValue::Member)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<TokenValue, A::Error> {
        self.member()?.visit_seq(seq).map(TokenValue::Member)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TokenValue, A::Error> {
        self.member()?.visit_map(map).map(TokenValue::Member)
    }
}

/// An object with exactly one `$dateTime.iso8601` or `$base64` member is that type.
fn tagged(members: Struct) -> Result<Value, String> {
    if members.len() != 1 {
        return Ok(Value::Struct(members));
    }
    let Some((key, value)) = members.iter().next() else {
        return Ok(Value::Struct(Struct::new())); // len 1 above: not reached
    };
    let (is_date, is_base64) = (key == DATETIME_KEY, key == BASE64_KEY);
    if !is_date && !is_base64 {
        return Ok(Value::Struct(members));
    }
    let Value::String(text) = value else {
        return Err(format!("{key} needs a string value"));
    };
    if is_date {
        text.parse::<DateTime>()
            .map(Value::DateTime)
            .map_err(|e| format!("bad {DATETIME_KEY} {text:?}: {e}"))
    } else {
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(|bytes| Value::Base64(bytes.into()))
            .map_err(|e| format!("bad {BASE64_KEY} value: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(text: &str) -> Value {
        arg_to_value(text).unwrap()
    }

    #[test]
    fn integers_pick_int_or_i8_and_refuse_beyond_64_bits() {
        assert_eq!(arg("2147483647"), Value::Int(i32::MAX));
        assert_eq!(arg("-2147483648"), Value::Int(i32::MIN));
        assert_eq!(arg("2147483648"), Value::I8(2_147_483_648));
        assert_eq!(arg("-9223372036854775808"), Value::I8(i64::MIN));
        let err = arg_to_value("9223372036854775808").unwrap_err();
        assert!(err.contains("64 bits"), "{err}");
    }

    #[test]
    fn other_numbers_are_doubles() {
        assert_eq!(arg("1.0"), Value::Double(1.0));
        assert_eq!(arg("-2.5e3"), Value::Double(-2500.0));
        assert!(arg_to_value("1e999").unwrap_err().contains("out of range"));
    }

    #[test]
    fn scalars_and_containers() {
        assert_eq!(arg("true"), Value::Bool(true));
        assert_eq!(arg("null"), Value::Nil);
        assert_eq!(
            arg(r#""a\"b\u00e9\ud83d\ude00""#),
            Value::String("a\"bé😀".into())
        );
        let Value::Struct(s) = arg(r#"{"z": 1, "a": [1, "x"], "m": {}}"#) else {
            panic!("struct expected")
        };
        assert_eq!(s.keys().collect::<Vec<_>>(), ["z", "a", "m"]);
        assert_eq!(
            s.get("a"),
            Some(&Value::Array(
                vec![Value::Int(1), Value::String("x".into())].into()
            ))
        );
    }

    #[test]
    fn tagged_objects_give_dates_and_base64() {
        assert!(matches!(
            arg(r#"{"$dateTime.iso8601": "19980717T14:08:55"}"#),
            Value::DateTime(_)
        ));
        assert_eq!(
            arg(r#"{"$base64": "aGk="}"#),
            Value::Base64(b"hi".as_ref().into())
        );
        assert!(arg_to_value(r#"{"$base64": "!!"}"#).is_err());
        assert!(arg_to_value(r#"{"$dateTime.iso8601": "yesterday"}"#).is_err());
        // Two keys: an ordinary struct.
        assert!(matches!(
            arg(r#"{"$base64": "aGk=", "b": 1}"#),
            Value::Struct(_)
        ));
    }

    #[test]
    fn text_that_is_not_json_is_a_plain_string() {
        for text in [
            "hello",
            "hello world",
            "",
            "01",
            "[1,",
            "{\"a\"}",
            "1.",
            "tru",
            "\"open",
        ] {
            assert_eq!(arg(text), Value::String(text.into()), "{text:?}");
        }
    }

    #[test]
    fn duplicate_members_and_deep_nesting_are_errors() {
        assert!(arg_to_value(r#"{"a": 1, "a": 2}"#)
            .unwrap_err()
            .contains("twice"));
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(arg_to_value(&deep).unwrap_err().contains("deeper"));
    }

    #[test]
    fn errors_say_exactly_what_is_wrong() {
        let err = |text: &str| arg_to_value(text).unwrap_err();
        assert_eq!(
            err("9223372036854775808"),
            "integer 9223372036854775808 does not fit in 64 bits"
        );
        assert_eq!(
            err("-9223372036854775809"),
            "integer -9223372036854775809 does not fit in 64 bits"
        );
        assert_eq!(
            err("184467440737095516160"),
            "integer 184467440737095516160 does not fit in 64 bits"
        );
        // serde_json spells the exponent as `e+999` whatever was written.
        assert_eq!(err("1E999"), "number 1e+999 is out of range for a double");
        assert_eq!(
            err(r#"{"a": 1, "a": 2}"#),
            r#"object has member "a" twice; XML-RPC structs need unique names"#
        );
        assert_eq!(err(r#"{"$base64": 1}"#), "$base64 needs a string value");
        assert_eq!(
            err(r#"{"$dateTime.iso8601": null}"#),
            "$dateTime.iso8601 needs a string value"
        );
        assert!(err(r#"{"$base64": "!!"}"#).starts_with("bad $base64 value: "));
        assert!(err(r#"{"$base64": "aGk"}"#).starts_with("bad $base64 value: "));
        assert!(err(r#"{"$dateTime.iso8601": "yesterday"}"#)
            .starts_with(r#"bad $dateTime.iso8601 "yesterday": "#));
        assert_eq!(
            err(&("[".repeat(65) + "1" + &"]".repeat(65))),
            "argument nests deeper than 64 levels"
        );
    }

    #[test]
    fn reading_stops_at_the_first_problem() {
        // A value without XML-RPC meaning is an error even when the JSON
        // around it is broken later on...
        for text in [
            "[1, 184467440737095516160",
            r#"{"a": 1, "a": 2"#,
            r#"{"$base64": "!!"}x"#,
            "[1e999 x",
        ] {
            assert!(arg_to_value(text).is_err(), "{text:?}");
        }
        // ...but an object is only tagged once it is complete.
        let text = r#"{"$base64": "!!""#;
        assert_eq!(arg(text), Value::String(text.into()));
    }

    #[test]
    fn nesting_stops_at_64_levels_without_overflowing_the_stack() {
        // A value 64 levels down is fine, whether a scalar or an empty container.
        assert!(arg_to_value(&("[".repeat(64) + "1" + &"]".repeat(64))).is_ok());
        assert!(arg_to_value(&("[".repeat(65) + &"]".repeat(65))).is_ok());
        assert!(arg_to_value(&(r#"{"a":"#.repeat(64) + "1" + &"}".repeat(64))).is_ok());
        // One level more is an error.
        for text in [
            "[".repeat(66) + &"]".repeat(66),
            r#"{"a":"#.repeat(65) + "1" + &"}".repeat(65),
            // Far beyond serde_json's own limit of 128, closed or not.
            "[".repeat(100_000) + &"]".repeat(100_000),
            "[".repeat(100_000),
            r#"{"a":"#.repeat(100_000),
            r#"{"$serde_json::private::Number":"#.repeat(100_000),
        ] {
            let err = arg_to_value(&text).unwrap_err();
            assert_eq!(err, "argument nests deeper than 64 levels");
        }
    }

    #[test]
    fn more_text_that_is_not_json() {
        for text in [
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\ud800\u0041""#,
            "\"a\u{1}b\"",
            "\"\\x\"",
            "'a'",
            "1 2",
            "[1] x",
            "{1: 2}",
            "[1,]",
            r#"{"a":1,}"#,
            "-",
            "+1",
            ".5",
            "1.e5",
            "1e",
            "NaN",
            "\u{feff}1",
            "1\u{a0}",
        ] {
            assert_eq!(arg(text), Value::String(text.into()), "{text:?}");
        }
    }

    #[test]
    fn number_forms() {
        assert_eq!(arg(" \t\n\r1 \r\n"), Value::Int(1));
        assert_eq!(arg("-0"), Value::Int(0));
        assert_eq!(arg("9223372036854775807"), Value::I8(i64::MAX));
        assert_eq!(arg("4294967296"), Value::I8(1 << 32));
        assert_eq!(arg("1E2"), Value::Double(100.0));
        assert_eq!(arg("1e-2"), Value::Double(0.01));
        assert_eq!(arg("1e+2"), Value::Double(100.0));
        assert_eq!(arg("1e-999"), Value::Double(0.0));
        assert!(matches!(arg("-0.0"), Value::Double(d) if d == 0.0 && d.is_sign_negative()));
        // Beyond i64 is an error even where it fits u64.
        assert!(arg_to_value("[18446744073709551615]")
            .unwrap_err()
            .contains("64 bits"));
    }

    #[test]
    fn strings_unescape_like_json() {
        assert_eq!(
            arg(r#""\/\b\f\n\r\t""#),
            Value::String("/\u{8}\u{c}\n\r\t".into())
        );
        assert_eq!(arg("\"é 😀\""), Value::String("é 😀".into()));
        // A raw control character inside quotes is not JSON: the whole text is sent.
        assert_eq!(arg("\"a\tb\""), Value::String("\"a\tb\"".into()));
    }

    #[test]
    fn serde_json_number_key_is_an_ordinary_member() {
        // serde_json passes numbers under this key internally; an argument's
        // own member of that name still makes a struct.
        let key = "$serde_json::private::Number";
        for (text, member) in [
            (format!(r#"{{"{key}": "12"}}"#), Value::String("12".into())),
            (
                format!(r#"{{"{key}": "1\u0032"}}"#),
                Value::String("12".into()),
            ),
            (format!(r#"{{"{key}": 12}}"#), Value::Int(12)),
            (format!(r#"{{"{key}": 1.5}}"#), Value::Double(1.5)),
            (
                format!(r#"{{"{key}": [true]}}"#),
                Value::Array(vec![Value::Bool(true)].into()),
            ),
            (format!(r#"{{"{key}": null}}"#), Value::Nil),
        ] {
            let Value::Struct(s) = arg(&text) else {
                panic!("{text}: struct expected")
            };
            assert_eq!(s.len(), 1, "{text}");
            assert_eq!(s.get(key), Some(&member), "{text}");
        }
        let Value::Struct(s) = arg(&format!(r#"{{"{key}": 1, "b": [2.5]}}"#)) else {
            panic!("struct expected")
        };
        assert_eq!(s.keys().collect::<Vec<_>>(), [key, "b"]);
        assert!(arg_to_value(&format!(r#"{{"{key}": 1, "{key}": 2}}"#))
            .unwrap_err()
            .contains("twice"));
    }
}
