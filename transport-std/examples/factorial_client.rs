//! Calls the factorial server (start `factorial_server` first).
//!
//! Run: `cargo run -p transport-std --example factorial_client`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = transport_std::Client::new("http://127.0.0.1:8000/RPC2")?;
    for n in [0, 5, 10, 20] {
        let result: i64 = client.call("factorial", (n,))?;
        println!("factorial({n}) = {result}");
    }
    match client.call::<i64>("factorial", (21,)) {
        Err(transport_std::Error::Fault(fault)) => println!("factorial(21): {fault}"),
        other => println!("factorial(21): {other:?}"),
    }
    Ok(())
}
