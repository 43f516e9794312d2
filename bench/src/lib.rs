//! Benchmark payloads shared by the bench targets.
