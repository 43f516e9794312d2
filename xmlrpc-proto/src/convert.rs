//! `From` and `TryFrom` between Rust types and [`Value`](crate::Value).
//!
//! Into a value: integers become `Int` when they fit 32 bits and `I8` beyond
//! (`u64`/`usize` need `TryFrom`, as they may not fit 64 signed bits either),
//! floats `Double`, strings `String`, `Option::None` `Nil`, byte buffers
//! (`Vec<u8>`, `&[u8]`, `Bytes`) `Base64`, other vectors and slices `Array`,
//! maps with string keys `Struct`.
//!
//! Out of a value: `TryFrom<Value>` for the same types, failing with a
//! [`ConvertError`] that says what was expected and what was found. Integer
//! narrowing is checked, never truncating; `Int` and `I8` both convert to any
//! integer type the number fits.
//!
//! `u8` has no `From`: `Vec<u8>` means bytes (base64) here, as it does for
//! Python and serde_bytes, and Rust allows only one meaning per type.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;

use bytes::Bytes;

use crate::{Array, DateTime, Struct, Value};

/// Why a [`Value`] could not become the requested Rust type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvertError {
    /// What the target type needs, such as `int` or `u16`.
    pub expected: &'static str,
    /// What was there: an XML-RPC type name (`string`), or for numbers out
    /// of range the number itself.
    pub found: String,
    /// Where inside the value: empty at the top, else like `[3].name`.
    pub path: String,
}

impl ConvertError {
    /// An error with no path, for conversions defined in sibling modules.
    #[allow(dead_code)] // used only with the chrono / time features
    pub(crate) fn new(expected: &'static str, found: impl Into<String>) -> Self {
        ConvertError {
            expected,
            found: found.into(),
            path: String::new(),
        }
    }

    fn wrong_type(expected: &'static str, found: &Value) -> Self {
        ConvertError {
            expected,
            found: found.type_name().to_owned(),
            path: String::new(),
        }
    }

    fn out_of_range(expected: &'static str, found: impl fmt::Display) -> Self {
        ConvertError {
            expected,
            found: format!("{found} (out of range)"),
            path: String::new(),
        }
    }

    /// Prefixes the path with a container step such as `[3]` or `.name`.
    fn within(mut self, step: fmt::Arguments<'_>) -> Self {
        self.path = format!("{step}{}", self.path);
        self
    }
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, found {}", self.expected, self.found)?;
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConvertError {}

// ---- Rust -> Value -------------------------------------------------------

macro_rules! from_small_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            /// Always an `Int`: every value fits 32 bits.
            fn from(v: $t) -> Self {
                Value::Int(i32::from(v))
            }
        }
    )*};
}
from_small_int!(i8, i16, i32, u16);

macro_rules! from_wide_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            /// An `Int` when the value fits 32 bits, else an `I8`.
            fn from(v: $t) -> Self {
                match i32::try_from(v) {
                    Ok(small) => Value::Int(small),
                    // Every value of the source type fits 64 signed bits.
                    Err(_) => Value::I8(v as i64),
                }
            }
        }
    )*};
}
from_wide_int!(i64, u32, isize);

macro_rules! try_from_unsigned {
    ($($t:ty),*) => {$(
        impl TryFrom<$t> for Value {
            type Error = ConvertError;
            /// An `Int` or `I8`; values beyond `i64::MAX` have no XML-RPC type.
            fn try_from(v: $t) -> Result<Self, ConvertError> {
                let wide = i64::try_from(v).map_err(|_| ConvertError::out_of_range("i8", v))?;
                Ok(Value::from(wide))
            }
        }
    )*};
}
try_from_unsigned!(u64, usize);

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Double(v)
    }
}

impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::Double(f64::from(v))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_owned())
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::String(v.clone())
    }
}

impl From<Cow<'_, str>> for Value {
    fn from(v: Cow<'_, str>) -> Self {
        Value::String(v.into_owned())
    }
}

impl From<char> for Value {
    fn from(v: char) -> Self {
        Value::String(v.to_string())
    }
}

