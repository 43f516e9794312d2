//! [`ClientError`]: the one error type every transport's client returns.

use std::fmt;

use crate::http::AddressError;
use crate::{DecodeError, EncodeError, Fault};

/// Everything a client call can fail with. One flat list, the same on every
/// transport: the same failure gives the same variant whether the call went
/// through transport-std, transport-tokio or transport-smol.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientError {
    /// The server answered with an XML-RPC fault.
    Fault(Fault),
    /// The server answered with an HTTP status other than 200.
    Status {
        /// The status.
        status: http::StatusCode,
        /// The response headers (boxed: they would make every `Result` of a
        /// call several times larger).
        headers: Box<http::HeaderMap>,
        /// The start of the body (at most 256 bytes, lossily UTF-8).
        body_excerpt: String,
    },
    /// The body was not a valid XML-RPC response.
    Decode(DecodeError),
    /// A deadline passed; which one is in the [`TimeoutKind`].
    Timeout(TimeoutKind),
    /// The connection closed before the response was complete. `retryable`
    /// is true only when no byte of the response had arrived and the
    /// connection had served an earlier call (an idle keep-alive close):
    /// the server cannot have run the call.
    Closed {
        /// Safe to resend on a fresh connection.
        retryable: bool,
    },
    /// The response broke HTTP framing or a limit (the message says which).
    Protocol(String),
    /// Connecting, reading or writing failed at the socket or TLS layer.
    Io(std::io::Error),
    /// The client was configured with something that cannot work (a bad
    /// URL, an invalid header, an unusable certificate, a scheme this build
    /// cannot reach). Nothing was sent.
    Config(ConfigError),
    /// The call could not be encoded (a NaN, a control character); nothing
    /// was sent.
    Encode(EncodeError),
    /// Typed params or result did not map (see [`crate::serde::Error`]).
    Serde(crate::serde::Error),
}

/// Which deadline passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Opening the connection ([`ClientConfig::connect_timeout`](super::ClientConfig::connect_timeout)).
    Connect,
    /// The TLS handshake (bounded by the connect timeout).
    TlsHandshake,
    /// Writing the request ([`ClientConfig::write_timeout`](super::ClientConfig::write_timeout)).
    Write,
    /// The first byte of the response ([`ClientConfig::first_byte_timeout`](super::ClientConfig::first_byte_timeout)).
    FirstByte,
    /// The whole response ([`ClientConfig::response_timeout`](super::ClientConfig::response_timeout)).
    Response,
}

impl TimeoutKind {
    /// What was being waited for, as a phrase ("connecting", ...).
    pub fn describe(self) -> &'static str {
        match self {
            TimeoutKind::Connect => "connecting",
            TimeoutKind::TlsHandshake => "the TLS handshake",
            TimeoutKind::Write => "writing the request",
            TimeoutKind::FirstByte => "the first response byte",
            TimeoutKind::Response => "the whole response",
        }
    }
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A client setting that cannot work; reported by `build()` or, for what
/// only a connection can tell, by the first call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The URL did not parse.
    Address(AddressError),
    /// A header name or value is not valid HTTP.
    Header {
        /// The header name as given.
        name: String,
        /// Why it is refused.
        reason: String,
    },
    /// A TLS setting (a certificate, a key, a server name) is unusable.
    Tls(String),
    /// The address needs something this build or platform lacks
    /// (`https://` without the `tls` feature, unix sockets off unix).
    Unsupported(String),
    /// A proxy URL (given, or from the environment) cannot be used.
    Proxy {
        /// The URL, its password redacted.
        url: String,
        /// Why it is refused.
        reason: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Address(e) => write!(f, "bad address: {}", e.message),
            ConfigError::Header { name, reason } => write!(f, "header {name:?}: {reason}"),
            ConfigError::Tls(why) => write!(f, "TLS setting: {why}"),
            ConfigError::Unsupported(why) => write!(f, "unsupported: {why}"),
            ConfigError::Proxy { url, reason } => write!(f, "proxy {url}: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl ClientError {
    /// True for a fault answered by the server.
    pub fn is_fault(&self) -> bool {
        matches!(self, ClientError::Fault(_))
    }

    /// True for any deadline passing.
    pub fn is_timeout(&self) -> bool {
        matches!(self, ClientError::Timeout(_))
    }

    /// The error an I/O failure stands for: a socket timeout is
    /// [`ClientError::Timeout`] of `during`, anything else [`ClientError::Io`].
    pub fn from_io(e: std::io::Error, during: TimeoutKind) -> Self {
        match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                ClientError::Timeout(during)
            }
            _ => ClientError::Io(e),
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Fault(fault) => write!(f, "{fault}"),
            ClientError::Status { status, .. } => write!(f, "HTTP status {status}"),
            ClientError::Decode(e) => write!(f, "malformed response: {e}"),
            ClientError::Timeout(kind) => write!(f, "timed out: {kind}"),
            ClientError::Closed { .. } => {
                f.write_str("connection closed before the response was complete")
            }
            ClientError::Protocol(msg) => write!(f, "HTTP protocol error: {msg}"),
            ClientError::Io(e) => write!(f, "I/O error: {e}"),
            ClientError::Config(e) => write!(f, "{e}"),
            ClientError::Encode(e) => write!(f, "cannot encode call: {e:?}"),
            ClientError::Serde(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Io(e) => Some(e),
            ClientError::Config(e) => Some(e),
            ClientError::Serde(e) => Some(e),
            _ => None,
        }
    }
}

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

impl From<ConfigError> for ClientError {
    fn from(e: ConfigError) -> Self {
        ClientError::Config(e)
    }
}

impl From<AddressError> for ClientError {
    fn from(e: AddressError) -> Self {
        ClientError::Config(ConfigError::Address(e))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_stay_small_enough_to_return_by_value() {
        // clippy's result_large_err threshold; every call returns this type.
        assert!(std::mem::size_of::<ClientError>() < 128);
    }

    #[test]
    fn socket_timeouts_become_typed_timeouts() {
        let timed_out = std::io::Error::new(std::io::ErrorKind::TimedOut, "x");
        let err = ClientError::from_io(timed_out, TimeoutKind::Write);
        assert!(matches!(err, ClientError::Timeout(TimeoutKind::Write)));
        assert_eq!(err.to_string(), "timed out: writing the request");
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "x");
        assert!(matches!(
            ClientError::from_io(refused, TimeoutKind::Connect),
            ClientError::Io(_)
        ));
    }
}
