//! XML-RPC inside the Rust web stack: a [`Router`](xmlrpc_proto::service::Router)
//! as a `tower::Service` for hyper 1.x and axum, with the same server policy
//! as our own servers.
//!
//! # What this is not
//! Not an HTTP server and not a second policy: hyper (or axum) parses,
//! frames and keeps connections; every decision about a request (the
//! status table, limits while the body streams in, gzip both ways, the body
//! budget, auth, the client address, the docs page and health path) is
//! the core's [`Endpoint`](xmlrpc_proto::http::Endpoint). This crate moves
//! the body in, keeps the body deadline, and runs the handler on tokio.
//!
//! # Mounting in axum
//! The service takes any body type, so tower-http layers compose:
//!
//! ```no_run
//! use std::net::SocketAddr;
//! use axum::routing::get;
//! use transport_hyper::XmlRpcService;
//! use xmlrpc_proto::service::Router;
//! use xmlrpc_proto::Fault;
//!
//! # async fn demo() -> std::io::Result<()> {
//! let mut rpc = Router::new();
//! rpc.register("add", |a: i32, b: i32| -> Result<i32, Fault> { Ok(a + b) });
//! let app = axum::Router::new()
//!     .route_service("/RPC2", XmlRpcService::new(rpc))
//!     .route("/status", get(|| async { "up" }));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//! // ConnectInfo gives each call's Context its peer.
//! axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await
//! # }
//! ```
//!
//! # On plain hyper
//! [`serve`] runs the service on hyper's server with graceful shutdown, its
//! connections as tasks on the caller's runtime; see
//! `examples/hyper_server.rs` for the loop written out by hand,
//! [`connection_builder`] for hyper's builder with `serve`'s settings (h2c,
//! title-case names, hyper's header timer) in a loop of your own, and
//! [`with_deadlines`] for the head, idle and write deadlines `serve` keeps
//! on each connection instead of hyper's header timer.
//!
//! # The peer and the user
//! A call's `Context::peer` is axum's `ConnectInfo<SocketAddr>` when the app
//! sets it (feature `axum`, on by default), else the peer given to
//! [`XmlRpcService::with_peer`]. `Context::user` is the user an
//! authentication layer put in the request's extensions as
//! [`AuthenticatedUser`], else the user that passed the config's Basic auth.

#![forbid(unsafe_code)]

mod body;
mod deadlines;
mod drain;
mod serve;
mod service;

pub use deadlines::{with_deadlines, DeadlineFuture, DeadlineIo, DeadlineService};
pub use serve::{connection_builder, serve};
pub use service::{ServiceBuilder, ServiceFuture, XmlRpcResponse, XmlRpcService};
pub use xmlrpc_proto;

/// A request extension an authentication layer sets: the user it
/// accepted. The service then skips its own Basic auth and hands the name
/// to handlers as `Context::user`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticatedUser(pub String);

// Checked when the crate builds: services cross tasks and threads.
const _: fn() = || {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<XmlRpcService>();
};
