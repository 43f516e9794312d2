//! [`CallBlocking`] and [`CallAsync`]: what a transport's client offers the
//! typed stubs that `#[rpc]` generates.
//!
//! A stub only needs "call this method with these values and give me the
//! result value"; these traits say exactly that, once blocking and once
//! async, so the core names no transport and no runtime. `transport-std`'s
//! `Client` implements [`CallBlocking`]; the async clients of
//! `transport-tokio` and `transport-smol` implement [`CallAsync`]. Anything
//! else that can carry a call (a test double, another HTTP stack) can
//! implement them too. A [`Router`] implements both: a stub over a router
//! calls it in the same process, through the whole codec (encode, route,
//! decode), as a test or an embedded service would.

use std::future::Future;
use std::sync::Arc;

use bytes::BytesMut;

use super::ClientError;
use crate::service::{Context, Router};
use crate::{decode_response, encode_call, MethodCall, MethodResponse, Value};

/// A client that makes one call and blocks until its answer.
pub trait CallBlocking {
    /// What a call fails with. A fault answer must be reported as an error
    /// too (the transports' `ClientError::Fault`); conversion errors of the
    /// typed params and result arrive through `From`.
    type Error: From<crate::serde::Error>;

    /// Calls `method` with `params`; the result value, or the error.
    fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, Self::Error>;
}

/// A client whose calls are futures; the futures must be `Send`, so a stub
/// call can be spawned on a multi-threaded runtime.
pub trait CallAsync {
    /// What a call fails with; as for [`CallBlocking::Error`].
    type Error: From<crate::serde::Error>;

    /// Calls `method` with `params`; resolves to the result value or the
    /// error.
    fn call_value(
        &self,
        method: &str,
        params: Vec<Value>,
    ) -> impl Future<Output = Result<Value, Self::Error>> + Send;
}

impl<C: CallBlocking + ?Sized> CallBlocking for &C {
    type Error = C::Error;

    fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, Self::Error> {
        (**self).call_value(method, params)
    }
}

impl<C: CallBlocking + ?Sized> CallBlocking for Arc<C> {
    type Error = C::Error;

    fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, Self::Error> {
        (**self).call_value(method, params)
    }
}

impl<C: CallAsync + Sync + ?Sized> CallAsync for &C {
    type Error = C::Error;

    fn call_value(
        &self,
        method: &str,
        params: Vec<Value>,
    ) -> impl Future<Output = Result<Value, Self::Error>> + Send {
        (**self).call_value(method, params)
    }
}

/// Encodes the call, lets the router answer it with a default [`Context`],
/// and decodes the answer: the bytes a server would see. An async method
/// needs [`CallAsync`] (here it is polled once and, if not done at once,
/// answered with fault -32603).
impl CallBlocking for Router {
    type Error = ClientError;

    fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, ClientError> {
        let body = encode(method, params)?;
        answer(&self.handle_body(&body, Context::default()))
    }
}

/// As for [`CallBlocking`], with async methods awaited.
impl CallAsync for Router {
    type Error = ClientError;

    fn call_value(
        &self,
        method: &str,
        params: Vec<Value>,
    ) -> impl Future<Output = Result<Value, ClientError>> + Send {
        let body = encode(method, params);
        async move { answer(&self.handle_body_async(&body?, Context::default()).await) }
    }
}

fn encode(method: &str, params: Vec<Value>) -> Result<BytesMut, ClientError> {
    let mut body = BytesMut::new();
    encode_call(&MethodCall::new(method, params), &mut body)?;
    Ok(body)
}

fn answer(body: &[u8]) -> Result<Value, ClientError> {
    match decode_response(body) {
        Ok(MethodResponse::Success(value)) => Ok(value),
        Ok(MethodResponse::Fault(fault)) => Err(ClientError::Fault(fault)),
        Err(e) => Err(ClientError::Decode(e)),
    }
}