impl From<DateTime> for Value {
    fn from(v: DateTime) -> Self {
        Value::DateTime(v)
    }
}

impl From<Bytes> for Value {
    fn from(v: Bytes) -> Self {
        Value::Base64(v)
    }
}

impl From<Vec<u8>> for Value {
    /// Bytes: a `Base64` value.
    fn from(v: Vec<u8>) -> Self {
        Value::Base64(Bytes::from(v))
    }
}

impl From<&[u8]> for Value {
    /// Bytes: a `Base64` value.
    fn from(v: &[u8]) -> Self {
        Value::Base64(Bytes::copy_from_slice(v))
    }
}

impl From<Struct> for Value {
    fn from(v: Struct) -> Self {
        Value::Struct(v)
    }
}

impl From<Array> for Value {
    fn from(v: Array) -> Self {
        Value::Array(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    /// `None` is `Nil`.
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Nil, Into::into)
    }
}

impl From<()> for Value {
    /// `Nil`.
    fn from(_: ()) -> Self {
        Value::Nil
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    /// An `Array` (except `Vec<u8>`, which is bytes).
    fn from(v: Vec<T>) -> Self {
        Value::Array(v.into_iter().collect())
    }
}

impl<T: Into<Value> + Clone> From<&[T]> for Value {
    /// An `Array` of clones (except `&[u8]`, which is bytes).
    fn from(v: &[T]) -> Self {
        Value::Array(v.iter().cloned().collect())
    }
}

impl<T: Into<Value>, const N: usize> From<[T; N]> for Value {
    /// An `Array`.
    fn from(v: [T; N]) -> Self {
        Value::Array(v.into_iter().collect())
    }
}

/// Map keys are already unique, so members are appended without the
/// linear name lookup `Struct::insert` does (which would make this quadratic).
fn struct_from_map<K: Into<String>, V: Into<Value>>(
    len: usize,
    entries: impl Iterator<Item = (K, V)>,
) -> Value {
    let mut s = Struct::with_capacity(len);
    for (name, value) in entries {
        s.push(name, value);
    }
    Value::Struct(s)
}

impl<K: Into<String>, V: Into<Value>, S> From<HashMap<K, V, S>> for Value {
    /// A `Struct` in the map's iteration order.
    fn from(v: HashMap<K, V, S>) -> Self {
        struct_from_map(v.len(), v.into_iter())
    }
}

impl<K: Into<String>, V: Into<Value>> From<BTreeMap<K, V>> for Value {
    /// A `Struct` in key order.
    fn from(v: BTreeMap<K, V>) -> Self {
        struct_from_map(v.len(), v.into_iter())
    }
}

// ---- Value -> Rust -------------------------------------------------------

macro_rules! try_into_int {
    ($($t:ty => $name:literal),*) => {$(
        impl TryFrom<Value> for $t {
            type Error = ConvertError;
            /// From `Int` or `I8`, when the number fits.
            fn try_from(v: Value) -> Result<Self, ConvertError> {
                let wide = v.as_i64().ok_or_else(|| ConvertError::wrong_type($name, &v))?;
                <$t>::try_from(wide).map_err(|_| ConvertError::out_of_range($name, wide))
            }
        }
    )*};
}
try_into_int!(
    i8 => "i8 (-128..=127)",
    i16 => "i16",
    i32 => "i32",
    i64 => "i64",
    isize => "isize",
    u16 => "u16",
    u32 => "u32",
    u64 => "u64",
    usize => "usize"
);

impl TryFrom<Value> for f64 {
    type Error = ConvertError;
    /// From `Double` only: integers are not silently widened.
    fn try_from(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Double(d) => Ok(d),
            other => Err(ConvertError::wrong_type("double", &other)),
        }
    }
}

impl TryFrom<Value> for f32 {
    type Error = ConvertError;
    /// From `Double`, rounded to the nearest `f32`; magnitudes beyond
    /// `f32::MAX` are out of range rather than infinite.
    fn try_from(v: Value) -> Result<Self, ConvertError> {
        let d = f64::try_from(v)?;
        let narrow = d as f32;
        if narrow.is_infinite() && d.is_finite() {
            return Err(ConvertError::out_of_range("f32", d));
        }
        Ok(narrow)
    }
}

