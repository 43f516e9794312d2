use xmlrpc_proto::{rpc, Fault};

pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[rpc]
pub trait Geometry {
    fn origin(&self) -> Result<Point, Fault>;
}

fn main() {}
