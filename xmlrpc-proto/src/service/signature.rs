//! [`Signature`]: a method's return and parameter types, for
//! `system.methodSignature`.

use crate::{Array, Value};

/// One signature: the XML-RPC type names of the return value and of each
/// parameter, e.g. `["int", "string", "int"]` for `int f(string, int)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// `[return, params...]`; never empty.
    types: Vec<String>,
}

impl Signature {
    /// A signature from `[return, params...]`; an empty list becomes
    /// `["nil"]` (no params, returns nil).
    pub fn new<I, S>(types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut types: Vec<String> = types.into_iter().map(Into::into).collect();
        if types.is_empty() {
            types.push("nil".to_owned());
        }
        Signature { types }
    }

    /// A signature derived from Rust types: `None` when any of them has no
    /// single XML-RPC type name (such as [`Value`] itself).
    pub(crate) fn derived(
        ret: Option<&'static str>,
        params: &[Option<&'static str>],
    ) -> Option<Self> {
        let mut types = Vec::with_capacity(params.len() + 1);
        types.push(ret?.to_owned());
        for param in params {
            types.push((*param)?.to_owned());
        }
        Some(Signature { types })
    }

    /// The return type name.
    pub fn return_type(&self) -> &str {
        self.types.first().map_or("nil", String::as_str)
    }

    /// The parameter type names in order.
    pub fn params(&self) -> &[String] {
        self.types.get(1..).unwrap_or(&[])
    }

    /// `[return, params...]` as an XML-RPC array of strings.
    pub fn to_value(&self) -> Value {
        Value::Array(
            self.types
                .iter()
                .map(|t| Value::String(t.clone()))
                .collect::<Array>(),
        )
    }
}

/// The XML-RPC type name a result of Rust type `T` is sent as, for derived
/// signatures; `None` when it is not known from the type alone (such as
/// [`Value`], or a struct, whose name serde does not tell without a value).
/// Params use [`crate::serde::type_name_of`], which probes `Deserialize`.
pub(crate) fn return_type_name<T: ?Sized + 'static>() -> Option<&'static str> {
    use std::any::TypeId;
    let id = TypeId::of::<T>();
    let is = |other: TypeId| id == other;
    let name = if [
        TypeId::of::<i8>(),
        TypeId::of::<i16>(),
        TypeId::of::<i32>(),
        TypeId::of::<u8>(),
        TypeId::of::<u16>(),
    ]
    .into_iter()
    .any(is)
    {
        "int"
    } else if [
        TypeId::of::<u32>(),
        TypeId::of::<i64>(),
        TypeId::of::<u64>(),
        TypeId::of::<isize>(),
        TypeId::of::<usize>(),
    ]
    .into_iter()
    .any(is)
    {
        // Values that may not fit 32 bits travel as i8.
        "i8"
    } else if is(TypeId::of::<bool>()) {
        "boolean"
    } else if is(TypeId::of::<f64>()) || is(TypeId::of::<f32>()) {
        "double"
    } else if [
        TypeId::of::<String>(),
        TypeId::of::<str>(),
        TypeId::of::<char>(),
    ]
    .into_iter()
    .any(is)
    {
        "string"
    } else if is(TypeId::of::<crate::DateTime>()) {
        "dateTime.iso8601"
    } else if is(TypeId::of::<crate::Struct>()) {
        "struct"
    } else if is(TypeId::of::<crate::Array>()) || is(TypeId::of::<Vec<Value>>()) {
        "array"
    } else if is(TypeId::of::<()>()) {
        "nil"
    } else {
        return None;
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_type_names() {
        assert_eq!(return_type_name::<i32>(), Some("int"));
        assert_eq!(return_type_name::<u16>(), Some("int"));
        assert_eq!(return_type_name::<u64>(), Some("i8"));
        assert_eq!(return_type_name::<bool>(), Some("boolean"));
        assert_eq!(return_type_name::<f32>(), Some("double"));
        assert_eq!(return_type_name::<String>(), Some("string"));
        assert_eq!(
            return_type_name::<crate::DateTime>(),
            Some("dateTime.iso8601")
        );
        assert_eq!(return_type_name::<crate::Struct>(), Some("struct"));
        assert_eq!(return_type_name::<Vec<Value>>(), Some("array"));
        assert_eq!(return_type_name::<()>(), Some("nil"));
        assert_eq!(return_type_name::<Value>(), None);
    }

    #[test]
    fn derived_needs_every_type() {
        let sig = Signature::derived(Some("int"), &[Some("string"), Some("array")]);
        let sig = sig.expect("all known");
        assert_eq!(sig.return_type(), "int");
        assert_eq!(sig.params(), ["string", "array"]);
        assert_eq!(Signature::derived(None, &[Some("int")]), None);
        assert_eq!(Signature::derived(Some("int"), &[Some("int"), None]), None);
    }

    #[test]
    fn empty_signature_is_nil() {
        let sig = Signature::new(Vec::<String>::new());
        assert_eq!(sig.return_type(), "nil");
        assert!(sig.params().is_empty());
        assert_eq!(
            sig.to_value(),
            Value::Array(vec![Value::String("nil".into())].into())
        );
    }
}
