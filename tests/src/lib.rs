//! Shared test support for the cross-crate suites: one adapter suite that
//! every transport runs over real loopback sockets, and interop checks
//! against Python's `xmlrpc`.
//!
//! A transport plugs in by implementing [`Adapter`] (synchronous methods;
//! async transports block on their own runtime inside) and writing, in
//! `tests/tests/adapter_<name>.rs`:
//!
//! ```ignore
//! xmlrpc_tests::adapter_suite!(MyAdapter);
//! xmlrpc_tests::interop_suite!(MyAdapter);
//! ```
//!
//! The server side always serves [`service::suite_service`]'s router.

mod adapter;
pub mod adapters;

pub mod cert;
pub mod deployments;
pub mod interop;
mod macros;
pub mod peers;
pub mod python;
pub mod raw;
pub mod service;
mod skip;
pub mod suite;
pub mod values;

pub use adapter::{
    configure, http_url, url_for, Adapter, ClientOpts, RunningServer, ServerOpts, SuiteClient,
    TlsIdentity,
};
pub use skip::{skip, REQUIRE_PEERS};
