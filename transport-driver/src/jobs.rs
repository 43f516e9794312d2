//! Running what the router hands out, the runtime's way.

use futures_util::future::join_all;
use xmlrpc_proto::service::Dispatch;
use xmlrpc_proto::{fault_code, Fault, MethodResponse};

use crate::Runtime;

/// Runs a routed call to its response: handlers registered as blocking on
/// the blocking pool, async ones on this task, and a multicall's entries
/// concurrently, answered in order. (Other synchronous handlers ran inline
/// while the router routed the call: they come back `Ready`.)
pub async fn run<R: Runtime>(rt: &R, job: Dispatch) -> MethodResponse {
    match job {
        Dispatch::Multicall(multicall) => {
            let (jobs, answer) = multicall.into_jobs();
            let answers = join_all(jobs.into_iter().map(|job| run_one(rt, job))).await;
            answer.finish(answers)
        }
        job => run_one(rt, job).await,
    }
}

async fn run_one<R: Runtime>(rt: &R, job: Dispatch) -> MethodResponse {
    match job {
        Dispatch::Ready(response) => response,
        Dispatch::Blocking(call) => rt
            .spawn_blocking(move || call.run())
            .await
            .unwrap_or_else(|| internal("the blocking pool dropped the call")),
        Dispatch::Async(future) => future.await,
        Dispatch::Multicall(_) => internal("a multicall job is never a multicall"),
    }
}

fn internal(why: &str) -> MethodResponse {
    MethodResponse::Fault(Fault::new(
        fault_code::INTERNAL_ERROR,
        format!("internal error: {why}"),
    ))
}
