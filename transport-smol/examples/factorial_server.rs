//! The classic XML-RPC factorial server on smol: 127.0.0.1:8000, path /RPC2.
//!
//! Run with `cargo run -p transport-smol --example factorial_server`, then
//! `cargo run -p transport-smol --example factorial_client`.

use std::sync::Arc;

use transport_smol::{block_on, Server};
use xmlrpc_proto::service::Router;
use xmlrpc_proto::Fault;

fn factorial(n: u32) -> Result<u64, Fault> {
    (1..=u64::from(n))
        .try_fold(1u64, |acc, k| acc.checked_mul(k))
        .ok_or_else(|| Fault::new(1, format!("{n}! does not fit in 64 bits")))
}

fn main() -> std::io::Result<()> {
    let mut router = Router::new();
    router
        .register("factorial", factorial)
        .help("n! for a non-negative n up to 20.");
    let server = Server::builder(Arc::new(router)).bind("127.0.0.1:8000")?;
    println!("serving on http://{}/RPC2", server.local_addr());
    block_on(server.serve())
}
