//! The router: method names to handlers, introspection and multicall.
//!
//! A [`Router`] maps names to handlers of four kinds, each registered with a
//! `register*` method that returns a [`MethodBuilder`] for help text and
//! signatures:
//!
//! | registered with | handler shape |
//! |---|---|
//! | [`Router::register`] | `Fn(A1, .., An) -> Result<T, E>`, 0 to 8 typed args |
//! | [`Router::register_blocking`] | the same, for a handler that may block |
//! | [`Router::register_with_context`] | `Fn(&Context, A1, .., An) -> Result<T, E>` |
//! | [`Router::register_async`] | `Fn(A1, .., An) -> impl Future<Output = Result<T, E>>` |
//! | [`Router::register_async_with_context`] | `Fn(Context, A1, .., An) -> impl Future<..>` |
//! | [`Router::register_raw`] (and `_with_context`, `_async`) | `Fn(Vec<Value>) -> Result<Value, E>` |
//!
//! Synchronous handlers run inline, while the call is routed, on the
//! connection's own task or thread: they must be cheap. One that may block
//! (sleeps, I/O, long computations) is registered with
//! [`Router::register_blocking`] or marked with [`MethodBuilder::blocking`];
//! routing hands it to the adapter as [`Dispatch::Blocking`], which the async
//! servers run on their blocking pool, so **a slow handler never blocks other
//! connections** holds for handlers marked blocking.
//!
//! Arguments are `DeserializeOwned`, results `Serialize`, errors
//! `Into<Fault>`; a `Value` argument or result is passed through as is.
//! Typed handlers take exactly their number of params, except that trailing
//! `Option` arguments may be left off (they read `None`), as in
//! [`from_params`](crate::serde::from_params).
//!
//! | what went wrong | fault |
//! |---|---|
//! | no such method (or a switched-off system method) | -32601 |
//! | wrong number or types of params | -32602, naming the param: `params[1]: ...` |
//! | the handler panicked, or its result cannot be encoded | -32603 |
//! | the request body does not decode | the decoder's code (-32700, -32600, ...) |
//! | a malformed or nested `system.multicall` entry | -32600, for that entry only |
//! | more than `max_multicall_entries` calls in one multicall | -32600 |
//! | the handler returned an error | its own code |
//!
//! ```
//! use xmlrpc_proto::service::{Context, Dispatch, Router};
//! use xmlrpc_proto::{Fault, MethodCall, MethodResponse, Value};
//!
//! let mut router = Router::new();
//! router
//!     .register_with_context("greet", |ctx: &Context| -> Result<String, Fault> {
//!         Ok(format!("hello {}", ctx.user.as_deref().unwrap_or("stranger")))
//!     })
//!     .help("Greets the authenticated user.");
//! router.register_raw("count", |params: Vec<Value>| -> Result<Value, Fault> {
//!     Ok(Value::Int(params.len() as i32))
//! });
//! router
//!     .register_raw("slow_count", |params: Vec<Value>| -> Result<Value, Fault> {
//!         std::thread::sleep(std::time::Duration::from_millis(1)); // blocks: mark it
//!         Ok(Value::Int(params.len() as i32))
//!     })
//!     .blocking();
//!
//! // An adapter routes a decoded call and runs what comes back its own way.
//! // `count` ran inline while routing; `slow_count` is the adapter's to run.
//! for method in ["count", "slow_count"] {
//!     let call = MethodCall::new(method, vec![Value::Nil, Value::Nil]);
//!     let response = match router.dispatch(call, Context::default()) {
//!         Dispatch::Ready(response) => response,
//!         Dispatch::Blocking(call) => call.run(), // on a worker thread, say
//!         Dispatch::Async(_) | Dispatch::Multicall(_) => unreachable!("not for these"),
//!     };
//!     assert_eq!(response, MethodResponse::Success(Value::Int(2)));
//! }
//! ```

mod args;
mod async_handler;
mod batch;
mod capabilities;
mod context;
mod docs_page;
mod handler;
mod introspection;
#[doc(hidden)]
pub mod macro_support;
mod panic;
mod params;
mod registry;
mod router;
mod services;
mod signature;
mod system;

pub use async_handler::{AsyncContextHandler, AsyncHandler};
pub use batch::{Multicall, MulticallAnswer};
pub use capabilities::Capability;
pub use context::Context;
pub use docs_page::MethodDoc;
pub use handler::{ContextHandler, Handler, HandlerResult};
pub use registry::MethodBuilder;
pub use router::{AsyncCall, BlockingCall, Dispatch, Router};
pub use services::Service;
pub use signature::Signature;
pub use system::SystemMethods;
