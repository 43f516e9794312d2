use xmlrpc_proto::{rpc, Fault};

#[rpc]
pub trait Counter {
    fn bump(&mut self) -> Result<u64, Fault>;
}

fn main() {}
