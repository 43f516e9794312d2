use xmlrpc_proto::{rpc, Fault};

#[rpc]
pub trait Names {
    #[rpc(name = "has space")]
    fn a(&self) -> Result<i32, Fault>;
    #[rpc(alias = "system.listMethods")]
    fn b(&self) -> Result<i32, Fault>;
    #[rpc(title = "x")]
    fn c(&self) -> Result<i32, Fault>;
}

fn main() {}
