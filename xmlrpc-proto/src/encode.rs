//! The encoder: calls and responses into compact XML in a caller's `BytesMut`.
//!
//! CONTRACT (implemented in the encoder work).

use bytes::BytesMut;

use crate::{MethodCall, MethodResponse, Value};

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

/// Appends `call` as a `<methodCall>` document to `out`.
pub fn encode_call(call: &MethodCall, out: &mut BytesMut) -> Result<(), EncodeError> {
    let _ = (call, out);
    todo!("encoder")
}

/// Appends `response` as a `<methodResponse>` document to `out`.
pub fn encode_response(response: &MethodResponse, out: &mut BytesMut) -> Result<(), EncodeError> {
    let _ = (response, out);
    todo!("encoder")
}

/// Appends one `<value>` element to `out`.
pub fn encode_value(value: &Value, out: &mut BytesMut) -> Result<(), EncodeError> {
    let _ = (value, out);
    todo!("encoder")
}
