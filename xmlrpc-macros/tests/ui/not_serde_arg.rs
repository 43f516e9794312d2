use xmlrpc_proto::{rpc, Fault};

pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[rpc]
pub trait Geometry {
    fn norm(&self, p: Point) -> Result<f64, Fault>;
}

fn main() {}
