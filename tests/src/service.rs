//! The router every adapter serves in the suite: the demo service plus a few
//! methods that let a test see what the server saw.
//!
//! | method | does |
//! |---|---|
//! | `echo(x)` | returns `x` (demo service) |
//! | `factorial(n)` | demo service: int, i8 past 32 bits, -32602 outside 0..=20 |
//! | `suite.sleep(ms)` | blocks the handler `ms` milliseconds, returns `ms` |
//! | `suite.async_echo(x)` | an async handler returning `x` |
//! | `suite.peer()` | the peer address the transport put in the context |
//! | `suite.header(name)` | that request header's value, `""` when absent |
//! | `suite.user()` | the Basic-auth user, `""` when none |
//! | `suite.fault(code, msg)` | answers with that fault |
//! | `suite.panic()` | panics (the router turns it into -32603) |

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

/// Builds the suite's router (see the module table). Handlers are raw,
/// so the suite needs nothing of serde to run.
pub fn suite_service() -> SuiteService {
    let state = Arc::new(SuiteState::default());
    let mut router = Router::new();
    router
        .register_raw("echo", |params: Vec<Value>| one(params))
        .help("Returns its single argument unchanged.");
    router
        .register_raw("factorial", |params: Vec<Value>| factorial(params))
        .help("n! for 0 <= n <= 20.");
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
        .help("Sleeps n milliseconds, returns n.");
    router.register_raw_async(
        "suite.async_echo",
        |params: Vec<Value>, _ctx: Context| async move { one(params) },
    );
    router.register_raw_with_context("suite.peer", |_: Vec<Value>, ctx: &Context| {
        Ok::<_, Fault>(Value::String(ctx.peer.clone().unwrap_or_default()))
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

fn factorial(params: Vec<Value>) -> Result<Value, Fault> {
    let n = match one(params)?.as_i64() {
        Some(n) if (0..=20).contains(&n) => n,
        _ => return Err(invalid("params[0]: expected an int from 0 to 20")),
    };
    let result: i64 = (1..=n).product();
    Ok(i32::try_from(result).map_or(Value::I8(result), Value::Int))
}
