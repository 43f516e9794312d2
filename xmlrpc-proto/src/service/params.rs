//! Checking the params of built-in methods, with faults that name them.

use crate::{fault_code, Fault, Value};

/// Fault -32602 for `method` saying what was wrong with its params.
pub(crate) fn invalid_params(method: &str, message: impl std::fmt::Display) -> Fault {
    Fault::new(fault_code::INVALID_PARAMS, format!("{method}: {message}"))
}

/// Fails unless `params` is empty.
pub(crate) fn expect_none(method: &str, params: &[Value]) -> Result<(), Fault> {
    match params.len() {
        0 => Ok(()),
        n => Err(invalid_params(
            method,
            format_args!("params[0]: unexpected (expected 0 parameters, found {n})"),
        )),
    }
}

/// The single parameter of `method`, which must be there alone.
pub(crate) fn expect_one(method: &str, params: Vec<Value>) -> Result<Value, Fault> {
    let n = params.len();
    let mut params = params.into_iter();
    match (params.next(), n) {
        (Some(value), 1) => Ok(value),
        (None, _) => Err(invalid_params(
            method,
            "params[0]: missing (expected 1 parameter, found 0)",
        )),
        (Some(_), n) => Err(invalid_params(
            method,
            format_args!("params[1]: unexpected (expected 1 parameter, found {n})"),
        )),
    }
}

/// The single string parameter of `method`.
pub(crate) fn expect_string(method: &str, params: Vec<Value>) -> Result<String, Fault> {
    match expect_one(method, params)? {
        Value::String(s) => Ok(s),
        other => Err(invalid_params(
            method,
            format_args!("params[0]: expected string, found {}", other.type_name()),
        )),
    }
}
