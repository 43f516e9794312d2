//! The router every adapter serves in the suite: the demo service plus a few
//! methods that let a test see what the server saw.
//!
//! | method | does |
//! |---|---|
//! | `echo(x)` | returns `x` (the core's demo service) |
//! | `factorial(n)` | demo service: int, i8 past 32 bits, -32602 outside 0..=20 |
//! | `validator1.*` | demo service: the classic conformance suite |
//! | `suite.sleep(ms)` | blocks the handler `ms` milliseconds, returns `ms`; registered as blocking (the async servers run it on their blocking pool) |
//! | `suite.async_echo(x)` | an async handler returning `x` |
//! | `suite.count()` | counts the call server-side, returns the count so far |
//! | `suite.peer()` | the peer address the transport put in the context |
//! | `suite.header(name)` | that request header's value, `""` when absent |
//! | `suite.user()` | the Basic-auth user, `""` when none |
//! | `suite.fault(code, msg)` | answers with that fault |
//! | `suite.panic()` | panics, inline (the router turns it into -32603) |

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use xmlrpc_proto::service::{Context, Router};
use xmlrpc_proto::{fault_code, Fault, Value};

/// Counters the suite's handlers keep, so tests can wait for the server.
#[derive(Debug, Default)]
pub struct SuiteState {
    /// `suite.sleep` calls currently sleeping.
    pub sleeping: AtomicUsize,
    /// `suite.sleep` calls that finished.
    pub slept: AtomicUsize,
    /// `suite.count` calls the server ran.
    pub counted: AtomicUsize,
}

impl SuiteState {
    /// Waits until `n` sleeps are in progress; false after `limit`.
    pub fn wait_sleeping(&self, n: usize, limit: Duration) -> bool {
        let start = Instant::now();
        while self.sleeping.load(Ordering::SeqCst) < n {
            if start.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        true
    }
}

/// The suite's router and the state its handlers share.
pub struct SuiteService {
    /// Hand this to `Adapter::start_server`.
    pub router: Arc<Router>,
    /// What the handlers observed.
    pub state: Arc<SuiteState>,
}

/// Builds the suite's router (see the module table): the demo service
/// plus raw probe handlers.
pub fn suite_service() -> SuiteService {
    let state = Arc::new(SuiteState::default());
    let mut router = Router::new();
    // echo, factorial and validator1 come from the core's demo service.
    xmlrpc_demo::register(&mut router);
    let sleeper = Arc::clone(&state);
    router
        .register_raw("suite.sleep", move |params: Vec<Value>| {
            let ms = int_param(&params)?;
            sleeper.sleeping.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(ms as u64));
            sleeper.sleeping.fetch_sub(1, Ordering::SeqCst);
            sleeper.slept.fetch_add(1, Ordering::SeqCst);
            Ok::<_, Fault>(Value::Int(ms))
        })
        .help("Sleeps n milliseconds, returns n.")
        // It blocks: the async servers run it on their blocking pool.
        .blocking();
    let counter = Arc::clone(&state);
    router.register_raw("suite.count", move |_: Vec<Value>| {
        let n = counter.counted.fetch_add(1, Ordering::SeqCst) + 1;
        Ok::<_, Fault>(Value::Int(i32::try_from(n).unwrap_or(i32::MAX)))
    });
    router.register_raw_async(
        "suite.async_echo",
        |params: Vec<Value>, _ctx: Context| async move { one(params) },
    );
    router.register_raw_with_context("suite.peer", |_: Vec<Value>, ctx: &Context| {
        Ok::<_, Fault>(Value::String(
            ctx.peer.as_deref().unwrap_or_default().to_owned(),
        ))
    });
    router.register_raw_with_context("suite.header", |params: Vec<Value>, ctx: &Context| {
        let name = one(params)?;
        let value = name
            .as_str()
            .and_then(|n| ctx.headers.get(n))
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Ok::<_, Fault>(Value::String(value.to_string()))
    });
    router.register_raw_with_context("suite.user", |_: Vec<Value>, ctx: &Context| {
        Ok::<_, Fault>(Value::String(ctx.user.clone().unwrap_or_default()))
    });
    router.register_raw("suite.fault", |params: Vec<Value>| {
        let code = int_param(&params)?;
        let message = params.get(1).and_then(Value::as_str).unwrap_or_default();
        Err::<Value, _>(Fault::new(code, message))
    });
    router.register_raw("suite.panic", |_: Vec<Value>| -> Result<Value, Fault> {
        panic!("suite.panic was called")
    });
    SuiteService {
        router: Arc::new(router),
        state,
    }
}

fn invalid(message: &str) -> Fault {
    Fault::new(fault_code::INVALID_PARAMS, message)
}

/// The single param of a one-argument method.
fn one(params: Vec<Value>) -> Result<Value, Fault> {
    let mut params = params.into_iter();
    match (params.next(), params.next()) {
        (Some(value), None) => Ok(value),
        _ => Err(invalid("expected exactly one param")),
    }
}

/// The first param as an int.
fn int_param(params: &[Value]) -> Result<i32, Fault> {
    match params.first() {
        Some(Value::Int(n)) => Ok(*n),
        _ => Err(invalid("params[0]: expected int")),
    }
}
