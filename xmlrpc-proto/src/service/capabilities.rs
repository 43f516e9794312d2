//! `system.getCapabilities` (SPEC rule 24): the specifications this server
//! follows, per the xmlrpc-epi capabilities convention.

use super::params::expect_none;
use super::system::{System, SystemMethods};
use crate::{Fault, Struct, Value};

/// One entry of `system.getCapabilities`: a specification and its version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capability {
    /// The key, e.g. `nil`.
    pub name: String,
    /// `specUrl`: where the specification lives.
    pub spec_url: String,
    /// `specVersion`: the version (often a date as `YYYYMMDD`).
    pub spec_version: i32,
}

impl Capability {
    /// A capability `name` following `spec_url` at `spec_version`.
    pub fn new(name: impl Into<String>, spec_url: impl Into<String>, spec_version: i32) -> Self {
        Capability {
            name: name.into(),
            spec_url: spec_url.into(),
            spec_version,
        }
    }

    fn to_value(&self) -> Value {
        let mut s = Struct::with_capacity(2);
        s.push("specUrl", Value::String(self.spec_url.clone()));
        s.push("specVersion", Value::Int(self.spec_version));
        Value::Struct(s)
    }
}

/// The capabilities the router itself provides, given which system methods
/// are on.
fn built_in(system: &SystemMethods) -> impl Iterator<Item = Capability> {
    let table: [(&str, &str, i32, bool); 5] = [
        ("xmlrpc", "http://www.xmlrpc.com/spec", 1, true),
        (
            "system.multicall",
            "https://mirrors.talideon.com/articles/multicall.html",
            1,
            system.multicall,
        ),
        (
            "introspect",
            "http://xmlrpc-c.sourceforge.net/introspection.html",
            1,
            system.introspection(),
        ),
        (
            "nil",
            "http://www.ontosys.com/xml-rpc/extensions.php",
            20010516,
            true,
        ),
        (
            "faults_interop",
            "http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php",
            20010516,
            true,
        ),
    ];
    table
        .into_iter()
        .filter(|(_, _, _, on)| *on)
        .map(|(name, url, version, _)| Capability::new(name, url, version))
}

/// `system.getCapabilities()`: the built-in capabilities, then `extra`
/// (which replace built-ins of the same name).
pub(crate) fn get_capabilities(
    system: &SystemMethods,
    extra: &[Capability],
    params: Vec<Value>,
) -> Result<Value, Fault> {
    expect_none(System::GetCapabilities.name(), &params)?;
    let mut out = Struct::new();
    for capability in built_in(system).chain(extra.iter().cloned()) {
        out.insert(capability.name.clone(), capability.to_value());
    }
    Ok(Value::Struct(out))
}
