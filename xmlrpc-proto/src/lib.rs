//! Sans-IO XML-RPC: the codec, HTTP/1.1 state machines and router, with no I/O at all.
//!
//! `xmlrpc-proto` turns bytes into XML-RPC values and values into bytes,
//! frames them in HTTP/1.1, routes calls to handlers, and owns every limit
//! and deadline. The transport crates (`transport-std`, `transport-tokio`,
//! `transport-smol`) only move bytes between a socket and these machines;
//! anyone can embed the core in a stack of their own (CGI, SCGI, a message
//! queue, a test harness) with no transport at all.
//!
//! # What this is not
//!
//! - No sockets, no TLS, no DNS: the caller moves the bytes.
//! - No clock: every method that starts or checks a deadline takes `now: Instant`.
//! - No threads, no tasks, no runtime: async handlers are plain futures the
//!   adapter polls.
//! - No DTDs, no entity expansion, no processing instructions: they are refused.
//!
//! # Example: the classic factorial, bytes in and bytes out
//!
//! ```
//! use bytes::BytesMut;
//! use xmlrpc_proto::service::{Context, Router};
//! use xmlrpc_proto::{decode_response, encode_call, Fault, MethodCall, MethodResponse, Value};
//!
//! let mut router = Router::new();
//! router
//!     .register("factorial", |n: u32| -> Result<u64, Fault> { Ok((1..=u64::from(n)).product()) })
//!     .help("n! for a small n");
//!
//! // The client side encodes a call...
//! let mut request = BytesMut::new();
//! encode_call(&MethodCall::new("factorial", vec![Value::Int(5)]), &mut request)?;
//!
//! // ...the server side routes the bytes and answers with bytes...
//! let response = router.handle_body(&request, Context::default());
//!
//! // ...and the client decodes the answer.
//! assert_eq!(decode_response(&response)?, MethodResponse::Success(Value::Int(120)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Typed services
//!
//! [`rpc`] (feature `macros`, on by default) turns a trait into a typed
//! server for the [`service::Router`] and typed client stubs over any
//! transport's client ([`client::CallBlocking`], [`client::CallAsync`]);
//! the `xmlrpc-macros` crate documents it. The generated code uses only
//! this crate, so the core stays free of any runtime.
//!
//! # The drain rule
//!
//! **After every input (`feed`, `handle_input`), call the matching `poll_*`
//! method until it says "wait".** The push [`Decoder`] reports
//! [`decode::Event`]s; the HTTP machines in [`http`] report
//! [`http::Output`]s. Every adapter is then the same short loop.
//!
//! # SCGI
//!
//! The same machines speak SCGI (rTorrent, a web server's `scgi_pass`): a
//! client on an `scgi://` or `scgi+unix://` address, a server connection
//! made with [`http::ServerConnection::scgi`]. See [`scgi`].
//!
//! # Limits
//!
#![doc = include_str!("../LIMITS.md")]
// LIMITS.md is the one source of the limits table: the README copies it,
// and `tests/limits_table.rs` checks the copy and the defaults.
#![forbid(unsafe_code)]

pub mod client;
mod convert;
mod datetime;
#[cfg(any(feature = "chrono", feature = "time"))]
mod datetime_conv;
pub mod decode;
pub mod encode;
pub mod http;
mod message;
pub mod scgi;
pub mod serde;
pub mod service;
pub mod time;
mod value;

pub use convert::ConvertError;
pub use datetime::{DateTime, DateTimeError};
pub use decode::{decode_call, decode_response, DecodeError, Decoder, Limits};
pub use encode::{encode_call, encode_response, EncodeError};
pub use message::{fault_code, Fault, MethodCall, MethodResponse};
pub use value::{Array, Struct, Value};

/// Turns a trait into a typed server and typed clients; see the
/// `xmlrpc-macros` crate for the whole story.
#[cfg(feature = "macros")]
pub use xmlrpc_macros::rpc;

/// What `#[rpc]`'s generated code calls; not a public API.
#[doc(hidden)]
pub use service::macro_support as __private;
