//! Packing calls into `system.multicall` and reading its per-entry answers.

use xmlrpc_proto::http::CallError;
use xmlrpc_proto::{Fault, MethodCall, Struct, Value};

use crate::Error;

/// The single param of `system.multicall`: `[{methodName, params}, ...]`.
pub(crate) fn pack(calls: Vec<MethodCall>) -> Value {
    let entries = calls.into_iter().map(|call| {
        let mut entry = Struct::with_capacity(2);
        entry.push("methodName", Value::String(call.method));
        entry.push("params", Value::Array(call.params.into()));
        Value::Struct(entry)
    });
    Value::Array(entries.collect())
}

/// Reads the answer: `[result]` is a success, a `{faultCode, faultString}`
/// struct is that entry's fault. Anything else, or a count that differs
/// from `expected`, is a protocol error naming the entry.
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
        .map(|(i, entry)| {
            unpack_entry(entry)
                .ok_or_else(|| bad(format!("entry {i} is neither [result] nor a fault")))
        })
        .collect()
}

fn unpack_entry(entry: Value) -> Option<Result<Value, Fault>> {
    match entry {
        Value::Array(one) if one.len() == 1 => one.into_vec().pop().map(Ok),
        Value::Struct(fault) => {
            let code = match fault.get("faultCode")? {
                Value::Int(code) => *code,
                _ => return None,
            };
            let message = fault.get("faultString")?.as_str()?.to_string();
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
    fn packs_each_call_as_a_struct() {
        let packed = pack(vec![MethodCall::new("a", vec![Value::Int(1)])]);
        let entry = packed
            .as_array()
            .and_then(|a| a.first())
            .and_then(Value::as_struct);
        let entry = entry.expect("one struct entry");
        assert_eq!(entry.get("methodName"), Some(&Value::String("a".into())));
        assert_eq!(
            entry.get("params"),
            Some(&Value::Array(vec![Value::Int(1)].into()))
        );
    }

    #[test]
    fn unpacks_results_and_faults_in_order() {
        let mut fault = Struct::new();
        fault.push("faultCode", Value::Int(-32601));
        fault.push("faultString", Value::String("nope".into()));
        let answer = Value::Array(
            vec![
                Value::Array(vec![Value::Int(7)].into()),
                Value::Struct(fault),
            ]
            .into(),
        );
        let results = unpack(answer, 2).expect("well-formed answer");
        assert_eq!(results[0], Ok(Value::Int(7)));
        assert_eq!(results[1], Err(Fault::new(-32601, "nope")));
    }

    #[test]
    fn refuses_malformed_answers() {
        assert!(unpack(Value::Int(1), 1).is_err());
        let two = Value::Array(vec![Value::Array(vec![Value::Nil, Value::Nil].into())].into());
        assert!(unpack(two, 1).is_err());
        let short = Value::Array(Vec::new().into());
        assert!(unpack(short, 1).is_err());
        let no_string = {
            let mut s = Struct::new();
            s.push("faultCode", Value::Int(1));
            Value::Array(vec![Value::Struct(s)].into())
        };
        assert!(unpack(no_string, 1).is_err());
    }
}
