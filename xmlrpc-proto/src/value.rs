//! [`Value`], the XML-RPC data model, and its two containers [`Array`] and [`Struct`].
//!
//! Containers free their children iteratively, so dropping a value nested
//! a million levels deep never overflows the stack.

use std::ops::{Deref, DerefMut};

use bytes::Bytes;

use crate::DateTime;

/// One XML-RPC value.
///
/// `Int` is `<int>`/`<i4>` (32-bit), `I8` the 64-bit extension. Strings are kept
/// verbatim, whitespace included. `Nil` is the `<nil/>` extension.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `<int>` or `<i4>`: a 32-bit signed integer.
    Int(i32),
    /// `<i8>` (extension): a 64-bit signed integer.
    I8(i64),
    /// `<boolean>`: `0` or `1`.
    Bool(bool),
    /// `<double>`: always finite once decoded.
    Double(f64),
    /// `<string>`, or bare text inside `<value>`.
    String(String),
    /// `<dateTime.iso8601>`.
    DateTime(DateTime),
    /// `<base64>`: the decoded bytes.
    Base64(Bytes),
    /// `<struct>`: named members in document order.
    Struct(Struct),
    /// `<array>`: values of any types.
    Array(Array),
    /// `<nil/>` (extension).
    Nil,
}

impl Value {
    /// The XML-RPC type name of this value, as used in method signatures
    /// (`int`, `i8`, `boolean`, `string`, `double`, `dateTime.iso8601`,
    /// `base64`, `struct`, `array`, `nil`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::I8(_) => "i8",
            Value::Bool(_) => "boolean",
            Value::Double(_) => "double",
            Value::String(_) => "string",
            Value::DateTime(_) => "dateTime.iso8601",
            Value::Base64(_) => "base64",
            Value::Struct(_) => "struct",
            Value::Array(_) => "array",
            Value::Nil => "nil",
        }
    }

    /// The string inside, if this is a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer inside, if this is an `Int` or an `I8`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(i64::from(*i)),
            Value::I8(i) => Some(*i),
            _ => None,
        }
    }

    /// The struct inside, if this is a `Struct`.
    pub fn as_struct(&self) -> Option<&Struct> {
        match self {
            Value::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// The array inside, if this is an `Array`.
    pub fn as_array(&self) -> Option<&Array> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// True for `Nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
}

/// An XML-RPC `<array>`: a `Vec<Value>` that drops without recursion.
///
/// It dereferences to `Vec<Value>`, so `push`, `len`, indexing and iteration
/// work as on a vector.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Array {
    values: Vec<Value>,
}

impl Array {
    /// An empty array.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty array with room for `capacity` values.
    pub fn with_capacity(capacity: usize) -> Self {
        Array {
            values: Vec::with_capacity(capacity),
        }
    }

    /// The values, moved out.
    pub fn into_vec(mut self) -> Vec<Value> {
        std::mem::take(&mut self.values)
    }
}

impl Deref for Array {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.values
    }
}

impl DerefMut for Array {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.values
    }
}

impl From<Vec<Value>> for Array {
    fn from(values: Vec<Value>) -> Self {
        Array { values }
    }
}

impl<V: Into<Value>> FromIterator<V> for Array {
    fn from_iter<I: IntoIterator<Item = V>>(iter: I) -> Self {
        Array {
            values: iter.into_iter().map(Into::into).collect(),
        }
    }
}

impl IntoIterator for Array {
    type Item = Value;
    type IntoIter = std::vec::IntoIter<Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a> IntoIterator for &'a Array {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.values.iter()
    }
}

impl Drop for Array {
    fn drop(&mut self) {
        drop_iteratively(std::mem::take(&mut self.values));
    }
}

/// An XML-RPC `<struct>`: named members in document order.
///
/// Lookups are linear, which beats hashing for the handful of members real
/// structs carry. The decoder rejects duplicate names; [`Struct::insert`]
/// replaces in place, [`Struct::push`] appends without checking.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Struct {
    members: Vec<(String, Value)>,
}

