//! The classic factorial server on 127.0.0.1:8000, path /RPC2.
//! Stop it with Ctrl-C.
//!
//! ```text
//! cargo run -p transport-tokio --example factorial_server
//! ```

use std::sync::Arc;

use transport_tokio::Server;
use xmlrpc_proto::service::Router;
use xmlrpc_proto::{fault_code, Fault};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut router = Router::new();
    router
        .register("factorial", |n: i64| -> Result<i64, Fault> {
            if !(0..=20).contains(&n) {
                return Err(Fault::new(fault_code::INVALID_PARAMS, "n must be 0..=20"));
            }
            Ok((2..=n).product())
        })
        .help("factorial(n): n! for 0 <= n <= 20.");

    let server = Server::builder(Arc::new(router)).bind("127.0.0.1:8000")?;
    println!("serving on http://{}/RPC2", server.local_addr());
    let stop = server.shutdown_handle();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop.shutdown();
        }
    });
    server.serve().await
}
