//! `system.multicall` (SPEC rule 23): many calls in one request.
//!
//! Each entry is routed like a call of its own; a malformed entry, an unknown
//! method or a nested `system.multicall` faults that entry only. When every
//! entry is answered at routing time the result is ready at once; when any
//! handler is synchronous the batch becomes one [`BlockingCall`], which also
//! waits there for its asynchronous entries (a sync handler must never run
//! on an async executor); when all handlers are asynchronous the batch is
//! one future.
//!
//! [`Router::handle_body`] and [`Router::handle_body_async`] run everything
//! inline by their contract, so they take the batch as one future always
//! ([`dispatch_inline`]).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use super::block_on::block_on;
use super::introspection::excerpt;
use super::panic::{guarded, panic_fault, CatchPanic};
use super::registry::{AsyncFn, Callable, SyncFn};
use super::router::{BlockingCall, Dispatch, Route, Router};
use super::system::System;
use super::Context;
use crate::{fault_code, Array, Fault, MethodResponse, Struct, Value};

/// One call of a batch, as routed.
enum Entry {
    /// Answered while routing (a fault, or a system method).
    Done(Result<Value, Fault>),
    Sync {
        name: Arc<str>,
        handler: Arc<SyncFn>,
        params: Vec<Value>,
    },
    Async(AsyncEntry),
}

/// An entry whose handler returns a future.
struct AsyncEntry {
    name: Arc<str>,
    handler: Arc<AsyncFn>,
    params: Vec<Value>,
}

impl AsyncEntry {
    /// Starts and awaits the handler; panics become -32603.
    async fn run(self, ctx: Context) -> Result<Value, Fault> {
        let AsyncEntry {
            name,
            handler,
            params,
        } = self;
        match catch_unwind(AssertUnwindSafe(|| handler(params, ctx))) {
            Ok(future) => CatchPanic::new(name, future).await,
            Err(payload) => Err(panic_fault(&name, payload)),
        }
    }
}

/// A routed multicall waiting to run.
pub(crate) struct Batch {
    entries: Vec<Entry>,
    ctx: Context,
}

/// Routes every entry of a `system.multicall` and says how to run them:
/// any sync entry makes the batch blocking work (async entries are then
/// awaited on that blocking thread), async entries alone make it a future.
pub(crate) fn dispatch(router: &Router, params: Vec<Value>, ctx: Context) -> Dispatch {
    let batch = match route_batch(router, params, ctx) {
        Ok(batch) => batch,
        Err(fault) => return Dispatch::Ready(MethodResponse::Fault(fault)),
    };
    if batch.has(|e| matches!(e, Entry::Sync { .. })) {
        Dispatch::Blocking(BlockingCall::multicall(batch))
    } else if batch.has(|e| matches!(e, Entry::Async(_))) {
        Dispatch::Async(Box::pin(batch.run_async()))
    } else {
        Dispatch::Ready(MethodResponse::Success(batch.run_sync()))
    }
}

/// Like [`dispatch`], for callers that run sync handlers inline anyway
/// (`handle_body*`): with any async entry the batch is one future that runs
/// its sync entries inline when polled.
pub(crate) fn dispatch_inline(router: &Router, params: Vec<Value>, ctx: Context) -> Dispatch {
    let batch = match route_batch(router, params, ctx) {
        Ok(batch) => batch,
        Err(fault) => return Dispatch::Ready(MethodResponse::Fault(fault)),
    };
    if batch.has(|e| matches!(e, Entry::Async(_))) {
        Dispatch::Async(Box::pin(batch.run_async()))
    } else {
        Dispatch::Ready(MethodResponse::Success(batch.run_sync()))
    }
}

/// Checks the params and routes every entry.
fn route_batch(router: &Router, params: Vec<Value>, ctx: Context) -> Result<Batch, Fault> {
    let calls = calls_of(params, router.system_methods().max_multicall_entries)?;
    let entries: Vec<Entry> = calls
        .into_iter()
        .map(|call| route_entry(router, call))
        .collect();
    Ok(Batch { entries, ctx })
}

/// The array of calls inside the params, checked against the cap.
fn calls_of(params: Vec<Value>, max: usize) -> Result<Array, Fault> {
    let method = System::Multicall.name();
    let n = params.len();
    let mut params = params.into_iter();
    let calls = match (params.next(), n) {
        (Some(Value::Array(calls)), 1) => calls,
        (Some(other), 1) => {
            return Err(invalid_params(format_args!(
                "params[0]: expected array, found {}",
                other.type_name()
            )))
        }
        (None, _) => {
            return Err(invalid_params(
                "params[0]: missing (expected 1 parameter, found 0)",
            ))
        }
        (Some(_), n) => {
            return Err(invalid_params(format_args!(
                "params[1]: unexpected (expected 1 parameter, found {n})"
            )))
        }
    };
    if calls.len() > max {
        return Err(Fault::new(
            fault_code::INVALID_XMLRPC,
            format!(
                "{method}: limit exceeded: {} calls, max_multicall_entries is {max}",
                calls.len()
            ),
        ));
    }
    Ok(calls)
}

