//! Client policy, once for every transport: the configuration and its
//! defaults, the one error type, the idle-connection pool and the retry
//! rule, and `system.multicall` packing.
//!
//! A transport's client is a connect step and a drain loop around
//! [`ClientConnection`](crate::http::ClientConnection); everything it
//! decides comes from here:
//!
//! | decision | where |
//! |---|---|
//! | settings and their defaults | [`ClientConfig`], [`ClientBuilder`], [`config_defaults`] |
//! | which idle connection to use, when one is too old | [`Pool`] |
//! | whether a failed call may be sent again | [`may_retry`] |
//! | what a failure is called | [`ClientError`], [`TimeoutKind`], [`ConfigError`] |
//! | what a typed stub (`#[rpc]`) calls through | [`CallBlocking`], [`CallAsync`] |

mod call;
mod config;
mod error;
pub mod multicall;
mod pool;
mod proxy;

pub use call::{CallAsync, CallBlocking};
pub use config::{defaults as config_defaults, ClientBuilder, ClientConfig, FromClientConfig};
pub use error::{ClientError, ConfigError, TimeoutKind};
pub use pool::{may_retry, Pool};
pub use proxy::{NoProxy, Proxy, ProxyRules, Route};
