//! Method calls, responses and faults, and the interop fault codes.

use crate::Value;

/// A `<methodCall>`: a method name and its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodCall {
    /// The method name, never empty once decoded.
    pub method: String,
    /// The parameters in order.
    pub params: Vec<Value>,
}

impl MethodCall {
    /// A call of `method` with `params`.
    pub fn new(method: impl Into<String>, params: Vec<Value>) -> Self {
        MethodCall {
            method: method.into(),
            params,
        }
    }
}

/// A `<methodResponse>`: one result value, or a fault.
#[derive(Clone, Debug, PartialEq)]
pub enum MethodResponse {
    /// `<params><param>` with the single result.
    Success(Value),
    /// `<fault>`.
    Fault(Fault),
}

/// An XML-RPC fault: a code and a human-readable message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fault {
    /// `faultCode`. See [`fault_code`] for the interop codes.
    pub code: i32,
    /// `faultString`.
    pub message: String,
}

impl Fault {
    /// A fault with `code` and `message`.
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Fault {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fault {}: {}", self.code, self.message)
    }
}

impl std::error::Error for Fault {}

/// The fault codes of the 2001 "specification for fault code interoperability".
///
/// Applications choose their own codes outside `-32768..=-32000`.
pub mod fault_code {
    /// Parse error: not well formed.
    pub const PARSE_ERROR: i32 = -32700;
    /// Parse error: unsupported encoding.
    pub const UNSUPPORTED_ENCODING: i32 = -32701;
    /// Parse error: invalid character for encoding.
    pub const INVALID_CHARACTER: i32 = -32702;
    /// Server error: invalid XML-RPC (well-formed XML, wrong structure or bad value).
    pub const INVALID_XMLRPC: i32 = -32600;
    /// Server error: requested method not found.
    pub const METHOD_NOT_FOUND: i32 = -32601;
    /// Server error: invalid method parameters.
    pub const INVALID_PARAMS: i32 = -32602;
    /// Server error: internal XML-RPC error.
    pub const INTERNAL_ERROR: i32 = -32603;
    /// Application error.
    pub const APPLICATION_ERROR: i32 = -32500;
    /// System error.
    pub const SYSTEM_ERROR: i32 = -32400;
    /// Transport error.
    pub const TRANSPORT_ERROR: i32 = -32300;

    /// True for codes reserved by the interop specification (`-32768..=-32000`).
    pub fn is_reserved(code: i32) -> bool {
        (-32768..=-32000).contains(&code)
    }
}
