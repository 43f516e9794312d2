//! Sans-IO HTTP/1.1 client and server connections.
//!
//! CONTRACT (implemented in the HTTP work): the types and signatures here are
//! what the transports build on. **After every input, call `poll_output`
//! until it returns [`Output::Wait`] or [`Output::Closed`].**

mod address;
mod auth;
mod body;
mod chunked;
mod client;
mod error;
mod gzip;
mod head;
mod response;
mod server;
mod status;

pub use address::{Address, AddressError, Scheme};
pub use client::{CallError, ClientConfig, ClientConnection, ClientEvent};
pub use error::ClientError;
pub use server::{AuthCheck, RequestId, ServerConfig, ServerConnection, ServerEvent};

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
