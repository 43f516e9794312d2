//! The classic XML-RPC factorial client on smol (start factorial_server first).

use transport_smol::{block_on, Client, Error};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    block_on(async {
        let client = Client::new("http://127.0.0.1:8000/RPC2")?;
        for n in [0i64, 5, 10, 20] {
            let result: i64 = client.call("factorial", (n,)).await?;
            println!("{n}! = {result}");
        }
        match client.call::<i64>("factorial", (21i64,)).await {
            Err(Error::Fault(fault)) => println!("21! -> {fault}"),
            other => println!("21! -> unexpected {other:?}"),
        }
        Ok(())
    })
}