/// `TryFrom<Value>` for types held by exactly one variant.
macro_rules! try_into_variant {
    ($($t:ty => $variant:ident, $name:literal);*) => {$(
        impl TryFrom<Value> for $t {
            type Error = ConvertError;
            fn try_from(v: Value) -> Result<Self, ConvertError> {
                match v {
                    Value::$variant(inner) => Ok(inner.into()),
                    other => Err(ConvertError::wrong_type($name, &other)),
                }
            }
        }
    )*};
}
try_into_variant!(
    bool => Bool, "boolean";
    String => String, "string";
    DateTime => DateTime, "dateTime.iso8601";
    Bytes => Base64, "base64";
    Vec<u8> => Base64, "base64";
    Struct => Struct, "struct";
    Array => Array, "array"
);

impl TryFrom<Value> for () {
    type Error = ConvertError;
    /// From `Nil` only.
    fn try_from(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Nil => Ok(()),
            other => Err(ConvertError::wrong_type("nil", &other)),
        }
    }
}

impl<T: TryFrom<Value, Error = ConvertError>> TryFrom<Value> for Option<T> {
    type Error = ConvertError;
    /// `Nil` is `None`; anything else must convert to `T`.
    fn try_from(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Nil => Ok(None),
            other => T::try_from(other).map(Some),
        }
    }
}

impl<T: TryFrom<Value, Error = ConvertError>> TryFrom<Value> for Vec<T> {
    type Error = ConvertError;
    /// From an `Array` whose every item converts (except `Vec<u8>`: bytes).
    fn try_from(v: Value) -> Result<Self, ConvertError> {
        match v {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| T::try_from(item).map_err(|e| e.within(format_args!("[{i}]"))))
                .collect(),
            other => Err(ConvertError::wrong_type("array", &other)),
        }
    }
}

/// Converts every member of a struct value, naming the failing one.
fn struct_members<V, C>(v: Value) -> Result<C, ConvertError>
where
    V: TryFrom<Value, Error = ConvertError>,
    C: FromIterator<(String, V)>,
{
    match v {
        Value::Struct(members) => members
            .into_iter()
            .map(|(name, item)| match V::try_from(item) {
                Ok(item) => Ok((name, item)),
                Err(e) => Err(e.within(format_args!(".{name}"))),
            })
            .collect(),
        other => Err(ConvertError::wrong_type("struct", &other)),
    }
}

impl<V, S> TryFrom<Value> for HashMap<String, V, S>
where
    V: TryFrom<Value, Error = ConvertError>,
    S: BuildHasher + Default,
{
    type Error = ConvertError;
    /// From a `Struct` whose every member converts.
    fn try_from(v: Value) -> Result<Self, ConvertError> {
        struct_members(v)
    }
}

impl<V: TryFrom<Value, Error = ConvertError>> TryFrom<Value> for BTreeMap<String, V> {
    type Error = ConvertError;
    /// From a `Struct` whose every member converts.
    fn try_from(v: Value) -> Result<Self, ConvertError> {
        struct_members(v)
    }
}

impl<'a> TryFrom<&'a Value> for &'a str {
    type Error = ConvertError;
    /// Borrows the text of a `String`.
    fn try_from(v: &'a Value) -> Result<Self, ConvertError> {
        v.as_str()
            .ok_or_else(|| ConvertError::wrong_type("string", v))
    }
}

