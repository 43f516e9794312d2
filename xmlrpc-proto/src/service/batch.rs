//! `system.multicall` on the server side (SPEC rule 23): many calls in one
//! request, routed here and run by the adapter as jobs.
//!
//! Each entry is routed like a call of its own; a malformed entry, an unknown
//! method or a nested `system.multicall` faults that entry only. Routing
//! gives a [`Multicall`]: one job per entry ([`Dispatch::Ready`],
//! [`Dispatch::Blocking`] or [`Dispatch::Async`]; a synchronous handler not
//! marked blocking has run while routing and is `Ready`), which the adapter
//! runs its own way (blocking entries on its blocking pool, async ones on its runtime,
//! concurrently where it can) and hands back in order to
//! [`MulticallAnswer::finish`]. The core never waits for anything itself.

use std::sync::Arc;

use super::introspection::excerpt;
use super::panic::guarded;
use super::registry::Callable;
use super::router::{response, start_async, BlockingCall, Dispatch, Route, Router};
use super::system::System;
use super::Context;
use crate::{fault_code, Array, Fault, MethodResponse, Struct, Value};

/// A routed `system.multicall`: its entries, each a job for the adapter.
pub struct Multicall {
    jobs: Vec<Dispatch>,
}

/// Puts the answers of a [`Multicall`]'s jobs back together.
#[derive(Debug)]
pub struct MulticallAnswer {
    count: usize,
}

impl Multicall {
    /// The jobs, one per entry in order, and what assembles their answers.
    pub fn into_jobs(self) -> (Vec<Dispatch>, MulticallAnswer) {
        let count = self.jobs.len();
        (self.jobs, MulticallAnswer { count })
    }

    /// How many entries the multicall holds.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// True for an empty multicall.
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }
}

impl std::fmt::Debug for Multicall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Multicall")
            .field("entries", &self.jobs.len())
            .finish()
    }
}

impl MulticallAnswer {
    /// The multicall's response from the jobs' answers, in job order: each
    /// success becomes `[value]`, each fault `{faultCode, faultString}`. A
    /// missing answer (fewer than the jobs) is that entry's fault -32603.
    pub fn finish(self, answers: Vec<MethodResponse>) -> MethodResponse {
        let mut out = Array::with_capacity(self.count);
        let mut answers = answers.into_iter();
        for _ in 0..self.count {
            let result = match answers.next() {
                Some(MethodResponse::Success(value)) => Ok(value),
                Some(MethodResponse::Fault(fault)) => Err(fault),
                None => Err(Fault::new(
                    fault_code::INTERNAL_ERROR,
                    "internal error: multicall entry was not run",
                )),
            };
            out.push(entry_value(result));
        }
        MethodResponse::Success(Value::Array(out))
    }
}

/// Routes every entry of a `system.multicall`.
pub(crate) fn dispatch(router: &Router, params: Vec<Value>, ctx: Context) -> Dispatch {
    match route_batch(router, params, &ctx) {
        Ok(jobs) => Dispatch::Multicall(Multicall { jobs }),
        Err(fault) => Dispatch::Ready(MethodResponse::Fault(fault)),
    }
}

/// Checks the params and routes every entry.
fn route_batch(router: &Router, params: Vec<Value>, ctx: &Context) -> Result<Vec<Dispatch>, Fault> {
    let calls = calls_of(params, router.system_methods().max_multicall_entries)?;
    Ok(calls
        .into_iter()
        .map(|call| route_entry(router, call, ctx))
        .collect())
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
fn route_entry(router: &Router, call: Value, ctx: &Context) -> Dispatch {
    let (name, params) = match parse_entry(call) {
        Ok(parsed) => parsed,
        Err(message) => {
            return Dispatch::Ready(MethodResponse::Fault(Fault::new(
                fault_code::INVALID_XMLRPC,
                format!("malformed multicall entry: {message}"),
            )))
        }
    };
    match router.route(&name, params) {
        Route::Done(result) => Dispatch::Ready(response(result)),
        Route::Multicall(_) => Dispatch::Ready(MethodResponse::Fault(Fault::new(
            fault_code::INVALID_XMLRPC,
            "system.multicall may not be nested in system.multicall",
        ))),
        Route::Call(method, params) => match &method.callable {
            Callable::Sync(handler) if method.blocking => Dispatch::Blocking(BlockingCall::new(
                Arc::clone(&method.name),
                Arc::clone(handler),
                params,
                ctx.clone(),
            )),
            Callable::Sync(handler) => {
                Dispatch::Ready(response(guarded(&method.name, || handler(params, ctx))))
            }
            Callable::Async(handler) => match start_async(method, handler, params, ctx.clone()) {
                Ok(future) => Dispatch::Async(Box::pin(async move { response(future.await) })),
                Err(fault) => Dispatch::Ready(MethodResponse::Fault(fault)),
            },
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
