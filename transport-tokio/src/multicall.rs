//! `system.multicall` on the client side: many calls packed into one request,
//! the answer unpacked into one result per call (SPEC rule 23).

use xmlrpc_proto::http::CallError;
use xmlrpc_proto::{Fault, MethodCall, Struct, Value};

use crate::Error;

/// Packs `calls` into one `system.multicall` call.
pub(crate) fn pack(calls: Vec<MethodCall>) -> MethodCall {
    let entries = calls
        .into_iter()
        .map(|call| {
            let mut entry = Struct::with_capacity(2);
            entry.push("methodName", Value::String(call.method));
            entry.push("params", Value::Array(call.params.into()));
            Value::Struct(entry)
        })
        .collect();
    MethodCall::new("system.multicall", vec![Value::Array(entries)])
}

/// Unpacks the answer to a multicall of `expected` calls: `[result]` is a
/// success, a `{faultCode, faultString}` struct that entry's fault.
/// Anything else, or a count other than `expected`, is a protocol error
/// naming the entry (as in transport-std, so the transports agree).
pub(crate) fn unpack(result: Value, expected: usize) -> Result<Vec<Result<Value, Fault>>, Error> {
    let entries = match result {
        Value::Array(entries) => entries.into_vec(),
        other => return Err(bad(format!("expected an array, got {}", other.type_name()))),
    };
    if entries.len() != expected {
        return Err(bad(format!(
            "{} answers for {expected} calls",
            entries.len()
        )));
    }
    entries
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            entry(value).ok_or_else(|| bad(format!("entry {i} is neither [result] nor a fault")))
        })
        .collect()
}

fn entry(value: Value) -> Option<Result<Value, Fault>> {
    match value {
        Value::Array(one) if one.len() == 1 => one.into_vec().pop().map(Ok),
        Value::Struct(fault) => {
            let code = match fault.get("faultCode")? {
                Value::Int(code) => *code,
                _ => return None,
            };
            let message = fault.get("faultString")?.as_str()?;
            Some(Err(Fault::new(code, message)))
        }
        _ => None,
    }
}

fn bad(message: String) -> Error {
    Error::Call(CallError::Protocol(format!("system.multicall: {message}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_builds_one_struct_per_call() {
        let call = pack(vec![
            MethodCall::new("a", vec![Value::Int(1)]),
            MethodCall::new("b", vec![]),
        ]);
        assert_eq!(call.method, "system.multicall");
        let entries = call.params[0].as_array().unwrap().clone().into_vec();
        assert_eq!(entries.len(), 2);
        let first = entries[0].as_struct().unwrap();
        assert_eq!(first.get("methodName").and_then(Value::as_str), Some("a"));
        assert_eq!(
            first
                .get("params")
                .and_then(Value::as_array)
                .map(|a| a.len()),
            Some(1)
        );
    }

    #[test]
    fn unpack_tells_results_and_faults_apart() {
        let mut fault = Struct::new();
        fault.push("faultCode", Value::Int(4));
        fault.push("faultString", Value::String("no".into()));
        let answer = Value::Array(
            vec![
                Value::Array(vec![Value::Int(7)].into()),
                Value::Struct(fault),
            ]
            .into(),
        );
        let results = unpack(answer, 2).unwrap();
        assert_eq!(results[0], Ok(Value::Int(7)));
        assert_eq!(results[1], Err(Fault::new(4, "no")));
    }

    #[test]
    fn unpack_names_a_malformed_entry() {
        let answer = Value::Array(vec![Value::Array(vec![].into()), Value::Int(3)].into());
        match unpack(answer, 2) {
            Err(Error::Call(CallError::Protocol(message))) => {
                assert!(message.contains("entry 0"), "{message}")
            }
            other => panic!("expected a protocol error, got {other:?}"),
        }
    }

    #[test]
    fn unpack_refuses_a_wrong_count_or_shape() {
        assert!(unpack(Value::Array(vec![].into()), 1).is_err());
        assert!(unpack(Value::Int(1), 0).is_err());
    }
}
