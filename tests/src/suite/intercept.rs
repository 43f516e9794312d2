//! Interceptors and per-call headers: the credentials real deployments put
//! in the call (aria2's token first, Bugzilla's API key in the struct,
//! Magento's session with a re-login on fault 5), against a server that
//! counts what it saw.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use http::{HeaderMap, HeaderValue};
use xmlrpc_proto::client::{ClientError, FaultAction, Interceptor, OutgoingCall};
use xmlrpc_proto::service::{Context, Router};
use xmlrpc_proto::{Fault, MethodCall, Struct, Value};

use super::{client, expect_fault};
use crate::{Adapter, ClientOpts, RunningServer, ServerOpts, SuiteClient};

const TOKEN: &str = "token:s3cret";
const API_KEY: &str = "bz-key-42";
/// Magento's "session expired or invalid" fault.
const SESSION_EXPIRED: i32 = 5;

/// What the deployment-like server counted.
#[derive(Default)]
struct Counters {
    /// `magento.call` and `magento.always_expired` calls that arrived.
    calls: AtomicUsize,
    /// `magento.login` calls.
    logins: AtomicUsize,
    /// The session `magento.call` accepts (changed by each login).
    session: Mutex<String>,
}

fn deployment_router(counters: Arc<Counters>) -> Router {
    let mut router = Router::new();
    // aria2: the secret is the first param.
    router.register_raw("aria2.tellStatus", |params: Vec<Value>| {
        match params.first().and_then(Value::as_str) {
            Some(TOKEN) => Ok(params.get(1).cloned().unwrap_or(Value::Nil)),
            _ => Err(Fault::new(1, "Unauthorized")),
        }
    });
    // Bugzilla: the key is a member of the one struct param.
    router.register_raw("Bug.get", |params: Vec<Value>| {
        let Some(Value::Struct(members)) = params.first() else {
            return Err(Fault::new(32000, "expected a struct"));
        };
        match members.get("Bugzilla_api_key").and_then(Value::as_str) {
            Some(API_KEY) => Ok(members.get("ids").cloned().unwrap_or(Value::Nil)),
            _ => Err(Fault::new(
                410,
                "You must log in before using this part of Bugzilla.",
            )),
        }
    });
    let login = Arc::clone(&counters);
    router.register_raw("magento.login", move |_: Vec<Value>| {
        let n = login.logins.fetch_add(1, Ordering::SeqCst) + 1;
        let session = format!("session-{n}");
        *login.session.lock().unwrap_or_else(|e| e.into_inner()) = session.clone();
        Ok::<_, Fault>(Value::String(session))
    });
    let call = Arc::clone(&counters);
    router.register_raw("magento.call", move |params: Vec<Value>| {
        call.calls.fetch_add(1, Ordering::SeqCst);
        let valid = call
            .session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        match params.first().and_then(Value::as_str) {
            Some(s) if s == valid && !valid.is_empty() => {
                Ok(params.get(1).cloned().unwrap_or(Value::Nil))
            }
            _ => Err(Fault::new(
                SESSION_EXPIRED,
                "Session expired. Try to relogin.",
            )),
        }
    });
    let always = Arc::clone(&counters);
    router.register_raw("magento.always_expired", move |_: Vec<Value>| {
        always.calls.fetch_add(1, Ordering::SeqCst);
        Err::<Value, _>(Fault::new(
            SESSION_EXPIRED,
            "Session expired. Try to relogin.",
        ))
    });
    router.register_raw_with_context("probe.header", |params: Vec<Value>, ctx: &Context| {
        let name = params.first().and_then(Value::as_str).unwrap_or_default();
        let value = ctx
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        Ok::<_, Fault>(Value::String(value))
    });
    router
}

fn serve_deployment<A: Adapter>() -> (RunningServer, Arc<Counters>) {
    let counters = Arc::new(Counters::default());
    let router = deployment_router(Arc::clone(&counters));
    let server = A::start_server(Arc::new(router), ServerOpts::default());
    (server, counters)
}

fn intercepted<A: Adapter>(url: &str, hook: Arc<dyn Interceptor>) -> Box<dyn SuiteClient> {
    let opts = ClientOpts {
        interceptor: Some(hook),
        ..ClientOpts::default()
    };
    client::<A>(url, &opts)
}

/// aria2: `"token:SECRET"` inserted as the first param of every call.
struct Aria2Token;

impl Interceptor for Aria2Token {
    fn before_call(&self, call: &mut OutgoingCall) {
        call.params.insert(0, Value::from(TOKEN));
    }
}

/// Bugzilla: `Bugzilla_api_key` inserted inside the first struct param.
struct BugzillaKey;

impl Interceptor for BugzillaKey {
    fn before_call(&self, call: &mut OutgoingCall) {
        if let Some(Value::Struct(members)) = call.params.first_mut() {
            members.insert("Bugzilla_api_key", API_KEY);
        }
    }
}

/// Magento: the session goes first; on fault 5 the hook logs in again
/// (through a client of its own) and asks for the one retry.
struct MagentoSession {
    session: Mutex<String>,
    login: Box<dyn SuiteClient>,
}

impl Interceptor for MagentoSession {
    fn before_call(&self, call: &mut OutgoingCall) {
        if call.method.starts_with("magento.") && call.method != "magento.login" {
            let session = self.session.lock().unwrap_or_else(|e| e.into_inner());
            call.params.insert(0, Value::String(session.clone()));
        }
    }

