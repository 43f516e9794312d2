//! `system.multicall` on the client side: many calls packed into one request,
//! the answer unpacked into one result per call (SPEC rule 23).

use xmlrpc_proto::{fault_code, Fault, MethodCall, Struct, Value};

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

/// Unpacks the answer to a multicall of `expected` calls: each entry is
/// `[result]` or a fault struct. Anything else is a fault naming the entry,
/// so one odd entry never hides the others.
pub(crate) fn unpack(result: Value, expected: usize) -> Result<Vec<Result<Value, Fault>>, Fault> {
    let entries = match result {
        Value::Array(entries) => entries.into_vec(),
        other => {
            return Err(invalid(format!(
                "system.multicall answered a {}, not an array",
                other.type_name()
            )))
        }
    };
    if entries.len() != expected {
        return Err(invalid(format!(
            "system.multicall answered {} entries for {expected} calls",
            entries.len()
        )));
    }
    Ok(entries.into_iter().enumerate().map(entry).collect())
}

fn entry((index, value): (usize, Value)) -> Result<Value, Fault> {
    match value {
        Value::Array(items) => {
            let mut items = items.into_vec();
            if items.len() == 1 {
                Ok(items.remove(0))
            } else {
                Err(invalid(format!(
                    "multicall entry {index}: array of {} values, expected 1",
                    items.len()
                )))
            }
        }
        Value::Struct(fault) => {
            let code = fault.get("faultCode").and_then(Value::as_i64);
            let message = fault.get("faultString").and_then(Value::as_str);
            match (code.and_then(|c| i32::try_from(c).ok()), message) {
                (Some(code), Some(message)) => Err(Fault::new(code, message)),
                _ => Err(invalid(format!(
                    "multicall entry {index}: struct without faultCode/faultString"
                ))),
            }
        }
        other => Err(invalid(format!(
            "multicall entry {index}: {} is neither [result] nor a fault",
            other.type_name()
        ))),
    }
}

fn invalid(message: String) -> Fault {
    Fault::new(fault_code::INVALID_XMLRPC, message)
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
                Value::Int(3),
            ]
            .into(),
        );
        let results = unpack(answer, 3).unwrap();
        assert_eq!(results[0], Ok(Value::Int(7)));
        assert_eq!(results[1], Err(Fault::new(4, "no")));
        let odd = results[2].clone().unwrap_err();
        assert_eq!(odd.code, fault_code::INVALID_XMLRPC);
        assert!(odd.message.contains("entry 2"), "{}", odd.message);
    }

    #[test]
    fn unpack_refuses_a_wrong_count_or_shape() {
        assert!(unpack(Value::Array(vec![].into()), 1).is_err());
        assert!(unpack(Value::Int(1), 0).is_err());
    }
}
