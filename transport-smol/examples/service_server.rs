//! The classic factorial server on smol, declared as a trait with `#[rpc]`.
//!
//! Run: `cargo run -p transport-smol --example service_server [ADDR]` (ADDR
//! defaults to 127.0.0.1:8000); then `service_client`, or any XML-RPC client.

use std::sync::Arc;

use transport_smol::xmlrpc_proto::service::Router;
use transport_smol::xmlrpc_proto::{fault_code, rpc, Fault};
use transport_smol::{block_on, Server};

/// The service: one trait, served here and called by `service_client`.
#[rpc(crate = "transport_smol::xmlrpc_proto")]
pub trait Factorial {
    /// n! for 0 <= n <= 20; other n is fault -32602.
    async fn factorial(&self, n: i32) -> Result<i64, Fault>;
}

struct Calculator;

impl Factorial for Calculator {
    async fn factorial(&self, n: i32) -> Result<i64, Fault> {
        if !(0..=20).contains(&n) {
            return Err(Fault::new(fault_code::INVALID_PARAMS, "n must be 0..=20"));
        }
        Ok((1..=i64::from(n)).product())
    }
}

fn main() -> std::io::Result<()> {
    let mut router = Router::new();
    router.add_service(FactorialServer::new(Calculator));
    let addr = std::env::args().nth(1);
    let addr = addr.as_deref().unwrap_or("127.0.0.1:8000");
    let server = Server::builder(Arc::new(router)).bind(addr)?;
    println!("listening on http://{}/RPC2", server.local_addr());
    block_on(server.serve())
}
