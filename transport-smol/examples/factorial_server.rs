//! The classic XML-RPC factorial server on smol: 127.0.0.1:8000, path /RPC2.
//!
//! Run with `cargo run -p transport-smol --example factorial_server`, then
//! `cargo run -p transport-smol --example factorial_client`.

use std::sync::Arc;

use transport_smol::xmlrpc_proto::service::Router;
use transport_smol::xmlrpc_proto::{fault_code, Fault};
use transport_smol::{block_on, Server};

/// `n!` for `0 <= n <= 20` (the largest that fits 64 bits); other `n` is
/// fault -32602, as in the demo service and the other transports' examples.
fn factorial(n: i64) -> Result<i64, Fault> {
    if !(0..=20).contains(&n) {
        return Err(Fault::new(
            fault_code::INVALID_PARAMS,
            format!("params[0]: expected 0 <= n <= 20, found {n}"),
        ));
    }
    Ok((1..=n).product())
}

fn main() -> std::io::Result<()> {
    let mut router = Router::new();
    router
        .register("factorial", factorial)
        .help("n! for 0 <= n <= 20; other n is fault -32602.");
    let server = Server::builder(Arc::new(router)).bind("127.0.0.1:8000")?;
    println!("serving on http://{}/RPC2", server.local_addr());
    block_on(server.serve())
}
