//! [`ValueDeserializer`]: serde's data model out of a [`Value`].
//!
//! Strict about types: only widening that loses nothing is allowed (`int`
//! into `i64`, `u32` when not negative, `f64` when exact). Everything else
//! is an error saying what was expected and what was found; the enclosing
//! arrays and structs add `[i]` and `.name` to its path on the way out.

use ::serde::de::{self, Visitor};

use super::access::{ArrayAccess, EnumAccess, StructAccess};
use super::datetime_serde;
use super::Error;
use crate::Value;

/// Largest integer magnitude an `f64` holds exactly (2^53).
const F64_EXACT: u64 = 1 << 53;
/// Largest integer magnitude an `f32` holds exactly (2^24).
const F32_EXACT: u64 = 1 << 24;

/// Deserializes from an owned [`Value`]; the engine behind
/// [`from_value`](super::from_value).
pub(crate) struct ValueDeserializer {
    value: Value,
    /// How many arrays and structs enclosed `value`.
    depth: usize,
}

impl ValueDeserializer {
    /// The deserializer for a top-level value.
    pub(crate) fn new(value: Value) -> Self {
        ValueDeserializer { value, depth: 0 }
    }

    /// The deserializer for a value `depth` levels down, refused past the cap.
    pub(crate) fn nested(value: Value, depth: usize) -> Result<Self, Error> {
        if depth > super::MAX_NESTING {
            return Err(Error::too_deep());
        }
        Ok(ValueDeserializer { value, depth })
    }

    /// The error for a value of the wrong XML-RPC type.
    fn mismatch(&self, expected: &str) -> Error {
        Error::expected(expected, self.value.type_name())
    }

    /// The integer inside, or a mismatch naming the Rust type wanted.
    fn integer(&self, expected: &str) -> Result<i64, Error> {
        self.value.as_i64().ok_or_else(|| self.mismatch(expected))
    }

    /// The integer inside converted to `T`, refusing anything out of range.
    fn narrowed<T: TryFrom<i64>>(&self, expected: &str) -> Result<T, Error> {
        let n = self.integer(expected)?;
        T::try_from(n).map_err(|_| Error::expected(expected, self.describe_int(n)))
    }

    /// `int 300` or `i8 5000000000`, saying which XML-RPC type held it.
    fn describe_int(&self, n: i64) -> String {
        format!("{} {n}", self.value.type_name())
    }

    /// An integer as a float, refused when the float would round it.
    fn float_of_int(&self, n: i64, limit: u64, expected: &str) -> Result<f64, Error> {
        if n.unsigned_abs() <= limit {
            // Exact: |n| fits the mantissa.
            Ok(n as f64)
        } else {
            Err(Error::expected(
                expected,
                format!("{} (not exactly representable)", self.describe_int(n)),
            ))
        }
    }
}

