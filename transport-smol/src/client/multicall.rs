//! `system.multicall` on the client side: many calls in one request.

use xmlrpc_proto::http::{CallError, ClientError};
use xmlrpc_proto::{Fault, MethodCall, Struct, Value};

/// Packs calls into one `system.multicall` call.
pub(crate) fn pack(calls: Vec<MethodCall>) -> MethodCall {
    let entries = calls
        .into_iter()
        .map(|call| {
            let mut entry = Struct::new();
            entry.push("methodName", Value::String(call.method));
            entry.push("params", Value::Array(call.params.into()));
            Value::Struct(entry)
        })
        .collect();
    MethodCall::new("system.multicall", vec![Value::Array(entries)])
}

/// Unpacks the answer: `[value]` per success, a fault struct per failure,
/// one entry per call sent.
pub(crate) fn unpack(result: Value, sent: usize) -> Result<Vec<Result<Value, Fault>>, ClientError> {
    let Value::Array(entries) = result else {
        return Err(malformed(format!(
            "multicall result is {}, not an array",
            result.type_name()
        )));
    };
    if entries.len() != sent {
        return Err(malformed(format!(
            "multicall answered {} entries for {sent} calls",
            entries.len()
        )));
    }
    entries
        .into_vec()
        .into_iter()
        .enumerate()
        .map(|(i, entry)| unpack_entry(i, entry))
        .collect()
}

fn unpack_entry(index: usize, entry: Value) -> Result<Result<Value, Fault>, ClientError> {
    match entry {
        Value::Array(values) if values.len() == 1 => {
            Ok(Ok(values.into_vec().pop().unwrap_or(Value::Nil)))
        }
        Value::Struct(members) => {
            let code = members.get("faultCode").and_then(Value::as_i64);
            let message = members.get("faultString").and_then(Value::as_str);
            match (code.and_then(|c| i32::try_from(c).ok()), message) {
                (Some(code), Some(message)) => Ok(Err(Fault::new(code, message))),
                _ => Err(malformed(format!(
                    "multicall entry {index} is a struct without faultCode/faultString"
                ))),
            }
        }
        other => Err(malformed(format!(
            "multicall entry {index} is {}, not [value] or a fault",
            other.type_name()
        ))),
    }
}

fn malformed(message: String) -> ClientError {
    ClientError::Call(CallError::Protocol(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_builds_method_name_and_params_structs() {
        let call = pack(vec![
            MethodCall::new("a", vec![Value::Int(1)]),
            MethodCall::new("b", vec![]),
        ]);
        assert_eq!(call.method, "system.multicall");
        let Some(Value::Array(entries)) = call.params.first() else {
            panic!("expected one array param, got {:?}", call.params);
        };
        assert_eq!(entries.len(), 2);
        let first = entries[0].as_struct().expect("struct entry");
        assert_eq!(first.get("methodName").and_then(Value::as_str), Some("a"));
        assert_eq!(
            first.get("params"),
            Some(&Value::Array(vec![Value::Int(1)].into()))
        );
    }

    #[test]
    fn unpack_splits_values_and_faults() {
        let mut fault = Struct::new();
        fault.push("faultCode", Value::Int(-32601));
        fault.push("faultString", Value::String("no such method".into()));
        let answer = Value::Array(
            vec![
                Value::Array(vec![Value::Int(7)].into()),
                Value::Struct(fault),
            ]
            .into(),
        );
        let got = unpack(answer, 2).expect("well formed");
        assert_eq!(got[0], Ok(Value::Int(7)));
        assert_eq!(got[1], Err(Fault::new(-32601, "no such method")));
    }

    #[test]
    fn unpack_refuses_wrong_shapes() {
        assert!(unpack(Value::Int(1), 1).is_err());
        let one = Value::Array(vec![Value::Array(vec![Value::Int(1)].into())].into());
        assert!(unpack(one.clone(), 2).is_err(), "count mismatch");
        let two_values =
            Value::Array(vec![Value::Array(vec![Value::Int(1), Value::Int(2)].into())].into());
        assert!(unpack(two_values, 1).is_err());
        let bad_struct = Value::Array(vec![Value::Struct(Struct::new())].into());
        assert!(unpack(bad_struct, 1).is_err());
        assert!(unpack(one, 1).is_ok());
    }
}
