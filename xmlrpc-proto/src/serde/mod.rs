//! `Value` <-> serde's data model: typed params and results.
