//! The router: method names to handlers, introspection and multicall.

mod context;

pub use context::Context;
