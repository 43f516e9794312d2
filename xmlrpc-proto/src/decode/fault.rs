//! Reading a `<fault>`: its value must be a struct with an int `faultCode`
//! and a string `faultString` (SPEC rule 4).

use super::error::{DecodeErrorKind, Fail};
use crate::{Fault, Value};

fn structure(at: usize, msg: &'static str) -> Fail {
    Fail::new(DecodeErrorKind::Structure, at, msg)
}

/// The fault in a `<fault>`'s value (SPEC rule 4): `faultCode` int and
/// `faultString` string in either order; other members are ignored.
pub(crate) fn fault_from(value: Value, at: usize) -> Result<Fault, Fail> {
    let Value::Struct(s) = value else {
        return Err(structure(at, "<fault> value is not a <struct>"));
    };
    let code = match s.get("faultCode") {
        Some(Value::Int(code)) => *code,
        Some(Value::I8(code)) => {
            i32::try_from(*code).map_err(|_| structure(at, "faultCode out of 32-bit range"))?
        }
        _ => return Err(structure(at, "<fault> without an int faultCode")),
    };
    let message = match s.get("faultString") {
        Some(Value::String(m)) => m.clone(),
        _ => return Err(structure(at, "<fault> without a string faultString")),
    };
    Ok(Fault::new(code, message))
}