macro_rules! narrow_int {
    ($($method:ident => $visit:ident($ty:ty, $name:literal);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                let n: $ty = self.narrowed($name)?;
                visitor.$visit(n)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for ValueDeserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Int(n) => visitor.visit_i32(n),
            Value::I8(n) => visitor.visit_i64(n),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Double(d) => visitor.visit_f64(d),
            Value::String(s) => visitor.visit_string(s),
            Value::DateTime(dt) => visitor.visit_map(datetime_serde::marker_map(dt)),
            Value::Base64(b) => visitor.visit_bytes(&b),
            Value::Struct(s) => visitor.visit_map(StructAccess::new(s, self.depth + 1)),
            Value::Array(a) => visitor.visit_seq(ArrayAccess::new(a, self.depth + 1)),
            Value::Nil => visitor.visit_unit(),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Bool(b) => visitor.visit_bool(b),
            _ => Err(self.mismatch("bool")),
        }
    }

    narrow_int! {
        deserialize_i8 => visit_i8(i8, "i8");
        deserialize_i16 => visit_i16(i16, "i16");
        deserialize_i32 => visit_i32(i32, "i32");
        deserialize_i64 => visit_i64(i64, "i64");
        deserialize_i128 => visit_i128(i128, "i128");
        deserialize_u8 => visit_u8(u8, "u8");
        deserialize_u16 => visit_u16(u16, "u16");
        deserialize_u32 => visit_u32(u32, "u32");
        deserialize_u64 => visit_u64(u64, "u64");
        deserialize_u128 => visit_u128(u128, "u128");
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            // An f32 is a rounded number by nature; only overflow is refused.
            Value::Double(d) if d.is_finite() && (d as f32).is_infinite() => Err(Error::expected(
                "f32",
                format!("double {d:e} (out of range)"),
            )),
            Value::Double(d) => visitor.visit_f32(d as f32),
            _ => {
                let n = self.integer("f32")?;
                let f = self.float_of_int(n, F32_EXACT, "f32")?;
                visitor.visit_f32(f as f32)
            }
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Double(d) => visitor.visit_f64(d),
            _ => {
                let n = self.integer("f64")?;
                visitor.visit_f64(self.float_of_int(n, F64_EXACT, "f64")?)
            }
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let mut chars = match &self.value {
            Value::String(s) => s.chars(),
            _ => return Err(self.mismatch("char")),
        };
        match (chars.next(), chars.next()) {
            (Some(c), None) => visitor.visit_char(c),
            _ => Err(Error::expected("char", "string of other length than 1")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::String(s) => visitor.visit_string(s),
            _ => Err(self.mismatch("string")),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_byte_buf(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Base64(b) => visitor.visit_bytes(&b),
            // serde_bytes and plain Vec<u8> also read an array of small ints.
            Value::Array(a) => visitor.visit_seq(ArrayAccess::new(a, self.depth + 1)),
            _ => Err(self.mismatch("base64")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Nil => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Nil => visitor.visit_unit(),
            _ => Err(self.mismatch("nil")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == datetime_serde::NEWTYPE_NAME {
            return match self.value {
                Value::DateTime(dt) => visitor.visit_string(dt.to_string()),
                Value::String(s) => visitor.visit_string(s),
                _ => Err(self.mismatch("dateTime.iso8601")),
            };
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(a) => {
                let mut access = ArrayAccess::new(a, self.depth + 1);
                let out = visitor.visit_seq(&mut access)?;
                access.end()?;
                Ok(out)
            }
            // A plain Vec<u8> reads base64 too.
            Value::Base64(b) => {
                let mut bytes = de::value::SeqDeserializer::new(b.iter().copied());
                let out = visitor.visit_seq(&mut bytes)?;
                bytes.end()?;
                Ok(out)
            }
            _ => Err(self.mismatch("array")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(a) if a.len() == len => {
                visitor.visit_seq(ArrayAccess::new(a, self.depth + 1))
            }
            Value::Array(a) => Err(Error::expected(
                format_args!("array of {len} elements"),
                format_args!("array of {}", a.len()),
            )),
            _ => Err(self.mismatch(&format!("array of {len} elements"))),
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Struct(s) => visitor.visit_map(StructAccess::new(s, self.depth + 1)),
            _ => Err(self.mismatch("struct")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Value::Struct(s) => visitor.visit_map(StructAccess::new(s, self.depth + 1)),
            _ if name.is_empty() => Err(self.mismatch("struct")),
            _ => Err(self.mismatch(&format!("struct {name}"))),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Value::String(variant) => visitor.visit_enum(EnumAccess::unit(variant, self.depth + 1)),
            Value::Struct(s) if s.len() == 1 => {
                let mut members = s.into_members();
                match members.pop() {
                    Some((variant, value)) => {
                        visitor.visit_enum(EnumAccess::new(variant, value, self.depth + 1))
                    }
                    None => Err(Error::msg("empty struct for enum")),
                }
            }
            Value::Struct(s) => Err(Error::expected(
                format_args!("enum {name} (a string or a struct of one member)"),
                format_args!("struct of {} members", s.len()),
            )),
            _ => Err(self.mismatch(&format!("enum {name} (a string or a struct of one member)"))),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}