impl<'a> TryFrom<&'a Value> for &'a [u8] {
    type Error = ConvertError;
    /// Borrows the bytes of a `Base64`.
    fn try_from(v: &'a Value) -> Result<Self, ConvertError> {
        match v {
            Value::Base64(bytes) => Ok(bytes),
            other => Err(ConvertError::wrong_type("base64", other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_pick_int_or_i8_by_range() {
        assert_eq!(Value::from(7i8), Value::Int(7));
        assert_eq!(Value::from(u16::MAX), Value::Int(65535));
        assert_eq!(Value::from(i64::from(i32::MAX)), Value::Int(i32::MAX));
        assert_eq!(
            Value::from(i64::from(i32::MAX) + 1),
            Value::I8(2_147_483_648)
        );
        assert_eq!(Value::from(u32::MAX), Value::I8(4_294_967_295));
        assert_eq!(Value::from(-5isize), Value::Int(-5));
        assert_eq!(Value::try_from(42u64), Ok(Value::Int(42)));
        assert_eq!(Value::try_from(u64::MAX).unwrap_err().expected, "i8");
    }

    #[test]
    fn narrowing_is_checked() {
        assert_eq!(i16::try_from(Value::I8(-32768)), Ok(-32768));
        let err = u16::try_from(Value::Int(70_000)).unwrap_err();
        assert_eq!(err.to_string(), "expected u16, found 70000 (out of range)");
        assert!(u32::try_from(Value::Int(-1)).is_err());
        assert_eq!(u64::try_from(Value::I8(i64::MAX)), Ok(i64::MAX as u64));
        assert!(i32::try_from(Value::I8(1 << 40)).is_err());
    }

    #[test]
    fn wrong_types_say_what_was_found() {
        let err = i32::try_from(Value::from("x")).unwrap_err();
        assert_eq!(err.to_string(), "expected i32, found string");
        assert_eq!(f64::try_from(Value::Int(1)).unwrap_err().found, "int");
        assert!(bool::try_from(Value::Nil).is_err());
    }

    #[test]
    fn bytes_are_base64_and_other_vectors_arrays() {
        assert_eq!(
            Value::from(vec![1u8, 2]),
            Value::Base64(Bytes::from_static(&[1, 2]))
        );
        assert_eq!(
            Value::from(&b"ab"[..]),
            Value::Base64(Bytes::from_static(b"ab"))
        );
        let array = Value::from(vec![1i32, 2]);
        assert_eq!(
            array,
            Value::Array(vec![Value::Int(1), Value::Int(2)].into())
        );
        assert_eq!(Value::from(["a", "b"]).as_array().map(|a| a.len()), Some(2));
        assert_eq!(Vec::<u8>::try_from(Value::from(vec![9u8])), Ok(vec![9]));
        assert_eq!(Vec::<i64>::try_from(array), Ok(vec![1, 2]));
    }

    #[test]
    fn options_and_nil() {
        assert_eq!(Value::from(None::<i32>), Value::Nil);
        assert_eq!(Value::from(Some("x")), Value::from("x"));
        assert_eq!(Option::<i32>::try_from(Value::Nil), Ok(None));
        assert_eq!(Option::<i32>::try_from(Value::Int(3)), Ok(Some(3)));
    }

    #[test]
    fn maps_become_structs_and_back() {
        let mut map = BTreeMap::new();
        map.insert("b".to_owned(), 2);
        map.insert("a".to_owned(), 1);
        let value = Value::from(map.clone());
        let keys: Vec<_> = value
            .as_struct()
            .map(|s| s.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(BTreeMap::<String, i32>::try_from(value.clone()), Ok(map));
        let hash = HashMap::<String, i64>::try_from(value).unwrap();
        assert_eq!(hash.get("b"), Some(&2));
        let back = Value::from(hash);
        assert_eq!(back.as_struct().map(|s| s.len()), Some(2));
        assert_eq!(
            back.as_struct().and_then(|s| s.get("a")),
            Some(&Value::Int(1))
        );
    }

    #[test]
    fn nested_errors_name_the_path() {
        let mut s = Struct::new();
        s.push("n", Value::from(vec![Value::Int(1), Value::from("two")]));
        let err = BTreeMap::<String, Vec<i32>>::try_from(Value::Struct(s)).unwrap_err();
        assert_eq!(err.path, ".n[1]");
        assert_eq!(err.to_string(), "expected i32, found string at .n[1]");
    }

    #[test]
    fn borrowed_views() {
        let v = Value::from("hi");
        assert_eq!(<&str>::try_from(&v), Ok("hi"));
        assert!(<&[u8]>::try_from(&v).is_err());
    }
}
