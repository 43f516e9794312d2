use xmlrpc_proto::{rpc, Fault};

#[rpc]
pub trait Greeter {
    fn greet(&self, name: &str) -> Result<String, Fault>;
}

fn main() {}
