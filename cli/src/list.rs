//! `xrpc list`: introspection, printed one method per line.

use std::fmt::Write;

use xmlrpc_proto::{MethodCall, MethodResponse, Value};

use crate::caller::Caller;
use crate::Failure;

/// Lists every method with its signatures, then its help indented.
pub fn list(caller: &Caller) -> Result<String, Failure> {
    let methods = match call(caller, "system.listMethods", vec![])? {
        Ok(Value::Array(names)) => names.into_vec(),
        Ok(other) => {
            return Err(Failure::Other(format!(
                "system.listMethods returned {}, not an array",
                other.type_name()
            )))
        }
        Err(fault) => {
            return Err(Failure::Other(format!(
                "the server does not support introspection (system.listMethods: fault {}: {})",
                fault.code, fault.message
            )))
        }
    };
    let mut out = String::new();
    for method in methods {
        let Value::String(name) = method else {
            return Err(Failure::Other(
                "system.listMethods returned a non-string name".into(),
            ));
        };
        let signatures = call(
            caller,
            "system.methodSignature",
            vec![Value::String(name.clone())],
        )?;
        let help = call(
            caller,
            "system.methodHelp",
            vec![Value::String(name.clone())],
        )?;
        writeln!(out, "{name} {}", describe_signatures(signatures.ok())).unwrap_or_default();
        if let Ok(Value::String(help)) = help {
            for line in help.lines().filter(|l| !l.trim().is_empty()) {
                writeln!(out, "    {}", line.trim_end()).unwrap_or_default();
            }
        }
    }
    Ok(out)
}

fn call(
    caller: &Caller,
    method: &str,
    params: Vec<Value>,
) -> Result<Result<Value, xmlrpc_proto::Fault>, Failure> {
    let (response, _) = caller
        .call(&MethodCall::new(method, params))
        .map_err(Failure::from_client)?;
    Ok(match response {
        MethodResponse::Success(v) => Ok(v),
        MethodResponse::Fault(f) => Err(f),
    })
}

/// `(int, string) -> int | () -> nil`, or `(signature unknown)`.
fn describe_signatures(signatures: Option<Value>) -> String {
    let Some(Value::Array(signatures)) = signatures else {
        return "(signature unknown)".into();
    };
    let described: Vec<String> = signatures
        .iter()
        .filter_map(|sig| {
            let types: Vec<&str> = sig.as_array()?.iter().filter_map(Value::as_str).collect();
            let (ret, params) = types.split_first()?;
            Some(format!("({}) -> {ret}", params.join(", ")))
        })
        .collect();
    if described.is_empty() {
        "(signature unknown)".into()
    } else {
        described.join(" | ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_described() {
        let sig = |types: &[&str]| Value::Array(types.iter().map(|t| Value::from(*t)).collect());
        let two =
            Value::Array(vec![sig(&["int", "int"]), sig(&["string", "string", "array"])].into());
        assert_eq!(
            describe_signatures(Some(two)),
            "(int) -> int | (string, array) -> string"
        );
        assert_eq!(
            describe_signatures(Some(Value::from("undef"))),
            "(signature unknown)"
        );
        assert_eq!(describe_signatures(None), "(signature unknown)");
    }
}
