//! [`Interceptor`]: a hook that sees and may rewrite every outgoing call,
//! and may ask for one new attempt after a fault; [`CallPlan`]: the one
//! rule every transport's client follows to apply it.
//!
//! Deployments put credentials in the call itself: aria2 wants
//! `"token:SECRET"` as the first param, Bugzilla a `Bugzilla_api_key`
//! member in the first struct param, Magento a session id that a call
//! faulting with code 5 says is stale (log in again, then retry). An
//! interceptor does that once for the whole client:
//!
//! ```
//! use xmlrpc_proto::client::{FaultAction, Interceptor, OutgoingCall};
//! use xmlrpc_proto::{Fault, Value};
//!
//! /// aria2: the secret goes first in every call.
//! struct Aria2Token(String);
//!
//! impl Interceptor for Aria2Token {
//!     fn before_call(&self, call: &mut OutgoingCall) {
//!         call.params.insert(0, Value::from(format!("token:{}", self.0)));
//!     }
//! }
//!
//! /// Bugzilla: the API key goes inside the first struct param.
//! struct BugzillaKey(String);
//!
//! impl Interceptor for BugzillaKey {
//!     fn before_call(&self, call: &mut OutgoingCall) {
//!         if let Some(Value::Struct(members)) = call.params.first_mut() {
//!             members.insert("Bugzilla_api_key", self.0.as_str());
//!         }
//!     }
//! }
//!
//! let mut call = OutgoingCall::new("aria2.tellActive", vec![]);
//! Aria2Token("s3cret".into()).before_call(&mut call);
//! assert_eq!(call.params[0], Value::from("token:s3cret"));
//! # let _ = (FaultAction::Return, Fault::new(5, ""));
//! ```
//!
//! # The rule
//!
//! [`Interceptor::before_call`] runs before **every** attempt, on a fresh
//! copy of the call as the caller made it, so state it changed in between
//! (a new session token) reaches the second attempt.
//! [`Interceptor::after_fault`] sees each fault answer; when it says
//! [`FaultAction::RetryOnce`] the call is sent once more, **at most once per
//! call**, whatever it says the second time. A connection-level resend
//! ([`may_retry`](super::may_retry)) is separate and counts for neither.

use std::fmt;
use std::sync::Arc;

use http::HeaderMap;

use super::{ClientConfig, ClientError};
use crate::{Fault, MethodCall, MethodResponse, Value};

/// One call as it is about to be sent: what an [`Interceptor`] may change.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingCall {
    /// The method name.
    pub method: String,
    /// The params.
    pub params: Vec<Value>,
    /// Headers for this call only; each replaces the client's headers of
    /// the same name ([`ClientConfig::headers`]). Framing headers
    /// (`Content-Length`, `Transfer-Encoding`, `Host`, ...) are ignored.
    pub headers: HeaderMap,
}

impl OutgoingCall {
    /// A call with no extra headers.
    pub fn new(method: impl Into<String>, params: Vec<Value>) -> Self {
        OutgoingCall {
            method: method.into(),
            params,
            headers: HeaderMap::new(),
        }
    }

    /// The XML-RPC call it stands for, and the headers.
    pub fn into_parts(self) -> (MethodCall, HeaderMap) {
        (MethodCall::new(self.method, self.params), self.headers)
    }
}

/// What to do after a fault answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultAction {
    /// Give the fault to the caller (the default).
    Return,
    /// Send the call once more (after, say, logging in again); refused
    /// when this call was already sent again for a fault.
    RetryOnce,
}

/// A hook on every call of a client, set with
/// [`ClientBuilder::interceptor`](super::ClientBuilder::interceptor). Both
/// methods have defaults that change nothing. It is shared by the client's
/// clones and threads, so it is `Send + Sync` and keeps any state of its
/// own behind a lock or an atomic.
///
/// Both methods are synchronous and, in the async clients, run inside the
/// call's future: keep them short. A hook that must log in again over the
/// network does it with a blocking client on a thread of its own (or
/// swaps in a session prepared elsewhere), never by blocking on the
/// caller's runtime.
pub trait Interceptor: Send + Sync {
    /// Sees and may rewrite the call before each attempt.
    fn before_call(&self, call: &mut OutgoingCall) {
        let _ = call;
    }

    /// Sees a fault answer to `call` (as it was sent, rewritten); may
    /// update its own state and ask for [`FaultAction::RetryOnce`].
    fn after_fault(&self, call: &MethodCall, fault: &Fault) -> FaultAction {
        let _ = (call, fault);
        FaultAction::Return
    }
}

/// The attempts of one call: the interceptor's rewrite before each, and
/// whether a fault earns one more. Every transport's client runs its calls
/// through one, so they agree:
///
/// ```text
/// let mut plan = CallPlan::new(&config, call, headers);
/// loop {
///     let (call, headers) = plan.request();
///     let result = send(&call, &headers);          // connect, drain loop, may_retry
///     if let Some(result) = plan.finish(&call, result) { return result }
/// }
/// ```
///
/// Without an interceptor the call is moved out, not copied.
pub struct CallPlan {
    interceptor: Option<Arc<dyn Interceptor>>,
    call: OutgoingCall,
    retried: bool,
}

impl fmt::Debug for CallPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallPlan")
            .field("method", &self.call.method)
            .field("intercepted", &self.interceptor.is_some())
            .field("retried", &self.retried)
            .finish()
    }
}

