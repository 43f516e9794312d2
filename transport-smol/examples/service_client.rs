//! The classic factorial client on smol through the typed stub `#[rpc]`
//! generates: `math.factorial(n).await?` is the remote call.
//!
//! Run: `cargo run -p transport-smol --example service_client [URL]` (URL
//! defaults to http://127.0.0.1:8000/RPC2) against `service_server`.

use transport_smol::xmlrpc_proto::{rpc, Fault};
use transport_smol::{block_on, Client, Error};

/// The service as the server declares it: the client needs only the trait.
#[rpc(crate = "transport_smol::xmlrpc_proto")]
pub trait Factorial {
    /// n! for 0 <= n <= 20; other n is fault -32602.
    async fn factorial(&self, n: i32) -> Result<i64, Fault>;
}

fn main() -> Result<(), Error> {
    let url = std::env::args().nth(1);
    let url = url.as_deref().unwrap_or("http://127.0.0.1:8000/RPC2");
    block_on(async {
        let math = FactorialAsyncClient(Client::new(url)?);
        for n in 0..=20 {
            println!("factorial({n}) = {}", math.factorial(n).await?);
        }
        Ok(())
    })
}
