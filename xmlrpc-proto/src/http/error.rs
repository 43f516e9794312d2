//! [`ClientError`]: the one error type every transport's client returns.

use std::fmt;

use super::{AddressError, CallError};
use crate::{EncodeError, Fault};

/// Everything a client call can fail with, kept apart so callers can tell
/// a fault from an HTTP status, a transport failure, a decode failure and a
/// timeout. The transports re-export it as `Error`.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientError {
    /// The server answered with an XML-RPC fault.
    Fault(Fault),
    /// HTTP-level or decode failure (see [`CallError`]).
    Call(CallError),
    /// Socket or TLS I/O failed.
    Io(std::io::Error),
    /// A deadline passed (connect, first byte, or whole response).
    Timeout(&'static str),
    /// The URL could not be parsed or names an unsupported scheme.
    Address(AddressError),
    /// The call could not be encoded.
    Encode(EncodeError),
    /// Typed params or result did not map (see [`crate::serde::Error`]).
    Serde(crate::serde::Error),
}

impl ClientError {
    /// True for a fault answered by the server.
    pub fn is_fault(&self) -> bool {
        matches!(self, ClientError::Fault(_))
    }

    /// True for any deadline passing.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            ClientError::Timeout(_) | ClientError::Call(CallError::Timeout(_))
        )
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Fault(fault) => write!(f, "{fault}"),
            ClientError::Call(CallError::Status { status, .. }) => {
                write!(f, "HTTP status {status}")
            }
            ClientError::Call(CallError::Decode(e)) => write!(f, "malformed response: {e}"),
            ClientError::Call(CallError::Timeout(what)) | ClientError::Timeout(what) => {
                write!(f, "timed out: {what}")
            }
            ClientError::Call(CallError::Closed { .. }) => {
                f.write_str("connection closed before the response was complete")
            }
            ClientError::Call(CallError::Protocol(msg)) => write!(f, "HTTP protocol error: {msg}"),
            ClientError::Call(CallError::Encode(e)) => write!(f, "cannot encode call: {e:?}"),
            ClientError::Io(e) => write!(f, "I/O error: {e}"),
            ClientError::Address(e) => write!(f, "bad address: {}", e.message),
            ClientError::Encode(e) => write!(f, "cannot encode call: {e:?}"),
            ClientError::Serde(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<std::io::Error> for ClientError {
    fn from(e: std::io::Error) -> Self {
        ClientError::Io(e)
    }
}

impl From<Fault> for ClientError {
    fn from(f: Fault) -> Self {
        ClientError::Fault(f)
    }
}

impl From<CallError> for ClientError {
    /// Keeps timeouts and encode failures in their own variants so
    /// `is_timeout` and matching on `Encode` see them.
    fn from(e: CallError) -> Self {
        match e {
            CallError::Encode(e) => ClientError::Encode(e),
            CallError::Timeout(what) => ClientError::Timeout(what),
            other => ClientError::Call(other),
        }
    }
}

impl From<AddressError> for ClientError {
    fn from(e: AddressError) -> Self {
        ClientError::Address(e)
    }
}

impl From<EncodeError> for ClientError {
    fn from(e: EncodeError) -> Self {
        ClientError::Encode(e)
    }
}

impl From<crate::serde::Error> for ClientError {
    fn from(e: crate::serde::Error) -> Self {
        ClientError::Serde(e)
    }
}
