use xmlrpc_proto::{rpc, Fault};

#[rpc]
pub trait Math {
    fn factorial(n: u32) -> Result<u64, Fault>;
}

fn main() {}
