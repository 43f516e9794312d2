//! `Serialize` and `Deserialize` for [`DateTime`], kept a date through serde.
//!
//! The toml-datetime trick: `DateTime` serializes as a newtype struct with a
//! private name around its text. This crate's serializer recognises the name
//! and produces [`Value::DateTime`]; any other serializer (serde_json, ...)
//! sees a transparent newtype and writes the string. Deserializing asks for
//! that same newtype: this crate's deserializer answers from a
//! `Value::DateTime` (or a string), others hand over their string. Where a
//! self-describing path is taken (`deserialize_any`, as `Value` does), a
//! date-time shows up as a one-entry map with a private key.

use std::fmt;

use ::serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use ::serde::ser::{Serialize, Serializer};

use super::ser::ValueSerializer;
use super::Error;
use crate::{DateTime, DateTimeError, Value};

/// Name of the newtype struct a `DateTime` serializes as.
pub(crate) const NEWTYPE_NAME: &str = "$__xmlrpc_proto_private_DateTime";
/// Key of the one-entry map a `DateTime` appears as through `deserialize_any`.
pub(crate) const MARKER_KEY: &str = "$__xmlrpc_proto_private_datetime";

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(NEWTYPE_NAME, &Text(self))
    }
}

/// A `DateTime` as its wire text, written without an intermediate `String`.
struct Text<'a>(&'a DateTime);

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}

/// Turns the payload of the private newtype back into a `Value::DateTime`.
pub(crate) fn capture<T: Serialize + ?Sized>(payload: &T) -> Result<Value, Error> {
    match payload.serialize(ValueSerializer::ROOT)? {
        Value::String(text) => parse(&text).map(Value::DateTime),
        other => Err(Error::expected("dateTime.iso8601 text", other.type_name())),
    }
}

/// Parses date-time text, naming what was wrong with it.
pub(crate) fn parse(text: &str) -> Result<DateTime, Error> {
    text.parse()
        .map_err(|e: DateTimeError| Error::msg(format!("invalid dateTime.iso8601: {e}")))
}

/// The one-entry map `{MARKER_KEY: text}` that stands for `dt` when a
/// visitor asks for whatever is there.
pub(crate) fn marker_map(
    dt: DateTime,
) -> de::value::MapDeserializer<'static, std::iter::Once<(&'static str, String)>, Error> {
    de::value::MapDeserializer::new(std::iter::once((MARKER_KEY, dt.to_string())))
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(NEWTYPE_NAME, DateTimeVisitor)
    }
}

struct DateTimeVisitor;

impl<'de> Visitor<'de> for DateTimeVisitor {
    type Value = DateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("dateTime.iso8601")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<DateTime, E> {
        text.parse()
            .map_err(|e: DateTimeError| E::custom(format_args!("invalid dateTime.iso8601: {e}")))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<DateTime, D::Error> {
        // Self-describing formats may hold the marker map (serde's buffer
        // for flatten and untagged enums does); binary ones hold text.
        if d.is_human_readable() {
            d.deserialize_any(self)
        } else {
            d.deserialize_str(self)
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DateTime, A::Error> {
        match map.next_key::<String>()? {
            Some(key) if key == MARKER_KEY => {
                let text: String = map.next_value()?;
                self.visit_str(&text)
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Something that claims the private name but carries `payload`.
    struct Impostor<T>(T);

    impl<T: Serialize> Serialize for Impostor<T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_newtype_struct(NEWTYPE_NAME, &self.0)
        }
    }

    #[test]
    fn the_private_name_with_anything_but_date_text_is_an_error() {
        let e = crate::serde::to_value(&Impostor(5)).unwrap_err();
        assert_eq!(e.to_string(), "expected dateTime.iso8601 text, found int");
        let e = crate::serde::to_value(&Impostor("19981340T00:00:00")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid dateTime.iso8601: month out of range 1-12"
        );
    }
}
