//! The classic factorial server on 127.0.0.1:8000, path /RPC2.
//!
//! Run: `cargo run -p transport-std --example factorial_server [ADDR]`
//! (ADDR defaults to 127.0.0.1:8000).

use std::sync::Arc;

use transport_std::xmlrpc_proto::service::Router;
use transport_std::xmlrpc_proto::{fault_code, Fault};
use transport_std::Server;

fn main() -> std::io::Result<()> {
    let mut router = Router::new();
    router
        .register("factorial", |n: i64| {
            if !(0..=20).contains(&n) {
                return Err(Fault::new(fault_code::INVALID_PARAMS, "n must be 0..=20"));
            }
            Ok((1..=n).product::<i64>())
        })
        .help("n! for 0 <= n <= 20.");
    let addr = std::env::args().nth(1);
    let addr = addr.as_deref().unwrap_or("127.0.0.1:8000");
    let server = Server::builder(Arc::new(router)).bind(addr)?;
    println!("serving on http://{}/RPC2", server.local_addr());
    server.serve()
}
