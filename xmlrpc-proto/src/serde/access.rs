//! The `SeqAccess`, `MapAccess` and `EnumAccess` halves of
//! [`ValueDeserializer`](super::de::ValueDeserializer): they walk arrays,
//! structs and tagged enums, and put `[i]` or `.name` in front of the path of
//! any error from inside.

use ::serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::de::ValueDeserializer;
use super::Error;
use crate::{Array, Struct, Value};

/// Walks an `<array>`'s elements.
pub(crate) struct ArrayAccess {
    values: std::vec::IntoIter<Value>,
    index: usize,
    /// Depth of the elements.
    depth: usize,
}

impl ArrayAccess {
    pub(crate) fn new(array: Array, depth: usize) -> Self {
        ArrayAccess {
            values: array.into_vec().into_iter(),
            index: 0,
            depth,
        }
    }
    /// Refuses elements the visitor left unread, rather than dropping them.
    pub(crate) fn end(self) -> Result<(), Error> {
        match self.values.len() {
            0 => Ok(()),
            left => Err(Error::expected(
                format_args!("array of {} elements", self.index),
                format_args!("array of {}", self.index + left),
            )),
        }
    }
}

impl<'de> de::SeqAccess<'de> for ArrayAccess {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.values.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        ValueDeserializer::nested(value, self.depth)
            .and_then(|d| seed.deserialize(d))
            .map(Some)
            .map_err(|e| e.in_element(index))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.values.len())
    }
}

/// Walks a `<struct>`'s members; keys are the member names.
pub(crate) struct StructAccess {
    members: std::vec::IntoIter<(String, Value)>,
    /// The member whose key was just read, waiting for its value.
    pending: Option<(String, Value)>,
    /// Depth of the members.
    depth: usize,
}

impl StructAccess {
    pub(crate) fn new(s: Struct, depth: usize) -> Self {
        StructAccess {
            members: s.into_members().into_iter(),
            pending: None,
            depth,
        }
    }
}

impl<'de> de::MapAccess<'de> for StructAccess {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((name, value)) = self.members.next() else {
            return Ok(None);
        };
        let key = seed
            .deserialize(name.as_str().into_deserializer())
            .map_err(|e: Error| e.in_member(&name))?;
        self.pending = Some((name, value));
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (name, value) = self
            .pending
            .take()
            .ok_or_else(|| Error::msg("struct member value read before its name"))?;
        ValueDeserializer::nested(value, self.depth)
            .and_then(|d| seed.deserialize(d))
            .map_err(|e| e.in_member(&name))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

/// An externally tagged enum: the variant name, and its payload if any.
pub(crate) struct EnumAccess {
    variant: String,
    value: Option<Value>,
    /// Depth of the payload.
    depth: usize,
}

impl EnumAccess {
    /// A bare string: a unit variant.
    pub(crate) fn unit(variant: String, depth: usize) -> Self {
        EnumAccess {
            variant,
            value: None,
            depth,
        }
    }

    /// `{variant: value}`: a variant with data.
    pub(crate) fn new(variant: String, value: Value, depth: usize) -> Self {
        EnumAccess {
            variant,
            value: Some(value),
            depth,
        }
    }
}

impl<'de> de::EnumAccess<'de> for EnumAccess {
    type Error = Error;
    type Variant = VariantAccess;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        let tag = seed.deserialize(self.variant.as_str().into_deserializer())?;
        Ok((
            tag,
            VariantAccess {
                variant: self.variant,
                value: self.value,
                depth: self.depth,
            },
        ))
    }
}

/// The payload of the variant [`EnumAccess`] named.
pub(crate) struct VariantAccess {
    variant: String,
    value: Option<Value>,
    /// Depth of the payload.
    depth: usize,
}

impl VariantAccess {
    /// The payload's deserializer, or an error when the variant came as a
    /// bare string.
    fn payload(self, expected: &str) -> Result<(String, ValueDeserializer), Error> {
        match self.value {
            Some(value) => {
                let payload = ValueDeserializer::nested(value, self.depth)
                    .map_err(|e| e.in_member(&self.variant))?;
                Ok((self.variant, payload))
            }
            None => Err(Error::expected(
                format_args!("{{{}: {expected}}}", self.variant),
                "string",
            )),
        }
    }
}

impl<'de> de::VariantAccess<'de> for VariantAccess {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            None | Some(Value::Nil) => Ok(()),
            Some(other) => Err(Error::expected(
                format_args!("unit variant {} as a string", self.variant),
                format_args!("struct {{{}: {}}}", self.variant, other.type_name()),
            )),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let (variant, payload) = self.payload("value")?;
        seed.deserialize(payload).map_err(|e| e.in_member(&variant))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        let (variant, payload) = self.payload("array")?;
        de::Deserializer::deserialize_tuple(payload, len, visitor)
            .map_err(|e| e.in_member(&variant))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let (variant, payload) = self.payload("struct")?;
        de::Deserializer::deserialize_struct(payload, "", fields, visitor)
            .map_err(|e| e.in_member(&variant))
    }
}
