use xmlrpc_proto::{rpc, Fault};

#[rpc]
pub trait Math {
    fn factorial(&self, n: u32) -> u64;
    fn ok(&self) -> Result<(), Fault>;
}

fn main() {}
