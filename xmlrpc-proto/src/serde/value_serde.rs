//! `Serialize` and `Deserialize` for [`Value`], [`Array`] and [`Struct`].
//!
//! Through this crate's mapping a `Value` comes back as itself, except that
//! an `I8` small enough for 32 bits comes back as `Int` (the canonical form,
//! as on the wire). Through other formats (serde_json) it becomes the
//! format's own types: dates as strings, base64 as byte sequences.

use std::fmt;

use ::serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use ::serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use bytes::Bytes;

use super::datetime_serde::{self, MARKER_KEY};
use super::ser::int_value;
use crate::{Array, Struct, Value};

/// What a size hint may pre-allocate at most.
const MAX_PREALLOC: usize = 4096;

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Int(n) => serializer.serialize_i32(*n),
            Value::I8(n) => serializer.serialize_i64(*n),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Double(d) => serializer.serialize_f64(*d),
            Value::String(s) => serializer.serialize_str(s),
            Value::DateTime(dt) => dt.serialize(serializer),
            Value::Base64(b) => serializer.serialize_bytes(b),
            Value::Struct(s) => s.serialize(serializer),
            Value::Array(a) => a.serialize(serializer),
            Value::Nil => serializer.serialize_unit(),
        }
    }
}

impl Serialize for Array {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for value in self.iter() {
            seq.serialize_element(value)?;
        }
        seq.end()
    }
}

impl Serialize for Struct {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self.iter() {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Array {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_seq(ValueVisitor)
            .and_then(|v| match v {
                Value::Array(a) => Ok(a),
                other => Err(de::Error::custom(format_args!(
                    "expected array, found {}",
                    other.type_name()
                ))),
            })
    }
}

impl<'de> Deserialize<'de> for Struct {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_map(ValueVisitor)
            .and_then(|v| match v {
                Value::Struct(s) => Ok(s),
                other => Err(de::Error::custom(format_args!(
                    "expected struct, found {}",
                    other.type_name()
                ))),
            })
    }
}

/// Builds whichever `Value` the deserializer offers.
struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any XML-RPC value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(int_value(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v).map(int_value).map_err(|_| {
            E::custom(format_args!(
                "integer {v} does not fit XML-RPC i8 (64 bits)"
            ))
        })
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        i64::try_from(v).map(int_value).map_err(|_| {
            E::custom(format_args!(
                "integer {v} does not fit XML-RPC i8 (64 bits)"
            ))
        })
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        i64::try_from(v).map(int_value).map_err(|_| {
            E::custom(format_args!(
                "integer {v} does not fit XML-RPC i8 (64 bits)"
            ))
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Double(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Base64(Bytes::copy_from_slice(v)))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Base64(Bytes::from(v)))
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut array = Array::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_PREALLOC));
        while let Some(value) = seq.next_element()? {
            array.push(value);
        }
        Ok(Value::Array(array))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0).min(MAX_PREALLOC));
        let Some(first) = map.next_key::<String>()? else {
            return Ok(Value::Struct(Struct::new()));
        };
        if first == MARKER_KEY {
            let text: String = map.next_value()?;
            return datetime_serde::parse(&text)
                .map(Value::DateTime)
                .map_err(de::Error::custom);
        }
        members.push((first, map.next_value::<Value>()?));
        while let Some(member) = map.next_entry::<String, Value>()? {
            members.push(member);
        }
        // Other formats repeat keys (serde_json passes `{"a":1,"a":2}` on);
        // a struct with a repeated member is one no decoder accepts, so the
        // last value wins, as in serde_json's own map. Linear time.
        Ok(Value::Struct(Struct::from_members(members)))
    }
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;

    use super::*;
    use crate::{decode_response, encode_response, MethodResponse};

    /// Encodes `value` as a response and decodes it back.
    fn wire_round_trip(value: &Value) -> Value {
        let mut out = BytesMut::new();
        encode_response(&MethodResponse::Success(value.clone()), &mut out).expect("encodes");
        match decode_response(&out) {
            Ok(MethodResponse::Success(back)) => back,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn repeated_json_keys_become_one_member_with_the_last_value() {
        let value: Value = serde_json::from_str(r#"{"a": 1, "b": 2, "a": 3}"#).expect("json");
        let s = value.as_struct().expect("struct");
        assert_eq!(s.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(s.get("a"), Some(&Value::Int(3)));
        assert_eq!(wire_round_trip(&value), value);
    }
}
