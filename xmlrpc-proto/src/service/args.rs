//! Params into typed handler arguments, with faults naming the parameter.

use std::any::Any;
use std::fmt;

use ::serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use crate::serde::from_value;
use crate::{fault_code, Fault, Value};

/// Moves the value out of `slot` when `A` and `B` are the same type.
pub(crate) fn take_as<A: 'static, B: 'static>(slot: &mut Option<A>) -> Option<B> {
    (slot as &mut dyn Any)
        .downcast_mut::<Option<B>>()
        .and_then(Option::take)
}

/// Argument `index` from `value`: a `Value` argument is taken as is, anything
/// else goes through serde. Errors are fault -32602 naming the parameter.
pub(crate) fn arg<A: DeserializeOwned + 'static>(index: usize, value: Value) -> Result<A, Fault> {
    let mut slot = Some(value);
    if let Some(arg) = take_as::<Value, A>(&mut slot) {
        return Ok(arg);
    }
    let value = slot.unwrap_or(Value::Nil);
    from_value(value).map_err(|e| {
        let path = e.path();
        let sep = if path.is_empty() || path.starts_with(['.', '[']) {
            ""
        } else {
            "."
        };
        Fault::new(
            fault_code::INVALID_PARAMS,
            format!("params[{index}]{sep}{path}: {}", e.message()),
        )
    })
}

/// The next argument, `index` of `expected`, from `params` (of which
/// `found` came): a missing one is only fine for an `Option` argument.
pub(crate) fn next_arg<A: DeserializeOwned + 'static>(
    params: &mut impl Iterator<Item = Value>,
    index: usize,
    expected: usize,
    found: usize,
) -> Result<A, Fault> {
    match params.next() {
        Some(value) => arg(index, value),
        None => A::deserialize(Missing).map_err(|_| arity_fault(found, expected)),
    }
}

/// Fails when there are more params than the handler takes; returns how
/// many there are. Too few is checked argument by argument.
pub(crate) fn check_arity(params: &[Value], expected: usize) -> Result<usize, Fault> {
    match params.len() {
        found if found > expected => Err(arity_fault(found, expected)),
        found => Ok(found),
    }
}

/// Fault -32602 naming the first missing or unexpected param.
fn arity_fault(found: usize, expected: usize) -> Fault {
    let plural = if expected == 1 { "" } else { "s" };
    let (index, what) = if found < expected {
        (found, "missing")
    } else {
        (expected, "unexpected")
    };
    Fault::new(
        fault_code::INVALID_PARAMS,
        format!("params[{index}]: {what} (expected {expected} parameter{plural}, found {found})"),
    )
}

/// A param that was left off: reads as `None` into an `Option`, and is an
/// error for every other type.
struct Missing;

#[derive(Debug)]
struct MissingError;

impl fmt::Display for MissingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("missing")
    }
}

impl std::error::Error for MissingError {}

impl de::Error for MissingError {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        MissingError
    }
}

impl<'de> Deserializer<'de> for Missing {
    type Error = MissingError;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, MissingError> {
        Err(MissingError)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MissingError> {
        visitor.visit_none()
    }

    ::serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
