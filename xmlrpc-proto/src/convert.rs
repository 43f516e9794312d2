//! `From` and `TryFrom` between Rust types and [`Value`](crate::Value).
