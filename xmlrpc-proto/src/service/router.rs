//! [`Router`]: method names to handlers.
//!
//! CONTRACT (implemented in the router work).

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;

use super::Context;
use crate::{MethodCall, MethodResponse};

/// Maps method names to handlers; `Send + Sync`, share it in an `Arc`.
pub struct Router {
    _todo: (),
}

/// What routing a call produced: the adapter runs it in its own way.
pub enum Dispatch {
    /// Answered already (unknown method, bad params, system methods).
    Ready(MethodResponse),
    /// A synchronous handler: run it where blocking is fine
    /// (`spawn_blocking`, a worker thread). Panics become fault -32603.
    Blocking(BlockingCall),
    /// An asynchronous handler: poll it on the runtime. Panics become -32603.
    Async(AsyncCall),
}

/// A synchronous handler bound to its arguments.
pub struct BlockingCall {
    _todo: (),
}

impl BlockingCall {
    /// Runs the handler.
    pub fn run(self) -> MethodResponse {
        todo!("router")
    }
}

/// An asynchronous handler's future.
pub type AsyncCall = Pin<Box<dyn Future<Output = MethodResponse> + Send + 'static>>;

impl Router {
    /// An empty router with the system methods on.
    pub fn new() -> Self {
        todo!("router")
    }

    /// Routes `call`.
    pub fn dispatch(&self, call: MethodCall, ctx: Context) -> Dispatch {
        let _ = (call, ctx);
        todo!("router")
    }

    /// Bytes in, bytes out: decodes a request body, routes it, runs
    /// synchronous handlers inline, and returns the encoded response body.
    /// Async handlers need [`Router::handle_body_async`].
    pub fn handle_body(&self, body: &[u8], ctx: Context) -> Bytes {
        let _ = (body, ctx);
        todo!("router")
    }

    /// Bytes in, bytes out, for any handler.
    pub async fn handle_body_async(&self, body: &[u8], ctx: Context) -> Bytes {
        let _ = (body, ctx);
        todo!("router")
    }
}

impl Default for Router {
    fn default() -> Self {
        Router::new()
    }
}
