//! Adapters of the transports this crate depends on. The tokio and smol
//! adapters live in their own test files.

mod std_adapter;

pub use std_adapter::StdAdapter;
