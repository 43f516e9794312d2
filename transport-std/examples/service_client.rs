//! The classic factorial client through the typed stub `#[rpc]` generates:
//! `math.factorial(n)?` is the remote call.
//!
//! Run: `cargo run -p transport-std --example service_client [URL]` (URL
//! defaults to http://127.0.0.1:8000/RPC2) against `service_server`.

use xmlrpc_proto::{rpc, Fault};

/// The service as the server declares it: the client needs only the trait.
#[rpc]
pub trait Factorial {
    /// n! for 0 <= n <= 20; other n is fault -32602.
    fn factorial(&self, n: i32) -> Result<i64, Fault>;
}

fn main() -> Result<(), transport_std::Error> {
    let url = std::env::args().nth(1);
    let url = url.as_deref().unwrap_or("http://127.0.0.1:8000/RPC2");
    let math = FactorialClient(transport_std::Client::new(url)?);
    for n in 0..=20 {
        println!("factorial({n}) = {}", math.factorial(n)?);
    }
    Ok(())
}
