//! Adapters of the transports this crate depends on. The smol adapter
//! lives in its own test file.

mod hyper_adapter;
mod std_adapter;
mod tokio_adapter;

pub use hyper_adapter::HyperAdapter;
pub use std_adapter::StdAdapter;
pub use tokio_adapter::TokioAdapter;
