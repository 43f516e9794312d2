//! [`Client`]: async XML-RPC calls with a small shared connection pool.

mod builder;
mod conn;

pub use builder::{ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_IDLE};

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use xmlrpc_proto::http::{Address, ClientError};
use xmlrpc_proto::multicall;
use xmlrpc_proto::serde::{from_value, to_params};
use xmlrpc_proto::{Fault, MethodCall, MethodResponse, Value};

use self::conn::{Conn, Dialer, Failure};

/// An XML-RPC client for `http://`, `https://` (feature `tls`) and
/// `unix:///path` URLs.
///
/// Cheap to clone (clones share one pool), `Send` and `Sync`: concurrent
/// calls each take an idle keep-alive connection or open a new one. A call
/// that the core reports as safely retryable (the server closed an idle
/// keep-alive connection before answering) is sent once more on a fresh
/// connection. Basic auth comes from `user:password@` in the URL.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

/// What clones of one client share.
struct Shared {
    dialer: Dialer,
    /// Idle keep-alive connections, most recently used last: `[0]` for
    /// ordinary calls, `[1]` for `call_raw` (those keep the raw body).
    idle: [Mutex<Vec<Conn>>; 2],
    max_idle: usize,
}

impl Client {
    /// A client with default settings for `url`.
    pub fn new(url: &str) -> Result<Client, ClientError> {
        Client::builder(url).build()
    }

    /// Starts configuring a client for `url`.
    pub fn builder(url: &str) -> ClientBuilder {
        ClientBuilder::new(url)
    }

    /// Calls `method` with typed params (a tuple is the param list, `()` is
    /// none) and maps the result into `R`. A fault is `Err(Error::Fault)`.
    pub async fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
    ) -> Result<R, ClientError> {
        let params = to_params(&params)?;
        let value = self.call_value(method, params).await?;
        Ok(from_value(value)?)
    }

    /// Calls `method` with `params` as values. A fault is `Err(Error::Fault)`.
    pub async fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, ClientError> {
        let call = MethodCall::new(method, params);
        match self.exchange(&call, false).await?.0 {
            MethodResponse::Success(value) => Ok(value),
            MethodResponse::Fault(fault) => Err(ClientError::Fault(fault)),
        }
    }

    /// Sends `call` and returns the response (fault or not) with the raw
    /// response body, as for `xrpc call --xml`.
    pub async fn call_raw(
        &self,
        call: &MethodCall,
    ) -> Result<(MethodResponse, Bytes), ClientError> {
        let (response, raw) = self.exchange(call, true).await?;
        Ok((response, raw.unwrap_or_default()))
    }

    /// Sends `calls` as one `system.multicall`; each entry comes back as its
    /// value or its fault, in order. A fault of the whole multicall is
    /// `Err(Error::Fault)`.
    pub async fn multicall(
        &self,
        calls: Vec<MethodCall>,
    ) -> Result<Vec<Result<Value, Fault>>, ClientError> {
        let sent = calls.len();
        let call = multicall::pack(calls);
        match self.exchange(&call, false).await?.0 {
            MethodResponse::Success(value) => Ok(multicall::unpack(value, sent)?),
            MethodResponse::Fault(fault) => Err(ClientError::Fault(fault)),
        }
    }

    /// One call on a pooled or new connection, retried once on a fresh
    /// connection when the core says it is safe.
    async fn exchange(
        &self,
        call: &MethodCall,
        raw: bool,
    ) -> Result<(MethodResponse, Option<Bytes>), ClientError> {
        let shared = &*self.shared;
        let mut conn = match self.take_idle(raw) {
            Some(conn) => conn,
            None => Conn::open(&shared.dialer, raw).await?,
        };
        let write_timeout = shared.dialer.write_timeout;
        match conn.call(call, write_timeout).await {
            Ok(answer) => {
                self.give_back(conn, raw);
                Ok(answer)
            }
            Err(Failure::Retry(e)) => {
                tracing::debug!(error = %e, method = %call.method, "retrying on a fresh connection");
                drop(conn);
                let mut conn = Conn::open(&shared.dialer, raw).await?;
                match conn.call(call, write_timeout).await {
                    Ok(answer) => {
                        self.give_back(conn, raw);
                        Ok(answer)
                    }
                    Err(Failure::Retry(e) | Failure::Fail(e)) => Err(e),
                }
            }
            Err(Failure::Fail(e)) => Err(e),
        }
    }

    fn idle(&self, raw: bool) -> std::sync::MutexGuard<'_, Vec<Conn>> {
        // A poisoned lock only means another call panicked; the list is fine.
        self.shared.idle[usize::from(raw)]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn take_idle(&self, raw: bool) -> Option<Conn> {
        self.idle(raw).pop()
    }

    fn give_back(&self, conn: Conn, raw: bool) {
        if !conn.is_reusable() {
            return;
        }
        let mut idle = self.idle(raw);
        if idle.len() < self.shared.max_idle {
            idle.push(conn);
        }
    }

    /// The parsed server address the client calls.
    pub fn address(&self) -> &Address {
        &self.shared.dialer.config.address
    }

    /// Idle keep-alive connections held right now (for tests and metrics).
    pub fn idle_connections(&self) -> usize {
        self.idle(false).len() + self.idle(true).len()
    }
}

impl std::fmt::Debug for Client {
    /// Shows where the client calls; `Address`'s `Debug` hides the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("address", self.address())
            .finish_non_exhaustive()
    }
}

/// The error for `https://` without the `tls` feature.
#[cfg(not(feature = "tls"))]
pub(crate) fn no_tls() -> ClientError {
    ClientError::Address(xmlrpc_proto::http::AddressError {
        message: "https:// needs transport-smol's `tls` feature".into(),
    })
}
