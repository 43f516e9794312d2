//! `system.listMethods`, `system.methodHelp` and `system.methodSignature`
//! (SPEC rules 20-22).

use super::params::{expect_none, expect_string};
use super::registry::Registry;
use super::system::{System, SystemMethods};
use crate::{fault_code, Array, Fault, Value};

/// `system.listMethods()`: every registered and enabled system method name,
/// sorted.
pub(crate) fn list_methods(
    registry: &Registry,
    system: &SystemMethods,
    params: Vec<Value>,
) -> Result<Value, Fault> {
    expect_none(System::ListMethods.name(), &params)?;
    let mut names: Vec<&str> = registry.names().collect();
    names.extend(
        System::ALL
            .into_iter()
            .filter(|s| system.enabled(*s))
            .map(|s| s.name()),
    );
    names.sort_unstable();
    names.dedup();
    Ok(Value::Array(
        names
            .into_iter()
            .map(|n| Value::String(n.to_owned()))
            .collect::<Array>(),
    ))
}

/// `system.methodHelp(name)`: the help text, `""` when none; an unknown name
/// is fault -32601.
pub(crate) fn method_help(
    registry: &Registry,
    system: &SystemMethods,
    params: Vec<Value>,
) -> Result<Value, Fault> {
    let name = expect_string(System::MethodHelp.name(), params)?;
    if let Some(s) = system.lookup(&name) {
        return Ok(Value::String(s.help().to_owned()));
    }
    match registry.get(&name) {
        Some(method) => Ok(Value::String(method.help.clone())),
        None => Err(unknown_method(&name)),
    }
}

/// `system.methodSignature(name)`: an array of `[return, params...]` arrays,
/// or the string `undef` when unknown; an unknown name is fault -32601.
pub(crate) fn method_signature(
    registry: &Registry,
    system: &SystemMethods,
    params: Vec<Value>,
) -> Result<Value, Fault> {
    let name = expect_string(System::MethodSignature.name(), params)?;
    if let Some(s) = system.lookup(&name) {
        return Ok(Value::Array(Array::from(vec![s.signature().to_value()])));
    }
    let method = registry.get(&name).ok_or_else(|| unknown_method(&name))?;
    Ok(match &method.signatures {
        Some(signatures) => {
            Value::Array(signatures.iter().map(|s| s.to_value()).collect::<Array>())
        }
        None => Value::String("undef".to_owned()),
    })
}

/// Fault -32601 for `name`.
pub(crate) fn unknown_method(name: &str) -> Fault {
    Fault::new(
        fault_code::METHOD_NOT_FOUND,
        format!("method not found: {}", excerpt(name)),
    )
}

/// At most 64 characters of a caller-supplied name, for messages.
pub(crate) fn excerpt(name: &str) -> &str {
    match name.char_indices().nth(64) {
        Some((cut, _)) => &name[..cut],
        None => name,
    }
}
