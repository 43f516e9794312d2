use xmlrpc_proto::{rpc, Fault};

#[rpc(namespace = "math")]
pub trait Math {
    fn add(&self, a: i32, b: i32) -> Result<i32, Fault>;
    #[rpc(name = "math.add")]
    fn plus(&self, a: i32, b: i32) -> Result<i32, Fault>;
}

fn main() {}

#[rpc]
pub trait Twice {
    #[rpc(alias = "same")]
    fn same(&self) -> Result<i32, Fault>;
}
