//! The HTTP machines end to end: a client and a server wired in memory with
//! simulated time (`Pair`), and raw bytes against either side. Every test
//! runs with input delivered whole and byte by byte. The tests live in
//! `tests/http/`, one file per area.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

#[path = "http/mod.rs"]
mod harness;

#[path = "http/bodies.rs"]
mod bodies;
#[path = "http/client.rs"]
mod client;
#[path = "http/client_hooks.rs"]
mod client_hooks;
#[path = "http/connection.rs"]
mod connection;
#[path = "http/overload.rs"]
mod overload;
#[path = "http/policy.rs"]
mod policy;
#[path = "http/statuses.rs"]
mod statuses;

pub(crate) use std::io::Write;
pub(crate) use std::time::Duration;

pub(crate) use harness::*;
pub(crate) use xmlrpc_proto::client::ClientError;
pub(crate) use xmlrpc_proto::http::{ClientEvent, ServerConfig};
pub(crate) use xmlrpc_proto::{fault_code, Limits, MethodCall, MethodResponse, Value};

pub(crate) fn echo(n: i32) -> MethodCall {
    MethodCall::new("echo", vec![Value::Int(n)])
}

pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("in memory");
    enc.finish().expect("in memory")
}

pub(crate) fn raw(input: &str, split: usize) -> ServerRun {
    serve_raw(
        ServerConfig::default(),
        input.as_bytes(),
        split,
        false,
        &mut echo_router(),
    )
}
