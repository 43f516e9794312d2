//! The router: method names to handlers, introspection and multicall.
//!
//! See [`Router`] for registering handlers and serving calls.

mod async_handler;
mod capabilities;
mod context;
mod handler;
mod introspection;
mod multicall;
mod panic;
mod params;
mod registry;
mod router;
mod signature;
mod system;

pub use async_handler::{AsyncContextHandler, AsyncHandler};
pub use capabilities::Capability;
pub use context::Context;
pub use handler::{ContextHandler, Handler, HandlerResult};
pub use registry::MethodBuilder;
pub use router::{AsyncCall, BlockingCall, Dispatch, Router};
pub use signature::Signature;
pub use system::SystemMethods;
