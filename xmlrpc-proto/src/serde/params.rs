//! Param lists: a tuple is the list, `()` is no params, any other value is
//! one param. [`ParamsSerializer`] and [`ParamsDeserializer`] apply that rule
//! at the top level and hand everything else to the value mapping.

use ::serde::de::{self, DeserializeSeed, Visitor};
use ::serde::ser::{self, Serialize, Serializer};

use super::de::ValueDeserializer;
use super::ser::ValueSerializer;
use super::Error;
use crate::Value;

/// Serializes typed arguments into a param list.
pub(crate) struct ParamsSerializer;

/// `[0]` in front of an error from the single param.
fn first(e: Error) -> Error {
    e.in_element(0)
}

macro_rules! single_param {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method(self, $($arg: $ty),*) -> Result<Vec<Value>, Error> {
                ValueSerializer::ROOT.$method($($arg),*).map(|v| vec![v]).map_err(first)
            }
        )*
    };
}

impl Serializer for ParamsSerializer {
    type Ok = Vec<Value>;
    type Error = Error;
    type SerializeSeq = Single<super::ser::SerializeArray>;
    type SerializeTuple = ParamList;
    type SerializeTupleStruct = Single<super::ser::SerializeArray>;
    type SerializeTupleVariant = Single<super::ser::SerializeVariant<super::ser::SerializeArray>>;
    type SerializeMap = Single<super::ser::SerializeMap>;
    type SerializeStruct = Single<super::ser::SerializeStruct>;
    type SerializeStructVariant = Single<super::ser::SerializeVariant<super::ser::SerializeStruct>>;

    single_param! {
        serialize_bool(v: bool);
        serialize_i8(v: i8);
        serialize_i16(v: i16);
        serialize_i32(v: i32);
        serialize_i64(v: i64);
        serialize_i128(v: i128);
        serialize_u8(v: u8);
        serialize_u16(v: u16);
        serialize_u32(v: u32);
        serialize_u64(v: u64);
        serialize_u128(v: u128);
        serialize_f32(v: f32);
        serialize_f64(v: f64);
        serialize_char(v: char);
        serialize_str(v: &str);
        serialize_bytes(v: &[u8]);
        serialize_none();
        serialize_unit_struct(name: &'static str);
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str);
    }

