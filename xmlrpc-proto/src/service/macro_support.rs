//! What the code `#[xmlrpc_proto::rpc]` generates calls: not a public API.
//!
//! Each helper has a narrow bound, so a type that cannot travel is reported
//! once, at the span of the argument or return type the macro gave it.

use ::serde::de::DeserializeOwned;
use ::serde::Serialize;

use super::handler::HandlerResult;
use super::registry::MethodBuilder;
use super::signature::Signature;
use crate::serde::{from_value, to_value, type_name_of, Error};
use crate::{Fault, Value};

/// How many params came; fault -32602 when more than `expected`.
pub fn check_arity(params: &[Value], expected: usize) -> Result<usize, Fault> {
    super::args::check_arity(params, expected)
}

/// Argument `index` of `expected` from `params` (of which there were
/// `found`): a missing trailing `Option` reads `None`.
pub fn next_arg<A: Serialize + DeserializeOwned + 'static>(
    params: &mut impl Iterator<Item = Value>,
    index: usize,
    expected: usize,
    found: usize,
) -> Result<A, Fault> {
    super::args::next_arg(params, index, expected, found)
}

/// The XML-RPC type name of a param type, for the derived signature.
pub fn param_type<A: Serialize + DeserializeOwned + 'static>() -> Option<&'static str> {
    type_name_of::<A>()
}

/// A method's result as the router answers it: its value or its fault
/// (the error's own code kept through `Into<Fault>`).
pub fn into_result<R: HandlerResult>(result: R) -> Result<Value, Fault> {
    result.into_result()
}

/// Sets help and the signature derived from `R` and the param types: no
/// signature when any of them has no single XML-RPC type name.
pub fn describe<R: HandlerResult>(
    builder: MethodBuilder<'_>,
    help: &str,
    params: &[Option<&'static str>],
) {
    builder
        .help(help)
        .set_signature(Signature::derived(R::type_name(), params));
}

/// A client-side argument as a param value.
pub fn to_param<A: Serialize + DeserializeOwned + 'static>(arg: &A) -> Result<Value, Error> {
    to_value(arg)
}

/// A client-side result value as the method's success type.
pub fn from_result<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    from_value(value)
}

/// Asserts, where the macro puts it, that `R` can be a method's result.
pub fn assert_result<R: HandlerResult>() {}
