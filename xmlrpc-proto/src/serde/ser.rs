//! [`ValueSerializer`]: serde's data model into a [`Value`].
//!
//! Integers take the narrowest XML-RPC type that holds them (`int`, then the
//! `i8` extension) and are never truncated; enums use serde's external
//! tagging; `None`, `()` and unit structs become `nil`.

use ::serde::ser::{self, Serialize};
use bytes::Bytes;

use super::datetime_serde;
use super::Error;
use crate::{Array, Struct, Value};

/// Caps what a size hint may pre-allocate, so a lying `Serialize` cannot.
const MAX_PREALLOC: usize = 4096;

/// Serializes into a [`Value`]; the engine behind [`to_value`](super::to_value).
pub(crate) struct ValueSerializer {
    /// How many arrays and structs enclose the value being serialized.
    depth: usize,
}

impl ValueSerializer {
    /// The serializer for a top-level value.
    pub(crate) const ROOT: ValueSerializer = ValueSerializer { depth: 0 };

    /// The serializer for a value `depth` levels down, refused past the cap.
    fn at(depth: usize) -> Result<ValueSerializer, Error> {
        if depth > super::MAX_NESTING {
            return Err(Error::too_deep());
        }
        Ok(ValueSerializer { depth })
    }
}

/// Serializes `value` as one `depth` levels down, refused past the cap.
fn serialize_at<T: Serialize + ?Sized>(value: &T, depth: usize) -> Result<Value, Error> {
    value.serialize(ValueSerializer::at(depth)?)
}

/// The `Value` for a 64-bit integer: `int` when it fits 32 bits, else `i8`.
pub(crate) fn int_value(n: i64) -> Value {
    match i32::try_from(n) {
        Ok(small) => Value::Int(small),
        Err(_) => Value::I8(n),
    }
}

