//! Typed asynchronous handlers: closures returning futures.
//!
//! [`AsyncHandler`] is implemented for every `Fn(A1, .., An) -> Fut` with 0
//! to 8 arguments, [`AsyncContextHandler`] for every
//! `Fn(Context, A1, .., An) -> Fut`, where `Fut` is a `Send + 'static`
//! future of `Result<T, E>` (see [`HandlerResult`]). The futures are plain
//! futures: the router depends on no runtime. Arguments are converted before
//! the future is created, with the same faults as sync handlers.

use ::serde::de::DeserializeOwned;
use std::future::Future;

use super::args::{check_arity, next_arg};
use super::handler::HandlerResult;
use super::panic::BoxFuture;
use super::signature::Signature;
use super::Context;
use crate::serde::type_name_of;
use crate::{Fault, Value};

/// An asynchronous handler taking typed arguments `Args` (a tuple).
pub trait AsyncHandler<Args>: Send + Sync + 'static {
    /// Converts the params and starts the handler.
    fn call(&self, params: Vec<Value>) -> BoxFuture<Result<Value, Fault>>;
    /// The signature derived from the Rust types.
    fn signature() -> Option<Signature>;
}

/// An asynchronous handler that also receives the per-call [`Context`]
/// (owned, since the future outlives the call): `|ctx: Context, a: A1, ..|`.
pub trait AsyncContextHandler<Args>: Send + Sync + 'static {
    /// Converts the params and starts the handler.
    fn call(&self, params: Vec<Value>, ctx: Context) -> BoxFuture<Result<Value, Fault>>;
    /// The signature derived from the Rust types (the context is not a param).
    fn signature() -> Option<Signature>;
}

/// The future of a handler whose params did not convert.
fn failed(fault: Fault) -> BoxFuture<Result<Value, Fault>> {
    Box::pin(std::future::ready(Err(fault)))
}

macro_rules! impl_async_handlers {
    ($n:expr; $($arg:ident $var:ident $idx:expr),*) => {
        impl<F, Fut, $($arg,)*> AsyncHandler<($($arg,)*)> for F
        where
            F: Fn($($arg),*) -> Fut + Send + Sync + 'static,
            Fut: Future + Send + 'static,
            Fut::Output: HandlerResult,
            $($arg: DeserializeOwned + 'static,)*
        {
            #[allow(unused_mut, unused_variables)]
            fn call(&self, params: Vec<Value>) -> BoxFuture<Result<Value, Fault>> {
                let start = || -> Result<Fut, Fault> {
                    let found = check_arity(&params, $n)?;
                    let mut params = params.into_iter();
                    $(let $var: $arg = next_arg(&mut params, $idx, $n, found)?;)*
                    Ok((self)($($var),*))
                };
                match start() {
                    Ok(future) => Box::pin(async move { future.await.into_result() }),
                    Err(fault) => failed(fault),
                }
            }

            fn signature() -> Option<Signature> {
                Signature::derived(
                    <Fut::Output as HandlerResult>::type_name(),
                    &[$(type_name_of::<$arg>()),*],
                )
            }
        }

        impl<F, Fut, $($arg,)*> AsyncContextHandler<($($arg,)*)> for F
        where
            F: Fn(Context, $($arg),*) -> Fut + Send + Sync + 'static,
            Fut: Future + Send + 'static,
            Fut::Output: HandlerResult,
            $($arg: DeserializeOwned + 'static,)*
        {
            #[allow(unused_mut, unused_variables)]
            fn call(&self, params: Vec<Value>, ctx: Context) -> BoxFuture<Result<Value, Fault>> {
                let start = || -> Result<Fut, Fault> {
                    let found = check_arity(&params, $n)?;
                    let mut params = params.into_iter();
                    $(let $var: $arg = next_arg(&mut params, $idx, $n, found)?;)*
                    Ok((self)(ctx, $($var),*))
                };
                match start() {
                    Ok(future) => Box::pin(async move { future.await.into_result() }),
                    Err(fault) => failed(fault),
                }
            }

            fn signature() -> Option<Signature> {
                Signature::derived(
                    <Fut::Output as HandlerResult>::type_name(),
                    &[$(type_name_of::<$arg>()),*],
                )
            }
        }
    };
}

impl_async_handlers!(0;);
impl_async_handlers!(1; A1 a1 0);
impl_async_handlers!(2; A1 a1 0, A2 a2 1);
impl_async_handlers!(3; A1 a1 0, A2 a2 1, A3 a3 2);
impl_async_handlers!(4; A1 a1 0, A2 a2 1, A3 a3 2, A4 a4 3);
impl_async_handlers!(5; A1 a1 0, A2 a2 1, A3 a3 2, A4 a4 3, A5 a5 4);
impl_async_handlers!(6; A1 a1 0, A2 a2 1, A3 a3 2, A4 a4 3, A5 a5 4, A6 a6 5);
impl_async_handlers!(7; A1 a1 0, A2 a2 1, A3 a3 2, A4 a4 3, A5 a5 4, A6 a6 5, A7 a7 6);
impl_async_handlers!(8; A1 a1 0, A2 a2 1, A3 a3 2, A4 a4 3, A5 a5 4, A6 a6 5, A7 a7 6, A8 a8 7);
