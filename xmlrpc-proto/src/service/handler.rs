//! Typed synchronous handlers: plain closures with typed arguments and
//! result, converted through serde.
//!
//! [`Handler`] is implemented for every `Fn(A1, .., An) -> Result<T, E>`
//! with 0 to 8 arguments, [`ContextHandler`] for every
//! `Fn(&Context, A1, .., An) -> Result<T, E>`. Arguments are
//! `DeserializeOwned`, `T` is `Serialize`, `E` converts into a [`Fault`]
//! (keeping its code). Wrong arity or argument types are fault -32602 naming
//! the parameter; a result that cannot be represented is -32603.

use ::serde::de::DeserializeOwned;
use ::serde::Serialize;

use super::args::{check_arity, next_arg, take_as};
use super::signature::{return_type_name, Signature};
use super::Context;
use crate::serde::{to_value, type_name_of};
use crate::{fault_code, Fault, Value};

/// A handler's return value: `Result<T, E>` with `T: Serialize` and
/// `E: Into<Fault>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the result of an XML-RPC method",
    label = "expected `Result<T, E>` with `T: Serialize` and `E: Into<Fault>`",
    note = "a method returns `Result<T, E>`: `T` is sent as the result, `E` as a fault (implement `From<E> for Fault` to keep your own codes)"
)]
pub trait HandlerResult: Send + 'static {
    /// The XML-RPC result, or the fault to answer with.
    fn into_result(self) -> Result<Value, Fault>;
    /// The XML-RPC type name of the success value, when it has one.
    fn type_name() -> Option<&'static str>;
}

impl<T, E> HandlerResult for Result<T, E>
where
    T: Serialize + Send + 'static,
    E: Into<Fault> + Send + 'static,
{
    fn into_result(self) -> Result<Value, Fault> {
        let value = self.map_err(Into::into)?;
        // A handler returning `Value` skips the serde round trip.
        let mut slot = Some(value);
        if let Some(value) = take_as::<T, Value>(&mut slot) {
            return Ok(value);
        }
        let value = slot.as_ref().map(to_value).unwrap_or(Ok(Value::Nil));
        value.map_err(|e| {
            Fault::new(
                fault_code::INTERNAL_ERROR,
                format!("internal error: the result cannot be represented: {e}"),
            )
        })
    }

    fn type_name() -> Option<&'static str> {
        return_type_name::<T>()
    }
}

/// A synchronous handler taking typed arguments `Args` (a tuple).
///
/// Implemented for closures and functions; see the module docs.
pub trait Handler<Args>: Send + Sync + 'static {
    /// Runs the handler on raw params.
    fn call(&self, params: Vec<Value>) -> Result<Value, Fault>;
    /// The signature derived from the Rust types, when every type has an
    /// XML-RPC type name.
    fn signature() -> Option<Signature>;
}

/// A synchronous handler that also receives the per-call [`Context`] as its
/// first argument: `|ctx: &Context, a: A1, ..| -> Result<T, E>`.
pub trait ContextHandler<Args>: Send + Sync + 'static {
    /// Runs the handler on raw params.
    fn call(&self, params: Vec<Value>, ctx: &Context) -> Result<Value, Fault>;
    /// The signature derived from the Rust types (the context is not a param).
    fn signature() -> Option<Signature>;
}

/// Implements the handler traits for closures of one arity.
macro_rules! impl_handlers {
    ($n:expr; $($arg:ident $var:ident $idx:expr),*) => {
        impl<F, R, $($arg,)*> Handler<($($arg,)*)> for F
        where
            F: Fn($($arg),*) -> R + Send + Sync + 'static,
            R: HandlerResult,
            $($arg: DeserializeOwned + 'static,)*
        {
            #[allow(unused_mut, unused_variables)]
            fn call(&self, params: Vec<Value>) -> Result<Value, Fault> {
                let found = check_arity(&params, $n)?;
                let mut params = params.into_iter();
                $(let $var: $arg = next_arg(&mut params, $idx, $n, found)?;)*
                (self)($($var),*).into_result()
            }

            fn signature() -> Option<Signature> {
                Signature::derived(R::type_name(), &[$(type_name_of::<$arg>()),*])
            }
        }

        impl<F, R, $($arg,)*> ContextHandler<($($arg,)*)> for F
        where
            F: Fn(&Context, $($arg),*) -> R + Send + Sync + 'static,
            R: HandlerResult,
            $($arg: DeserializeOwned + 'static,)*
        {
            #[allow(unused_mut, unused_variables)]
            fn call(&self, params: Vec<Value>, ctx: &Context) -> Result<Value, Fault> {
                let found = check_arity(&params, $n)?;
                let mut params = params.into_iter();
                $(let $var: $arg = next_arg(&mut params, $idx, $n, found)?;)*
                (self)(ctx, $($var),*).into_result()
            }

            fn signature() -> Option<Signature> {
                Signature::derived(R::type_name(), &[$(type_name_of::<$arg>()),*])
            }
        }
    };
}

impl_handlers!(0;);
impl_handlers!(1; A1 a1 0);
impl_handlers!(2; A1 a1 0, A2 a2 1);
impl_handlers!(3; A1 a1 0, A2 a2 1, A3 a3 2);
impl_handlers!(4; A1 a1 0, A2 a2 1, A3 a3 2, A4 a4 3);
impl_handlers!(5; A1 a1 0, A2 a2 1, A3 a3 2, A4 a4 3, A5 a5 4);
impl_handlers!(6; A1 a1 0, A2 a2 1, A3 a3 2, A4 a4 3, A5 a5 4, A6 a6 5);
impl_handlers!(7; A1 a1 0, A2 a2 1, A3 a3 2, A4 a4 3, A5 a5 4, A6 a6 5, A7 a7 6);
impl_handlers!(8; A1 a1 0, A2 a2 1, A3 a3 2, A4 a4 3, A5 a5 4, A6 a6 5, A7 a7 6, A8 a8 7);
