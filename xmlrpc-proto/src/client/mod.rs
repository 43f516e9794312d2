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
//! | which cookies are kept and sent | [`CookieJar`] (`cookie_store`'s rules), saved as a Netscape file by [`CookieJar::write_netscape`] |
//! | how each call is rewritten, and when a fault earns one more attempt | [`Interceptor`], [`CallPlan`] |
//! | what a typed stub (`#[rpc]`) calls through | [`CallBlocking`], [`CallAsync`] |

mod call;
mod config;
mod cookies;
mod error;
mod intercept;
pub mod multicall;
mod netscape;
mod pool;
mod proxy;

/// The cookie store crate [`CookieJar`] wraps (for [`CookieJar::with_store`]).
pub use cookie_store;

pub use call::{CallAsync, CallBlocking};
pub use config::{
    defaults as config_defaults, ClientBuilder, ClientConfig, ClientIdentity, FromClientConfig, Pem,
};
pub use cookies::CookieJar;
pub use error::{ClientError, ConfigError, TimeoutKind};
pub use intercept::{CallPlan, FaultAction, Interceptor, OutgoingCall};
pub use netscape::{CookieFileError, NETSCAPE_HEADER};
pub use pool::{may_retry, Pool};
pub use proxy::{NoProxy, Proxy, ProxyRules, Route};
