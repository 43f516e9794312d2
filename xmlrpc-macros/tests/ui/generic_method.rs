use xmlrpc_proto::{rpc, Fault};

#[rpc]
pub trait Store {
    fn put<T: serde::Serialize>(&self, value: T) -> Result<(), Fault>;
}

fn main() {}
