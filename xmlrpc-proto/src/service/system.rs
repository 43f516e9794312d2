//! The built-in `system.*` methods: which are on, their names, help and
//! signatures.

use super::signature::Signature;

/// Which built-in `system.*` methods a [`Router`](super::Router) answers, and
/// the multicall cap. [`SystemMethods::default`] turns everything on.
///
/// A switched-off method is unknown (-32601), is missing from
/// `system.listMethods`, and drops its capability from
/// `system.getCapabilities`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SystemMethods {
    /// `system.listMethods`.
    pub list_methods: bool,
    /// `system.methodHelp`.
    pub method_help: bool,
    /// `system.methodSignature`.
    pub method_signature: bool,
    /// `system.multicall`.
    pub multicall: bool,
    /// `system.getCapabilities`.
    pub get_capabilities: bool,
    /// Most calls in one `system.multicall` (default 1000); more is fault
    /// -32600 naming `max_multicall_entries`, and nothing runs.
    pub max_multicall_entries: usize,
}

impl SystemMethods {
    /// Every system method on, multicall capped at 1000 calls.
    pub const fn all() -> Self {
        SystemMethods {
            list_methods: true,
            method_help: true,
            method_signature: true,
            multicall: true,
            get_capabilities: true,
            max_multicall_entries: 1000,
        }
    }

    /// Every system method off.
    pub const fn none() -> Self {
        SystemMethods {
            list_methods: false,
            method_help: false,
            method_signature: false,
            multicall: false,
            get_capabilities: false,
            ..SystemMethods::all()
        }
    }

    /// The enabled system method called `name`.
    pub(crate) fn lookup(&self, name: &str) -> Option<System> {
        let system = System::from_name(name)?;
        self.enabled(system).then_some(system)
    }

    /// True when `system` is switched on.
    pub(crate) fn enabled(&self, system: System) -> bool {
        match system {
            System::ListMethods => self.list_methods,
            System::MethodHelp => self.method_help,
            System::MethodSignature => self.method_signature,
            System::Multicall => self.multicall,
            System::GetCapabilities => self.get_capabilities,
        }
    }

    /// True when all three introspection methods are on.
    pub(crate) fn introspection(&self) -> bool {
        self.list_methods && self.method_help && self.method_signature
    }
}

impl Default for SystemMethods {
    fn default() -> Self {
        SystemMethods::all()
    }
}

/// One built-in method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum System {
    ListMethods,
    MethodHelp,
    MethodSignature,
    Multicall,
    GetCapabilities,
}

impl System {
    /// Every built-in method.
    pub(crate) const ALL: [System; 5] = [
        System::ListMethods,
        System::MethodHelp,
        System::MethodSignature,
        System::Multicall,
        System::GetCapabilities,
    ];

    fn from_name(name: &str) -> Option<System> {
        // Cheap reject for the common case: user methods.
        if !name.starts_with("system.") {
            return None;
        }
        System::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The method name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            System::ListMethods => "system.listMethods",
            System::MethodHelp => "system.methodHelp",
            System::MethodSignature => "system.methodSignature",
            System::Multicall => "system.multicall",
            System::GetCapabilities => "system.getCapabilities",
        }
    }

    /// The `system.methodHelp` text.
    pub(crate) fn help(self) -> &'static str {
        match self {
            System::ListMethods => {
                "Returns an array of the names of every method this server offers."
            }
            System::MethodHelp => {
                "Returns the help text of the named method, or an empty string when it has none."
            }
            System::MethodSignature => {
                "Returns the signatures of the named method, each an array of type names \
                 [return, params...], or the string 'undef' when they are unknown."
            }
            System::Multicall => {
                "Runs an array of calls, each a struct {methodName, params}, in order and returns \
                 an array holding for each call either [result] or a struct \
                 {faultCode, faultString}. Calls to system.multicall inside are refused."
            }
            System::GetCapabilities => {
                "Returns a struct naming the specifications this server implements, each as \
                 {specUrl, specVersion}."
            }
        }
    }

    /// The `system.methodSignature` answer.
    pub(crate) fn signature(self) -> Signature {
        let types: &[&str] = match self {
            System::ListMethods => &["array"],
            System::MethodHelp => &["string", "string"],
            System::MethodSignature => &["array", "string"],
            System::Multicall => &["array", "array"],
            System::GetCapabilities => &["struct"],
        };
        Signature::new(types.iter().copied())
    }
}
