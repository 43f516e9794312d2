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

/// A type a method takes as an argument: both sides convert it, so it is
/// `Serialize + DeserializeOwned`. The generated code goes through this one
/// trait, spanned at the argument's type, so a type that cannot travel is
/// reported there once for each missing serde trait.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of an XML-RPC method",
    label = "an argument must be `Serialize + DeserializeOwned`",
    note = "for your own type, add `#[derive(serde::Serialize, serde::Deserialize)]`"
)]
pub trait Param: Sized {
    /// Argument `index` of `expected` from `params` (of which there were
    /// `found`): a missing trailing `Option` reads `None`.
    fn next_arg(
        params: &mut impl Iterator<Item = Value>,
        index: usize,
        expected: usize,
        found: usize,
    ) -> Result<Self, Fault>;

    /// The XML-RPC type name, for the derived signature.
    fn type_name() -> Option<&'static str>;

    /// A client-side argument as a param value.
    fn to_param(&self) -> Result<Value, Error>;
}

impl<A: Serialize + DeserializeOwned + 'static> Param for A {
    fn next_arg(
        params: &mut impl Iterator<Item = Value>,
        index: usize,
        expected: usize,
        found: usize,
    ) -> Result<Self, Fault> {
        super::args::next_arg(params, index, expected, found)
    }

    fn type_name() -> Option<&'static str> {
        type_name_of::<A>()
    }

    fn to_param(&self) -> Result<Value, Error> {
        to_value(self)
    }
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

/// A client-side result value as the method's success type.
pub fn from_result<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    from_value(value)
}

/// Asserts, where the macro puts it, that `R` can be a method's result.
pub fn assert_result<R: HandlerResult>() {}
