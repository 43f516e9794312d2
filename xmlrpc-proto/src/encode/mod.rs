//! The encoder: calls and responses into compact XML in a caller's `BytesMut`.
//!
//! Output is one line with no whitespace between elements, opened by
//! `<?xml version="1.0"?>`. Strings are escaped per SPEC rule 11, doubles are
//! written without exponents (rule 12), integers as `<int>` unless they need
//! `<i8>` (rules 8-9). What XML-RPC cannot carry (control characters, NaN,
//! an empty method name) is an [`EncodeError`] naming the spot, and `out` is
//! left as it was: no broken XML is ever written.
//!
//! ```
//! use bytes::BytesMut;
//! use xmlrpc_proto::{encode_call, MethodCall, Value};
//!
//! let call = MethodCall::new("sample.add", vec![Value::Int(2), Value::from("x<y")]);
//! let mut out = BytesMut::new();
//! encode_call(&call, &mut out).unwrap();
//! assert_eq!(
//!     &out[..],
//!     &b"<?xml version=\"1.0\"?><methodCall><methodName>sample.add</methodName><params>\
//! <param><value><int>2</int></value></param>\
//! <param><value><string>x&lt;y</string></value></param></params></methodCall>"[..]
//! );
//! ```

mod scalar;
mod text;
mod tree;

use std::fmt;

use bytes::BytesMut;

use crate::{Fault, MethodCall, MethodResponse, Value};
use tree::{write_int, write_value, Root};

/// Why a message could not be encoded (it would not be valid XML-RPC).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EncodeError {
    /// A string holds a character XML 1.0 cannot carry.
    InvalidCharacter {
        /// Where: `params[0].name[2]` and similar.
        path: String,
        /// The offending character.
        character: char,
    },
    /// A double is NaN or infinite.
    NonFiniteDouble {
        /// Where the value sits.
        path: String,
    },
    /// The method name is empty or cannot be carried in XML.
    InvalidMethodName,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::InvalidCharacter { path, character } => write!(
                f,
                "{path}: character {character:?} (U+{:04X}) cannot be carried in XML 1.0",
                u32::from(*character)
            ),
            EncodeError::NonFiniteDouble { path } => {
                write!(f, "{path}: NaN and infinite doubles are not valid XML-RPC")
            }
            EncodeError::InvalidMethodName => {
                f.write_str("method name is empty or holds a character XML 1.0 cannot carry")
            }
        }
    }
}

impl std::error::Error for EncodeError {}

const XML_DECLARATION: &[u8] = b"<?xml version=\"1.0\"?>";

/// Appends `call` as a `<methodCall>` document to `out`.
///
/// The method name is written as given (escaped); an empty name, or one
/// holding a character XML cannot carry, is [`EncodeError::InvalidMethodName`].
/// On error `out` is left unchanged.
pub fn encode_call(call: &MethodCall, out: &mut BytesMut) -> Result<(), EncodeError> {
    transactional(out, |out| {
        if call.method.is_empty() || text::first_uncarriable(&call.method).is_some() {
            return Err(EncodeError::InvalidMethodName);
        }
        out.extend_from_slice(XML_DECLARATION);
        out.extend_from_slice(b"<methodCall><methodName>");
        text::write_text(&call.method, out).map_err(|_| EncodeError::InvalidMethodName)?;
        out.extend_from_slice(b"</methodName><params>");
        for (i, param) in call.params.iter().enumerate() {
            out.extend_from_slice(b"<param>");
            write_value(param, Root::Param(i), out)?;
            out.extend_from_slice(b"</param>");
        }
        out.extend_from_slice(b"</params></methodCall>");
        Ok(())
    })
}

/// Appends `response` as a `<methodResponse>` document to `out`.
///
/// A success holds its value as `params[0]`; a fault is written as the
/// `<fault>` struct of `faultCode` (int) and `faultString` (string). On error
/// `out` is left unchanged.
pub fn encode_response(response: &MethodResponse, out: &mut BytesMut) -> Result<(), EncodeError> {
    transactional(out, |out| {
        out.extend_from_slice(XML_DECLARATION);
        match response {
            MethodResponse::Success(value) => {
                out.extend_from_slice(b"<methodResponse><params><param>");
                write_value(value, Root::Param(0), out)?;
                out.extend_from_slice(b"</param></params></methodResponse>");
            }
            MethodResponse::Fault(fault) => write_fault(fault, out)?,
        }
        Ok(())
    })
}

/// Appends `fault` as a whole `<methodResponse>` document to `out`; the same
/// as [`encode_response`] with [`MethodResponse::Fault`], without building one.
pub fn encode_fault(fault: &Fault, out: &mut BytesMut) -> Result<(), EncodeError> {
    transactional(out, |out| {
        out.extend_from_slice(XML_DECLARATION);
        write_fault(fault, out)
    })
}

/// Appends one `<value>` element to `out` (errors name paths from `value`).
/// On error `out` is left unchanged.
pub fn encode_value(value: &Value, out: &mut BytesMut) -> Result<(), EncodeError> {
    transactional(out, |out| write_value(value, Root::Named("value"), out))
}

fn write_fault(fault: &Fault, out: &mut BytesMut) -> Result<(), EncodeError> {
    out.extend_from_slice(b"<methodResponse><fault><value><struct><member><name>faultCode</name>");
    write_int(i64::from(fault.code), out);
    out.extend_from_slice(b"</member><member><name>faultString</name><value><string>");
    text::write_text(&fault.message, out).map_err(|character| EncodeError::InvalidCharacter {
        path: "faultString".to_owned(),
        character,
    })?;
    out.extend_from_slice(b"</string></value></member></struct></value></fault></methodResponse>");
    Ok(())
}

/// Runs `write`, rolling `out` back to its old length if it fails.
fn transactional(
    out: &mut BytesMut,
    write: impl FnOnce(&mut BytesMut) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let start = out.len();
    let result = write(out);
    if result.is_err() {
        out.truncate(start);
    }
    result
}
