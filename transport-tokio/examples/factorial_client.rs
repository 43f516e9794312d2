//! The classic factorial client: asks the factorial server for 0! to 20!.
//!
//! ```text
//! cargo run -p transport-tokio --example factorial_client [URL]
//! ```

use transport_tokio::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8000/RPC2".to_owned());
    let client = Client::new(&url)?;
    for n in 0..=20i64 {
        let result: i64 = client.call("factorial", (n,)).await?;
        println!("{n}! = {result}");
    }
    Ok(())
}
