//! Sans-IO HTTP/1.1 client and server connections.
//!
//! [`ServerConnection`] and [`ClientConnection`] hold no socket and read no
//! clock: bytes go in through `handle_input` (with the current `Instant`),
//! and what to write, what happened, and when to call back come out of
//! `poll_output`. **After every input, call `poll_output` until it returns
//! [`Output::Wait`] or [`Output::Closed`].** A `Wait` says whether the
//! machine wants bytes (`read`) and its nearest deadline; when that passes
//! with nothing read, feed [`Input::Tick`].
//!
//! Every XML-RPC answer, fault or not, is `200 OK` with `Content-Type:
//! text/xml` (a body that does not decode is answered by the connection
//! itself with the decode error's fault). HTTP statuses are for HTTP-level
//! problems; each refusal has a one-line `text/plain` body and closes the
//! connection, since what follows a refused head cannot be trusted.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Instant;
//! use xmlrpc_proto::http::{Input, Output, ServerConfig, ServerConnection, ServerEvent};
//! use xmlrpc_proto::{MethodResponse, Value};
//!
//! let now = Instant::now(); // the adapter's clock, never the machine's
//! let mut conn = ServerConnection::new(Arc::new(ServerConfig::default()), None, now);
//! let body = "<methodCall><methodName>add</methodName><params>\
//!     <param><value><int>2</int></value></param></params></methodCall>";
//! let request = format!(
//!     "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
//!     body.len()
//! );
//! conn.handle_input(Input::Data(now, request.as_bytes()));
//! let mut wire = Vec::new();
//! loop {
//!     match conn.poll_output() {
//!         Output::Transmit(bytes) => wire.extend_from_slice(&bytes), // write to the socket
//!         Output::Event(ServerEvent::Call { id, call, .. }) => {
//!             assert_eq!(call.method, "add");
//!             conn.respond(id, MethodResponse::Success(Value::Int(4)), now);
//!         }
//!         Output::Event(ServerEvent::Answered(record)) => println!("{record}"), // the log line
//!         Output::Wait { .. } => break, // read with the deadline, then handle_input
//!         Output::Closed => break,      // close the socket
//!     }
//! }
//! assert!(wire.starts_with(b"HTTP/1.1 200 OK\r\n"));
//! ```
//!
//! # Under another HTTP library
//!
//! When hyper or a web framework parses HTTP, [`Endpoint`] takes each
//! parsed request through the same policy (statuses, limits, gzip, auth,
//! the body budget) and [`ConnectionDeadlines`] keeps a connection's idle,
//! head and write deadlines from what the driver sees of it.
//!
//! # Overload
//!
//! A server with many connections shares one [`Admission`]: the driver
//! calls [`Admission::admit`] for each accepted connection and makes its
//! machine with [`ServerConnection::admitted`]. At the connection cap a
//! newcomer evicts a connection that is slow to send its head, else the
//! longest-idle one, never one in the middle of a request; every request
//! body is charged to the admission's [`BodyBudget`] (503 when it is
//! spent). Drivers call [`ServerConnection::transmitted`] after writing, so
//! a connection counts as idle only once its answer is out.
//!
//! # Limits
//!
//! Every limit and deadline, with its default, error and status, is in the
//! one table of the [crate documentation](crate#limits).
//!
//! # Statuses
//!
//! | problem | status |
//! |---|---|
//! | malformed request line or header, no Host on 1.1, Content-Length with Transfer-Encoding, conflicting Content-Lengths, Transfer-Encoding not ending in chunked, bad chunk framing, invalid gzip body | 400 |
//! | method other than POST | 405 with `Allow: POST` |
//! | path not in [`ServerConfig::paths`] | 404 |
//! | Basic auth missing or refused by [`ServerConfig::auth`] | 401 with `WWW-Authenticate: Basic realm="xmlrpc"` |
//! | neither Content-Length nor chunked | 411 |
//! | body over the limit (before or after inflation) | 413 |
//! | request line too long | 414 |
//! | Content-Encoding other than identity/gzip | 415 |
//! | too many or too large headers | 431 |
//! | Transfer-Encoding coding other than chunked | 501 |
//! | HTTP version other than 1.0/1.1 | 505 |
//! | head or body deadline passed | 408 |
//! | the body does not fit the server's [`BodyBudget`] now | 503 with `Retry-After: 1` |

mod address;
pub(crate) mod admission;
pub(crate) mod auth;
pub(crate) mod body;
pub(crate) mod budget;
mod chunked;
pub(crate) mod client;
mod deadlines;
mod exchange;
mod forwarded;
mod gzip;
pub(crate) mod head;
mod head_scan;
mod record;
pub(crate) mod redact;
pub(crate) mod response;
pub(crate) mod server;
mod server_config;
pub(crate) mod status;
mod tunnel;

pub use address::{Address, AddressError, Scheme, TcpAddress, UnixAddress};
pub use admission::{Admission, Admitted, Full, Ticket};
pub use budget::BodyBudget;
pub use client::{ClientConnection, ClientEvent};
pub use deadlines::{ConnectionDeadlines, Expired};
pub use exchange::{Answer, Call, Endpoint, Exchange, Origin, Reply};
pub use forwarded::{TrustedProxies, TrustedProxyError};
pub use record::CallRecord;
pub use server::{RequestId, ServerConnection, ServerEvent};
pub use server_config::{defaults as server_defaults, AuthCheck, ConnectionModel, ServerConfig};
pub use tunnel::Tunnel;

use std::time::Instant;

use bytes::Bytes;

/// What the adapter hands a connection.
#[derive(Debug)]
pub enum Input<'a> {
    /// Bytes read from the peer (any length, split anywhere).
    Data(Instant, &'a [u8]),
    /// The peer closed its sending side.
    Eof(Instant),
    /// Nothing arrived, but time passed (a deadline the machine reported).
    Tick(Instant),
    /// Writing what the machine handed out failed; the machine decides
    /// what that means (h11's `send_failed`): a client reads on for an
    /// early answer after a disconnect, a server closes.
    SendFailed(Instant, SendFailure),
}

/// How a write failed, as the adapter saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendFailure {
    /// The peer is gone or refuses more bytes (reset, broken pipe).
    Disconnected,
    /// The machine's `write_deadline` passed before the bytes were written.
    TimedOut,
}

impl SendFailure {
    /// Classifies a failed write: a timeout, or the peer going away
    /// (every other I/O error means the same for the protocol).
    pub fn of(e: &std::io::Error) -> SendFailure {
        match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => SendFailure::TimedOut,
            _ => SendFailure::Disconnected,
        }
    }
}

/// True when a read or write error means the peer went away (reset,
/// aborted, broken pipe, unexpected end): the machine treats it as the end
/// of input. Every transport classifies errors with this one rule.
pub fn is_disconnect(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::UnexpectedEof
    )
}

impl Input<'_> {
    /// When the input happened.
    pub fn now(&self) -> Instant {
        match *self {
            Input::Data(now, _)
            | Input::Eof(now)
            | Input::Tick(now)
            | Input::SendFailed(now, _) => now,
        }
    }
}

/// What a connection asks the adapter to do next.
#[derive(Debug)]
pub enum Output<E> {
    /// Write these bytes to the peer, in order.
    Transmit(Bytes),
    /// Something happened that the application handles.
    Event(E),
    /// Nothing more to do until input arrives (if `read`) or `deadline` passes.
    Wait {
        /// True when the machine wants bytes from the peer.
        read: bool,
        /// When to call back with [`Input::Tick`] if nothing arrives.
        deadline: Option<Instant>,
    },
    /// The connection is finished: close the socket.
    Closed,
}
