use xmlrpc_proto::{rpc, Fault};

#[derive(Debug)]
pub struct MathError;

#[rpc]
pub trait Math {
    fn factorial(&self, n: u32) -> Result<u64, MathError>;
    fn ok(&self) -> Result<(), Fault>;
}

fn main() {}