/// The `Value` for any integer, or an error when it needs more than 64 bits.
fn wide_int_value(n: i128) -> Result<Value, Error> {
    i64::try_from(n)
        .map(int_value)
        .map_err(|_| Error::msg(format!("integer {n} does not fit XML-RPC i8 (64 bits)")))
}

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = SerializeArray;
    type SerializeTuple = SerializeArray;
    type SerializeTupleStruct = SerializeArray;
    type SerializeTupleVariant = SerializeVariant<SerializeArray>;
    type SerializeMap = SerializeMap;
    type SerializeStruct = SerializeStruct;
    type SerializeStructVariant = SerializeVariant<SerializeStruct>;

    fn serialize_bool(self, v: bool) -> Result<Value, Error> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, Error> {
        Ok(Value::Int(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, Error> {
        Ok(int_value(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value, Error> {
        wide_int_value(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, Error> {
        Ok(int_value(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, Error> {
        wide_int_value(v.into())
    }
    fn serialize_u128(self, v: u128) -> Result<Value, Error> {
        i128::try_from(v)
            .map_err(|_| Error::msg(format!("integer {v} does not fit XML-RPC i8 (64 bits)")))
            .and_then(wide_int_value)
    }
    fn serialize_f32(self, v: f32) -> Result<Value, Error> {
        Ok(Value::Double(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, Error> {
        // NaN and infinities pass; the encoder refuses them with its own error.
        Ok(Value::Double(v))
    }
    fn serialize_char(self, v: char) -> Result<Value, Error> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, Error> {
        Ok(Value::String(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, Error> {
        Ok(Value::Base64(Bytes::copy_from_slice(v)))
    }
    fn serialize_none(self) -> Result<Value, Error> {
        Ok(Value::Nil)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, Error> {
        Ok(Value::Nil)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, Error> {
        Ok(Value::Nil)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, Error> {
        Ok(Value::String(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        if name == datetime_serde::NEWTYPE_NAME {
            return datetime_serde::capture(value);
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        let inner = serialize_at(value, self.depth + 1).map_err(|e| e.in_member(variant))?;
        Ok(tagged(variant, inner))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SerializeArray, Error> {
        Ok(SerializeArray::with_len(len.unwrap_or(0), self.depth + 1))
    }
    fn serialize_tuple(self, len: usize) -> Result<SerializeArray, Error> {
        Ok(SerializeArray::with_len(len, self.depth + 1))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SerializeArray, Error> {
        Ok(SerializeArray::with_len(len, self.depth + 1))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SerializeVariant<SerializeArray>, Error> {
        Ok(SerializeVariant {
            variant,
            inner: SerializeArray::with_len(len, self.depth + 2),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<SerializeMap, Error> {
        Ok(SerializeMap {
            members: Vec::with_capacity(len.unwrap_or(0).min(MAX_PREALLOC)),
            key: None,
            depth: self.depth + 1,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<SerializeStruct, Error> {
        Ok(SerializeStruct::with_len(len, self.depth + 1))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SerializeVariant<SerializeStruct>, Error> {
        Ok(SerializeVariant {
            variant,
            inner: SerializeStruct::with_len(len, self.depth + 2),
        })
    }
}

/// External tagging: the single-member struct `{variant: inner}`.
fn tagged(variant: &str, inner: Value) -> Value {
    let mut s = Struct::with_capacity(1);
    s.push(variant, inner);
    Value::Struct(s)
}

/// Builds an `<array>` from a sequence, tuple or tuple struct.
pub(crate) struct SerializeArray {
    values: Array,
    /// Depth of the elements.
    depth: usize,
}

impl SerializeArray {
    fn with_len(len: usize, depth: usize) -> Self {
        SerializeArray {
            values: Array::with_capacity(len.min(MAX_PREALLOC)),
            depth,
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let index = self.values.len();
        let v = serialize_at(value, self.depth).map_err(|e| e.in_element(index))?;
        self.values.push(v);
        Ok(())
    }
}

macro_rules! array_builder {
    ($($trait:ident :: $method:ident;)*) => {
        $(
            impl ser::$trait for SerializeArray {
                type Ok = Value;
                type Error = Error;
                fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                    self.push(value)
                }
                fn end(self) -> Result<Value, Error> {
                    Ok(Value::Array(self.values))
                }
            }
        )*
    };
}

array_builder! {
    SerializeSeq::serialize_element;
    SerializeTuple::serialize_element;
    SerializeTupleStruct::serialize_field;
}

/// Builds a `<struct>` from a Rust struct: members in field order.
pub(crate) struct SerializeStruct {
    members: Struct,
    /// Depth of the members.
    depth: usize,
}

impl SerializeStruct {
    fn with_len(len: usize, depth: usize) -> Self {
        SerializeStruct {
            members: Struct::with_capacity(len.min(MAX_PREALLOC)),
            depth,
        }
    }
}

impl ser::SerializeStruct for SerializeStruct {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let v = serialize_at(value, self.depth).map_err(|e| e.in_member(key))?;
        // Field names of one struct are unique, so no lookup is needed.
        self.members.push(key, v);
        Ok(())
    }
    fn end(self) -> Result<Value, Error> {
        Ok(Value::Struct(self.members))
    }
}

/// Builds a `<struct>` from a map whose keys serialize as strings.
pub(crate) struct SerializeMap {
    members: Vec<(String, Value)>,
    key: Option<String>,
    /// Depth of the members.
    depth: usize,
}

impl ser::SerializeMap for SerializeMap {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(MemberName)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error::msg("map value serialized before its key"))?;
        let v = serialize_at(value, self.depth).map_err(|e| e.in_member(&key))?;
        self.members.push((key, v));
        Ok(())
    }
    fn end(self) -> Result<Value, Error> {
        // `#[serde(flatten)]` and hand-written impls can repeat a key; a
        // struct with a repeated member is one no decoder accepts, so the
        // last value wins (as in serde_json). Linear time.
        Ok(Value::Struct(Struct::from_members(self.members)))
    }
}

/// Wraps a variant's payload as `{variant: payload}`.
pub(crate) struct SerializeVariant<S> {
    variant: &'static str,
    inner: S,
}

impl ser::SerializeTupleVariant for SerializeVariant<SerializeArray> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let variant = self.variant;
        self.inner.push(value).map_err(|e| e.in_member(variant))
    }
    fn end(self) -> Result<Value, Error> {
        Ok(tagged(self.variant, Value::Array(self.inner.values)))
    }
}

impl ser::SerializeStructVariant for SerializeVariant<SerializeStruct> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let variant = self.variant;
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
            .map_err(|e| e.in_member(variant))
    }
    fn end(self) -> Result<Value, Error> {
        Ok(tagged(self.variant, Value::Struct(self.inner.members)))
    }
}

/// Serializes a map key: strings and chars only, since struct member names
/// are text.
struct MemberName;

impl MemberName {
    fn refuse(found: &str) -> Error {
        Error::expected("a string map key (struct member name)", found)
    }
}

macro_rules! refuse_key {
    ($($method:ident($($arg:ty),*) => $found:literal;)*) => {
        $(
            fn $method(self, $(_: $arg),*) -> Result<String, Error> {
                Err(MemberName::refuse($found))
            }
        )*
    };
}

impl ser::Serializer for MemberName {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = ser::Impossible<String, Error>;
    type SerializeTuple = ser::Impossible<String, Error>;
    type SerializeTupleStruct = ser::Impossible<String, Error>;
    type SerializeTupleVariant = ser::Impossible<String, Error>;
    type SerializeMap = ser::Impossible<String, Error>;
    type SerializeStruct = ser::Impossible<String, Error>;
    type SerializeStructVariant = ser::Impossible<String, Error>;

    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_owned())
    }
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }

    refuse_key! {
        serialize_bool(bool) => "boolean";
        serialize_i8(i8) => "integer";
        serialize_i16(i16) => "integer";
        serialize_i32(i32) => "integer";
        serialize_i64(i64) => "integer";
        serialize_i128(i128) => "integer";
        serialize_u8(u8) => "integer";
        serialize_u16(u16) => "integer";
        serialize_u32(u32) => "integer";
        serialize_u64(u64) => "integer";
        serialize_u128(u128) => "integer";
        serialize_f32(f32) => "double";
        serialize_f64(f64) => "double";
        serialize_bytes(&[u8]) => "bytes";
        serialize_none() => "None";
        serialize_unit() => "()";
        serialize_unit_struct(&'static str) => "unit struct";
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, Error> {
        Err(MemberName::refuse("Some"))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, Error> {
        Err(MemberName::refuse("enum variant with data"))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(MemberName::refuse("sequence"))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(MemberName::refuse("tuple"))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(MemberName::refuse("tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(MemberName::refuse("enum variant with data"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(MemberName::refuse("map"))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(MemberName::refuse("struct"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(MemberName::refuse("enum variant with data"))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use ::serde::Serialize;

    use crate::Value;

    #[derive(Serialize)]
    struct Outer {
        a: i32,
        #[serde(flatten)]
        rest: BTreeMap<String, i32>,
    }

    #[test]
    fn a_key_repeated_through_flatten_is_one_member() {
        let rest = BTreeMap::from([("a".to_owned(), 2), ("b".to_owned(), 3)]);
        let value = crate::serde::to_value(&Outer { a: 1, rest }).expect("serializes");
        let s = value.as_struct().expect("struct");
        assert_eq!(s.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(s.get("a"), Some(&Value::Int(2)));
    }
}
