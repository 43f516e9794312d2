//! Shared test support for the cross-crate suites.
