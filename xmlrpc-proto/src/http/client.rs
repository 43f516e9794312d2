//! [`ClientConnection`]: one client-side HTTP/1.1 connection, sans IO.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::{Address, Input, Output};
use crate::{DecodeError, Limits, MethodCall, MethodResponse};

/// Settings for the calls a client makes.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Where calls go (host header, path, credentials).
    pub address: Address,
    /// Decoder limits for response bodies (`max_message_size` caps the body).
    pub limits: Limits,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Extra headers sent with every call.
    pub headers: http::HeaderMap,
    /// Gzip request bodies at least this large (`None`: never).
    pub gzip_threshold: Option<usize>,
    /// Deadline from sending the request to the first response byte.
    pub first_byte_timeout: Duration,
    /// Deadline for the whole response once the request was sent.
    pub response_timeout: Duration,
    /// Keep the raw response body in [`ClientEvent::Response`].
    pub keep_raw_body: bool,
}

impl ClientConfig {
    /// Defaults for `address`.
    pub fn new(address: Address) -> Self {
        let _ = address;
        todo!("http")
    }
}

/// Why a call failed below the XML-RPC layer.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallError {
    /// The server answered with a non-200 status.
    Status {
        /// The status.
        status: http::StatusCode,
        /// The response headers.
        headers: http::HeaderMap,
        /// The start of the body (short).
        body_excerpt: String,
    },
    /// The body was not a valid XML-RPC response.
    Decode(DecodeError),
    /// A deadline passed.
    Timeout(&'static str),
    /// The connection closed before the response was complete. `retryable`
    /// is true only when no byte of the response had arrived and the
    /// connection had served an earlier call (an idle keep-alive close).
    Closed {
        /// Safe to resend on a fresh connection.
        retryable: bool,
    },
    /// The response broke HTTP framing or a limit.
    Protocol(String),
}

/// What a client connection reports.
#[derive(Debug)]
pub enum ClientEvent {
    /// The call finished.
    Response {
        /// The decoded response, or why there is none.
        result: Result<MethodResponse, CallError>,
        /// The raw body, when `keep_raw_body` is set.
        raw_body: Option<Bytes>,
    },
}

/// One client-side connection, one call in flight at a time.
#[derive(Debug)]
pub struct ClientConnection {
    _todo: (),
}

impl ClientConnection {
    /// A connection that is already connected (the adapter opened it).
    pub fn new(config: Arc<ClientConfig>) -> Self {
        let _ = config;
        todo!("http")
    }

    /// Starts a call; its request bytes come out of `poll_output`.
    /// Fails when a call is already in flight or the connection is closed.
    pub fn send_call(&mut self, call: &MethodCall, now: Instant) -> Result<(), CallError> {
        let _ = (call, now);
        todo!("http")
    }

    /// Feeds bytes, end of input, or the passage of time.
    pub fn handle_input(&mut self, input: Input<'_>) {
        let _ = input;
        todo!("http")
    }

    /// The next thing to do; call until `Wait` or `Closed`.
    pub fn poll_output(&mut self) -> Output<ClientEvent> {
        todo!("http")
    }

    /// True when the last call finished and the server allows another.
    pub fn is_reusable(&self) -> bool {
        todo!("http")
    }
}
