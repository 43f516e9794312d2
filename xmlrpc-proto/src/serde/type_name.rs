//! [`type_name_of`]: the XML-RPC type a Rust type reads, for method
//! signatures.
//!
//! It runs `T`'s `Deserialize` against a probe that notes the first thing
//! asked for and then stops, so no value is ever built.

use std::cell::Cell;
use std::fmt;

use ::serde::de::{self, DeserializeOwned, Visitor};

use super::datetime_serde;

/// The XML-RPC type name (`int`, `i8`, `boolean`, `string`, `double`,
/// `dateTime.iso8601`, `base64`, `struct`, `array`, `nil`) a value of `T`
/// is read from, as used by `system.methodSignature`.
///
/// `i8`, `i16`, `i32`, `u8` and `u16` are `int`; `i64`, `u32`, `u64` and
/// the 128-bit integers are `i8` since their values may need 64 bits;
/// `Option<T>` is `T`'s type, newtypes are their inner type. `None` when
/// the type does not say: enums (a string or a struct), [`Value`](crate::Value)
/// and anything else that takes whatever comes.
///
/// ```
/// use xmlrpc_proto::serde::type_name_of;
/// assert_eq!(type_name_of::<i32>(), Some("int"));
/// assert_eq!(type_name_of::<Option<String>>(), Some("string"));
/// assert_eq!(type_name_of::<Vec<u8>>(), Some("array"));
/// assert_eq!(type_name_of::<xmlrpc_proto::Value>(), None);
/// ```
pub fn type_name_of<T: DeserializeOwned>() -> Option<&'static str> {
    let seen = Cell::new(None);
    // The probe always fails once it has looked; only `seen` matters.
    let _ = T::deserialize(Probe { seen: &seen });
    seen.get()
}

/// A deserializer that records the first request and refuses it.
struct Probe<'a> {
    seen: &'a Cell<Option<&'static str>>,
}

/// The probe's way of stopping `Deserialize` once it has its answer.
#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("type probe")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Stop
    }
}

impl Probe<'_> {
    fn found<T>(self, name: Option<&'static str>) -> Result<T, Stop> {
        self.seen.set(name);
        Err(Stop)
    }
}

macro_rules! probe {
    ($($method:ident($($arg:ident: $ty:ty),*) => $name:expr;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $(_: $ty,)* _visitor: V) -> Result<V::Value, Stop> {
                self.found($name)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = Stop;

    probe! {
        deserialize_any() => None;
        deserialize_bool() => Some("boolean");
        deserialize_i8() => Some("int");
        deserialize_i16() => Some("int");
        deserialize_i32() => Some("int");
        deserialize_u8() => Some("int");
        deserialize_u16() => Some("int");
        deserialize_i64() => Some("i8");
        deserialize_i128() => Some("i8");
        deserialize_u32() => Some("i8");
        deserialize_u64() => Some("i8");
        deserialize_u128() => Some("i8");
        deserialize_f32() => Some("double");
        deserialize_f64() => Some("double");
        deserialize_char() => Some("string");
        deserialize_str() => Some("string");
        deserialize_string() => Some("string");
        deserialize_bytes() => Some("base64");
        deserialize_byte_buf() => Some("base64");
        deserialize_unit() => Some("nil");
        deserialize_unit_struct(name: &'static str) => Some("nil");
        deserialize_seq() => Some("array");
        deserialize_tuple(len: usize) => Some("array");
        deserialize_tuple_struct(name: &'static str, len: usize) => Some("array");
        deserialize_map() => Some("struct");
        deserialize_struct(name: &'static str, fields: &'static [&'static str]) => Some("struct");
        deserialize_enum(name: &'static str, variants: &'static [&'static str]) => None;
        deserialize_identifier() => None;
        deserialize_ignored_any() => None;
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        if name == datetime_serde::NEWTYPE_NAME {
            return self.found(Some("dateTime.iso8601"));
        }
        visitor.visit_newtype_struct(self)
    }
}