impl CallPlan {
    /// The plan for `call` with per-call `headers` on a client configured
    /// by `config`.
    pub fn new(config: &ClientConfig, call: MethodCall, headers: HeaderMap) -> Self {
        CallPlan {
            interceptor: config.interceptor.clone(),
            call: OutgoingCall {
                method: call.method,
                params: call.params,
                headers,
            },
            retried: false,
        }
    }

    /// What the next attempt sends: the call as given, rewritten by the
    /// interceptor, and its per-call headers.
    pub fn request(&mut self) -> (MethodCall, HeaderMap) {
        let call = match &self.interceptor {
            Some(hook) => {
                let mut call = self.call.clone();
                hook.before_call(&mut call);
                call
            }
            // No hook, no second attempt: nothing to keep.
            None => std::mem::replace(&mut self.call, OutgoingCall::new("", Vec::new())),
        };
        call.into_parts()
    }

    /// After an attempt that sent `request`: `Some(result)` to give the
    /// caller, or `None` to send the call again (a fault the interceptor
    /// asked to retry, the first time only). A fault counts whether it came
    /// as `Ok(MethodResponse::Fault)` or `Err(ClientError::Fault)`.
    pub fn finish<T>(
        &mut self,
        request: &MethodCall,
        result: Result<(MethodResponse, T), ClientError>,
    ) -> Option<Result<(MethodResponse, T), ClientError>> {
        let fault = match &result {
            Ok((MethodResponse::Fault(fault), _)) | Err(ClientError::Fault(fault)) => fault,
            _ => return Some(result),
        };
        let Some(hook) = self.interceptor.as_ref().filter(|_| !self.retried) else {
            return Some(result);
        };
        match hook.after_fault(request, fault) {
            FaultAction::RetryOnce => {
                self.retried = true;
                None
            }
            FaultAction::Return => Some(result),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Magento-style: the session is the first param; fault 5 logs in again.
    struct Relogin {
        session: AtomicU32,
        logins: AtomicU32,
    }

    impl Interceptor for Relogin {
        fn before_call(&self, call: &mut OutgoingCall) {
            let session = self.session.load(Ordering::SeqCst);
            call.params.insert(0, Value::Int(session as i32));
        }

        fn after_fault(&self, _: &MethodCall, fault: &Fault) -> FaultAction {
            if fault.code != 5 {
                return FaultAction::Return;
            }
            self.logins.fetch_add(1, Ordering::SeqCst);
            self.session.fetch_add(1, Ordering::SeqCst);
            FaultAction::RetryOnce
        }
    }

    fn config_with(hook: Arc<dyn Interceptor>) -> ClientConfig {
        let mut config = ClientConfig::builder("http://x/").build().expect("config");
        config.interceptor = Some(hook);
        config
    }

    type Attempt = Result<(MethodResponse, ()), ClientError>;

    fn fault(code: i32) -> Attempt {
        Ok((MethodResponse::Fault(Fault::new(code, "x")), ()))
    }

    #[test]
    fn a_fault_the_hook_asks_for_is_retried_once_with_the_new_state() {
        let hook = Arc::new(Relogin {
            session: AtomicU32::new(1),
            logins: AtomicU32::new(0),
        });
        let config = config_with(hook.clone());
        let mut plan = CallPlan::new(&config, MethodCall::new("m", vec![]), HeaderMap::new());
        let (first, _) = plan.request();
        assert_eq!(first.params, vec![Value::Int(1)]);
        assert!(plan.finish(&first, fault(5)).is_none(), "one retry");
        let (second, _) = plan.request();
        assert_eq!(second.params, vec![Value::Int(2)], "the new session");
        let again: Attempt = Err(ClientError::Fault(Fault::new(5, "again")));
        let given = plan.finish(&second, again);
        assert!(
            matches!(given, Some(Err(ClientError::Fault(_)))),
            "never twice"
        );
        assert_eq!(hook.logins.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn other_outcomes_are_given_back_at_once() {
        let hook = Arc::new(Relogin {
            session: AtomicU32::new(1),
            logins: AtomicU32::new(0),
        });
        let config = config_with(hook.clone());
        let mut plan = CallPlan::new(&config, MethodCall::new("m", vec![]), HeaderMap::new());
        let (request, _) = plan.request();
        assert!(plan.finish(&request, fault(4)).is_some());
        let ok: Attempt = Ok((MethodResponse::Success(Value::Nil), ()));
        assert!(plan.finish(&request, ok).is_some());
        let closed: Attempt = Err(ClientError::Closed { retryable: false });
        assert!(plan.finish(&request, closed).is_some());
        assert_eq!(hook.logins.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn without_a_hook_the_call_goes_as_given() {
        let config = ClientConfig::builder("http://x/").build().expect("config");
        let mut headers = HeaderMap::new();
        headers.insert("x-call", http::HeaderValue::from_static("1"));
        let mut plan = CallPlan::new(&config, MethodCall::new("m", vec![Value::Int(7)]), headers);
        let (request, headers) = plan.request();
        assert_eq!(request.method, "m");
        assert_eq!(request.params, vec![Value::Int(7)]);
        assert_eq!(headers.len(), 1);
        assert!(plan.finish(&request, fault(5)).is_some());
    }
}