impl Struct {
    /// An empty struct.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty struct with room for `capacity` members.
    pub fn with_capacity(capacity: usize) -> Self {
        Struct {
            members: Vec::with_capacity(capacity),
        }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when there are no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The value of member `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The value of member `name`, mutably.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.members
            .iter_mut()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// True when a member is called `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets member `name`: replaces the value in place (keeping its position)
    /// and returns the old one, or appends a new member.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        let name = name.into();
        let value = value.into();
        match self.get_mut(&name) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.members.push((name, value));
                None
            }
        }
    }

    /// Appends a member without looking for an existing one of that name.
    /// The caller promises names stay unique (the decoder checks this itself).
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.members.push((name.into(), value.into()));
    }

    /// Removes member `name`, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let index = self.members.iter().position(|(n, _)| n == name)?;
        Some(self.members.remove(index).1)
    }

    /// Members in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> {
        self.members.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Member names in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.members.iter().map(|(n, _)| n.as_str())
    }

    /// The members, moved out in order.
    pub fn into_members(mut self) -> Vec<(String, Value)> {
        std::mem::take(&mut self.members)
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Struct {
    /// Collects members in order; a repeated name replaces the earlier value
    /// in place, as [`Struct::insert`] does. Linear time, however many
    /// members come.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Struct::from_members(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

/// Up to this many members, duplicates are found by scanning; beyond, with
/// a hash map, so building a big struct stays linear.
const LINEAR_DEDUP: usize = 16;

impl Struct {
    /// A struct of `members` in order, where a repeated name keeps its first
    /// position and takes its last value (what [`Struct::insert`] gives).
    pub(crate) fn from_members(members: Vec<(String, Value)>) -> Struct {
        let mut out = Struct::with_capacity(members.len());
        if members.len() <= LINEAR_DEDUP {
            for (name, value) in members {
                out.insert(name, value);
            }
            return out;
        }
        let mut slots: std::collections::HashMap<String, usize> =
            std::collections::HashMap::with_capacity(members.len());
        for (name, value) in members {
            match slots.get(&name) {
                Some(&slot) => out.members[slot].1 = value,
                None => {
                    slots.insert(name.clone(), out.members.len());
                    out.members.push((name, value));
                }
            }
        }
        out
    }
}

impl Struct {
    /// A struct of `members` as they are; the caller (the decoder) has
    /// checked that their names are unique.
    pub(crate) fn from_unique(members: Vec<(String, Value)>) -> Struct {
        Struct { members }
    }
}

impl IntoIterator for Struct {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_members().into_iter()
    }
}

impl Drop for Struct {
    fn drop(&mut self) {
        let members = std::mem::take(&mut self.members);
        if members.iter().any(|(_, v)| is_container(v)) {
            drop_iteratively(members.into_iter().map(|(_, v)| v).collect());
        }
    }
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Array(_) | Value::Struct(_))
}

/// Frees a tree of values with an explicit stack instead of recursion.
fn drop_iteratively(values: Vec<Value>) {
    if !values.iter().any(is_container) {
        return; // flat: the Vec's own drop is cheap and non-recursive
    }
    let mut stack = values;
    while let Some(value) = stack.pop() {
        match value {
            Value::Array(mut array) => stack.append(&mut array.values),
            Value::Struct(mut s) => stack.extend(s.members.drain(..).map(|(_, v)| v)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_deep_nesting_does_not_overflow() {
        let mut v = Value::Nil;
        for i in 0..1_000_000 {
            v = if i % 2 == 0 {
                Value::Array(Array::from(vec![v]))
            } else {
                let mut s = Struct::new();
                s.push("m", v);
                Value::Struct(s)
            };
        }
        drop(v);
    }

    #[test]
    fn collecting_a_struct_keeps_first_position_and_last_value() {
        for n in [3usize, 100] {
            let mut entries: Vec<(String, Value)> =
                (0..n).map(|i| (format!("m{i}"), Value::Int(0))).collect();
            entries.push(("m1".to_owned(), Value::Int(7)));
            entries.push(("m0".to_owned(), Value::Int(9)));
            let s: Struct = entries.into_iter().collect();
            assert_eq!(s.len(), n);
            assert_eq!(s.keys().next(), Some("m0"));
            assert_eq!(s.get("m0"), Some(&Value::Int(9)));
            assert_eq!(s.get("m1"), Some(&Value::Int(7)));
            assert_eq!(s.iter().nth(1).map(|(k, _)| k), Some("m1"));
        }
    }

    #[test]
    fn collecting_a_big_struct_is_linear() {
        // Quadratic name checks take minutes here; linear ones a fraction
        // of a second even unoptimised.
        let n = 200_000;
        let started = std::time::Instant::now();
        let s: Struct = (0..n)
            .map(|i| (format!("member{i}"), Value::Int(i)))
            .collect();
        assert_eq!(s.len(), n as usize);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn struct_insert_replaces_in_place() {
        let mut s = Struct::new();
        s.insert("a", Value::Int(1));
        s.insert("b", Value::Int(2));
        assert_eq!(s.insert("a", Value::Int(3)), Some(Value::Int(1)));
        assert_eq!(s.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(s.get("a"), Some(&Value::Int(3)));
        assert_eq!(s.remove("a"), Some(Value::Int(3)));
        assert_eq!(s.len(), 1);
    }
}
