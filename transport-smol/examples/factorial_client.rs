//! The classic XML-RPC factorial client on smol (start factorial_server first).

use transport_smol::{block_on, Client, Error};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    block_on(async {
        let client = Client::new("http://127.0.0.1:8000/RPC2")?;
        for n in [0u32, 5, 10, 20] {
            let result: u64 = client.call("factorial", (n,)).await?;
            println!("{n}! = {result}");
        }
        match client.call::<u64>("factorial", (21u32,)).await {
            Err(Error::Fault(fault)) => println!("21! -> {fault}"),
            other => println!("21! -> unexpected {other:?}"),
        }
        Ok(())
    })
}