    fn serialize_unit(self) -> Result<Vec<Value>, Error> {
        Ok(Vec::new())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Vec<Value>, Error> {
        ValueSerializer::ROOT
            .serialize_some(value)
            .map(|v| vec![v])
            .map_err(first)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Vec<Value>, Error> {
        ValueSerializer::ROOT
            .serialize_newtype_struct(name, value)
            .map(|v| vec![v])
            .map_err(first)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Vec<Value>, Error> {
        ValueSerializer::ROOT
            .serialize_newtype_variant(name, index, variant, value)
            .map(|v| vec![v])
            .map_err(first)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        ValueSerializer::ROOT.serialize_seq(len).map(Single)
    }
    fn serialize_tuple(self, len: usize) -> Result<ParamList, Error> {
        Ok(ParamList {
            params: Vec::with_capacity(len.min(64)),
        })
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        ValueSerializer::ROOT
            .serialize_tuple_struct(name, len)
            .map(Single)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        ValueSerializer::ROOT
            .serialize_tuple_variant(name, index, variant, len)
            .map(Single)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        ValueSerializer::ROOT.serialize_map(len).map(Single)
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        ValueSerializer::ROOT
            .serialize_struct(name, len)
            .map(Single)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        ValueSerializer::ROOT
            .serialize_struct_variant(name, index, variant, len)
            .map(Single)
    }
}

/// A tuple's elements, each one param.
pub(crate) struct ParamList {
    params: Vec<Value>,
}

impl ser::SerializeTuple for ParamList {
    type Ok = Vec<Value>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let index = self.params.len();
        let v = value
            .serialize(ValueSerializer::ROOT)
            .map_err(|e| e.in_element(index))?;
        self.params.push(v);
        Ok(())
    }
    fn end(self) -> Result<Vec<Value>, Error> {
        Ok(self.params)
    }
}

/// A compound value that becomes the one and only param.
pub(crate) struct Single<S>(S);

macro_rules! single_compound {
    ($trait:ident :: $method:ident($($key:ident: $kty:ty),*)) => {
        impl<S: ser::$trait<Ok = Value, Error = Error>> ser::$trait for Single<S> {
            type Ok = Vec<Value>;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, $($key: $kty,)* value: &T) -> Result<(), Error> {
                self.0.$method($($key,)* value).map_err(first)
            }
            fn end(self) -> Result<Vec<Value>, Error> {
                self.0.end().map(|v| vec![v])
            }
        }
    };
}

single_compound!(SerializeSeq::serialize_element());
single_compound!(SerializeTupleStruct::serialize_field());
single_compound!(SerializeTupleVariant::serialize_field());
single_compound!(SerializeStruct::serialize_field(key: &'static str));
single_compound!(SerializeStructVariant::serialize_field(key: &'static str));

impl<S: ser::SerializeMap<Ok = Value, Error = Error>> ser::SerializeMap for Single<S> {
    type Ok = Vec<Value>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.0.serialize_key(key).map_err(first)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.0.serialize_value(value).map_err(first)
    }
    fn end(self) -> Result<Vec<Value>, Error> {
        self.0.end().map(|v| vec![v])
    }
}

/// Deserializes typed arguments from a param list.
pub(crate) struct ParamsDeserializer {
    params: Vec<Value>,
}

impl ParamsDeserializer {
    pub(crate) fn new(params: Vec<Value>) -> Self {
        ParamsDeserializer { params }
    }

    /// The one param a non-tuple type reads.
    fn single(self) -> Result<Value, Error> {
        let found = self.params.len();
        let mut params = self.params.into_iter();
        match (params.next(), params.next()) {
            (Some(value), None) => Ok(value),
            _ => Err(arity(1, found)),
        }
    }
}

/// `expected 2 params, found 3`.
fn arity(expected: usize, found: usize) -> Error {
    let plural = if expected == 1 { "param" } else { "params" };
    Error::expected(format_args!("{expected} {plural}"), found)
}

macro_rules! one_param {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Error> {
                let value = self.single()?;
                ValueDeserializer::new(value).$method($($arg,)* visitor).map_err(first)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for ParamsDeserializer {
    type Error = Error;

    one_param! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    /// A lone `Option` also reads an empty param list, as `None`.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.params.is_empty() {
            return visitor.visit_none();
        }
        let value = self.single()?;
        ValueDeserializer::new(value)
            .deserialize_option(visitor)
            .map_err(first)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.params.len() {
            0 => visitor.visit_unit(),
            found => Err(arity(0, found)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        let found = self.params.len();
        if found > len {
            return Err(arity(len, found));
        }
        visitor.visit_seq(ParamAccess {
            params: self.params.into_iter(),
            index: 0,
            expected: len,
            found,
        })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// Walks a tuple's params; missing trailing params read as `None` when the
/// element is an `Option`, and are an arity error otherwise.
struct ParamAccess {
    params: std::vec::IntoIter<Value>,
    index: usize,
    expected: usize,
    found: usize,
}

impl<'de> de::SeqAccess<'de> for ParamAccess {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.index >= self.expected {
            return Ok(None);
        }
        let index = self.index;
        self.index += 1;
        match self.params.next() {
            Some(value) => seed
                .deserialize(ValueDeserializer::new(value))
                .map(Some)
                .map_err(|e| e.in_element(index)),
            None => seed
                .deserialize(MissingParam {
                    expected: self.expected,
                    found: self.found,
                })
                .map(Some),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.expected - self.index)
    }
}

/// Stands in for a param the caller left off the end of the list.
struct MissingParam {
    expected: usize,
    found: usize,
}

impl<'de> de::Deserializer<'de> for MissingParam {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
        Err(arity(self.expected, self.found))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_none()
    }

    ::serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
