//! The router: method names to handlers, introspection and multicall.

mod context;
mod router;

pub use context::Context;
pub use router::{AsyncCall, BlockingCall, Dispatch, Router};
