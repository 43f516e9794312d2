//! The classic factorial server on tokio, declared as a trait with `#[rpc]`;
//! its method is async, so it runs on the runtime, not the blocking pool.
//! Stop it with Ctrl-C.
//!
//! Run: `cargo run -p transport-tokio --example service_server [ADDR]` (ADDR
//! defaults to 127.0.0.1:8000); then `service_client`, or any XML-RPC client.

use std::sync::Arc;

use transport_tokio::Server;
use xmlrpc_proto::service::Router;
use xmlrpc_proto::{fault_code, rpc, Fault};

/// The service: one trait, served here and called by `service_client`.
#[rpc]
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

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut router = Router::new();
    router.add_service(FactorialServer::new(Calculator));
    let addr = std::env::args().nth(1);
    let addr = addr.as_deref().unwrap_or("127.0.0.1:8000");
    let server = Server::builder(Arc::new(router)).bind(addr)?;
    println!("listening on http://{}/RPC2", server.local_addr());
    let stop = server.shutdown_handle();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop.shutdown();
        }
    });
    server.serve().await
}