fn invalid_params(message: impl std::fmt::Display) -> Fault {
    super::params::invalid_params(System::Multicall.name(), message)
}

/// Routes one entry; every failure faults this entry alone.
fn route_entry(router: &Router, call: Value) -> Entry {
    let (name, params) = match parse_entry(call) {
        Ok(parsed) => parsed,
        Err(message) => {
            return Entry::Done(Err(Fault::new(
                fault_code::INVALID_XMLRPC,
                format!("malformed multicall entry: {message}"),
            )))
        }
    };
    match router.route(&name, params) {
        Route::Done(result) => Entry::Done(result),
        Route::Multicall(_) => Entry::Done(Err(Fault::new(
            fault_code::INVALID_XMLRPC,
            "system.multicall may not be nested in system.multicall",
        ))),
        Route::Call(method, params) => match &method.callable {
            Callable::Sync(handler) => Entry::Sync {
                name: method.name.clone(),
                handler: handler.clone(),
                params,
            },
            Callable::Async(handler) => Entry::Async(AsyncEntry {
                name: method.name.clone(),
                handler: handler.clone(),
                params,
            }),
        },
    }
}

/// `{methodName: string, params: array}`; other members are ignored.
fn parse_entry(call: Value) -> Result<(String, Vec<Value>), String> {
    let Value::Struct(call) = call else {
        return Err(format!("expected struct, found {}", call.type_name()));
    };
    let mut name = None;
    let mut params = None;
    for (key, value) in call {
        match key.as_str() {
            "methodName" => name = Some(value),
            "params" => params = Some(value),
            _ => {}
        }
    }
    let name = match name {
        Some(Value::String(name)) => name,
        Some(other) => {
            return Err(format!(
                "methodName: expected string, found {}",
                other.type_name()
            ))
        }
        None => return Err("methodName: missing".to_owned()),
    };
    let params = match params {
        Some(Value::Array(params)) => params.into_vec(),
        Some(other) => {
            return Err(format!(
                "params of {}: expected array, found {}",
                excerpt(&name),
                other.type_name()
            ))
        }
        None => return Err(format!("params of {}: missing", excerpt(&name))),
    };
    Ok((name, params))
}

/// One entry's slot in the answer: `[result]`, or `{faultCode, faultString}`.
fn entry_value(result: Result<Value, Fault>) -> Value {
    match result {
        Ok(value) => Value::Array(Array::from(vec![value])),
        Err(fault) => {
            let mut s = Struct::with_capacity(2);
            s.push("faultCode", Value::Int(fault.code));
            s.push("faultString", Value::String(fault.message));
            Value::Struct(s)
        }
    }
}

impl Entry {
    /// Runs a ready or sync entry on this thread; hands an async one back.
    fn run_inline(self, ctx: &Context) -> Result<Result<Value, Fault>, AsyncEntry> {
        match self {
            Entry::Done(result) => Ok(result),
            Entry::Sync {
                name,
                handler,
                params,
            } => Ok(guarded(&name, || handler(params, ctx))),
            Entry::Async(entry) => Err(entry),
        }
    }
}

impl Batch {
    /// True when any entry matches.
    fn has(&self, test: impl Fn(&Entry) -> bool) -> bool {
        self.entries.iter().any(test)
    }

    /// Runs every entry on this thread, blocking on async ones: for blocking
    /// threads only.
    pub(crate) fn run_sync(self) -> Value {
        let Batch { entries, ctx } = self;
        let mut out = Array::with_capacity(entries.len());
        for entry in entries {
            let result = match entry.run_inline(&ctx) {
                Ok(result) => result,
                Err(entry) => block_on(entry.run(ctx.clone())),
            };
            out.push(entry_value(result));
        }
        Value::Array(out)
    }

    /// Runs the entries in order, awaiting async ones.
    async fn run_async(self) -> MethodResponse {
        let Batch { entries, ctx } = self;
        let mut out = Array::with_capacity(entries.len());
        for entry in entries {
            let result = match entry.run_inline(&ctx) {
                Ok(result) => result,
                Err(entry) => entry.run(ctx.clone()).await,
            };
            out.push(entry_value(result));
        }
        MethodResponse::Success(Value::Array(out))
    }
}
