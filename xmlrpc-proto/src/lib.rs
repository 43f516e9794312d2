//! Sans-IO XML-RPC: the codec, HTTP/1.1 state machines and router, with no I/O at all.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod convert;
mod datetime;
#[cfg(any(feature = "chrono", feature = "time"))]
mod datetime_conv;
pub mod decode;
pub mod demo;
pub mod encode;
pub mod http;
mod message;
pub mod serde;
pub mod service;
mod value;

pub use convert::ConvertError;
pub use datetime::{DateTime, DateTimeError};
pub use decode::{decode_call, decode_response, DecodeError, Decoder, Limits};
pub use encode::{encode_call, encode_response, EncodeError};
pub use message::{fault_code, Fault, MethodCall, MethodResponse};
pub use value::{Array, Struct, Value};
