use xmlrpc_proto::{rpc, Fault};

#[rpc]
pub trait Files {
    #[rpc(blocking)]
    async fn read(&self, n: u32) -> Result<u64, Fault>;
}

fn main() {}