    fn after_fault(&self, _: &MethodCall, fault: &Fault) -> FaultAction {
        if fault.code != SESSION_EXPIRED {
            return FaultAction::Return;
        }
        // A hook is synchronous and runs inside the async clients' futures:
        // log in on a thread of its own, not on the caller's runtime.
        let login = std::thread::scope(|s| {
            s.spawn(|| self.login.call_value("magento.login", vec![]))
                .join()
        });
        match login.unwrap_or_else(|_| Err(ClientError::Protocol("login panicked".into()))) {
            Ok(Value::String(session)) => {
                *self.session.lock().unwrap_or_else(|e| e.into_inner()) = session;
                FaultAction::RetryOnce
            }
            _ => FaultAction::Return,
        }
    }
}

/// An aria2-style token reaches the server first in every call, through
/// `call_value`, the typed path and `multicall` alike; without the hook the
/// server refuses.
pub fn interceptor_inserts_a_token_first<A: Adapter>() {
    let (server, _) = serve_deployment::<A>();
    let client = intercepted::<A>(&server.url, Arc::new(Aria2Token));
    let status = client.call_value("aria2.tellStatus", vec![Value::from("2089b05ecca3d829")]);
    assert_eq!(status.ok(), Some(Value::from("2089b05ecca3d829")));
    assert_eq!(client.call_i64("aria2.tellStatus", 7).ok(), Some(7));
    let plain = super::client::<A>(&server.url, &ClientOpts::default());
    let refused = expect_fault(plain.call_value("aria2.tellStatus", vec![Value::Int(1)]));
    assert_eq!(refused.code, 1);
}

/// A Bugzilla-style API key is added inside the first struct param.
pub fn interceptor_inserts_an_api_key_in_the_struct<A: Adapter>() {
    let (server, _) = serve_deployment::<A>();
    let client = intercepted::<A>(&server.url, Arc::new(BugzillaKey));
    let mut query = Struct::new();
    query.insert(
        "ids",
        Value::Array(vec![Value::Int(12), Value::Int(13)].into()),
    );
    let bugs = client.call_value("Bug.get", vec![Value::Struct(query.clone())]);
    assert_eq!(
        bugs.ok(),
        Some(Value::Array(vec![Value::Int(12), Value::Int(13)].into()))
    );
    let plain = super::client::<A>(&server.url, &ClientOpts::default());
    assert_eq!(
        expect_fault(plain.call_value("Bug.get", vec![Value::Struct(query)])).code,
        410
    );
}

/// A stale session faults with 5; the hook logs in again and the call is
/// sent exactly once more (the server counts two calls and one login).
/// A call that faults 5 every time is still retried only once.
pub fn interceptor_relogins_once_after_a_fault<A: Adapter>() {
    let (server, counters) = serve_deployment::<A>();
    let hook = Arc::new(MagentoSession {
        session: Mutex::new("stale".into()),
        login: client::<A>(&server.url, &ClientOpts::default()),
    });
    let client = intercepted::<A>(&server.url, hook.clone());
    let answer = client.call_value("magento.call", vec![Value::from("catalog_product.info")]);
    assert_eq!(answer.ok(), Some(Value::from("catalog_product.info")));
    assert_eq!(counters.calls.load(Ordering::SeqCst), 2, "one retry");
    assert_eq!(counters.logins.load(Ordering::SeqCst), 1);

    // The new session is kept: the next call needs no retry.
    assert!(client
        .call_value("magento.call", vec![Value::Int(1)])
        .is_ok());
    assert_eq!(counters.calls.load(Ordering::SeqCst), 3);
    assert_eq!(counters.logins.load(Ordering::SeqCst), 1);

    // Never more than one retry per call, whatever the hook says.
    let fault = expect_fault(client.call_value("magento.always_expired", vec![]));
    assert_eq!(fault.code, SESSION_EXPIRED);
    assert_eq!(
        counters.calls.load(Ordering::SeqCst),
        5,
        "exactly two attempts"
    );
    assert_eq!(counters.logins.load(Ordering::SeqCst), 2);
}

/// Headers given to one call reach the server with that call only, after
/// the client's own; an interceptor may add headers too.
pub fn per_call_headers_reach_the_server<A: Adapter>() {
    struct Trace;
    impl Interceptor for Trace {
        fn before_call(&self, call: &mut OutgoingCall) {
            call.headers
                .insert("x-trace", HeaderValue::from_static("hooked"));
        }
    }
    let (server, _) = serve_deployment::<A>();
    let opts = ClientOpts {
        headers: vec![("X-Client".into(), "always".into())],
        ..ClientOpts::default()
    };
    let client = client::<A>(&server.url, &opts);
    let mut headers = HeaderMap::new();
    headers.insert("x-call", HeaderValue::from_static("once"));
    headers.insert("content-length", HeaderValue::from_static("1"));
    let probe = |c: &dyn SuiteClient, name: &str, headers: HeaderMap| {
        c.call_value_with_headers("probe.header", vec![Value::from(name)], headers)
            .map_err(|e: ClientError| e.to_string())
    };
    assert_eq!(
        probe(client.as_ref(), "x-call", headers.clone()),
        Ok(Value::from("once"))
    );
    assert_eq!(
        probe(client.as_ref(), "x-client", headers),
        Ok(Value::from("always"))
    );
    assert_eq!(
        probe(client.as_ref(), "x-call", HeaderMap::new()),
        Ok(Value::from(""))
    );
    // A per-call header replaces the client's header of that name.
    let mut replace = HeaderMap::new();
    replace.insert("x-client", HeaderValue::from_static("this call"));
    assert_eq!(
        probe(client.as_ref(), "x-client", replace),
        Ok(Value::from("this call"))
    );

    let hooked = intercepted::<A>(&server.url, Arc::new(Trace));
    assert_eq!(
        probe(hooked.as_ref(), "x-trace", HeaderMap::new()),
        Ok(Value::from("hooked"))
    );
}
