//! Handler panics become fault -32603 and the server keeps serving.
//!
//! Sync handlers run under `catch_unwind`; async handlers are wrapped in
//! [`CatchPanic`], which polls the inner future under `catch_unwind`. The
//! panic message is not sent to the caller (it may reveal internals); the
//! process's panic hook still reports it locally.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use crate::{fault_code, Fault, Value};

/// A boxed handler future, as the router stores and returns them.
pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Runs `f`, turning a panic into fault -32603 naming `method`.
pub(crate) fn guarded<F>(method: &str, f: F) -> Result<Value, Fault>
where
    F: FnOnce() -> Result<Value, Fault>,
{
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(panic_fault(method, payload)))
}

/// The fault a panic in `method` becomes.
pub(crate) fn panic_fault(method: &str, payload: Box<dyn Any + Send>) -> Fault {
    // A payload whose own Drop panics would abort the unwind; swallow that too.
    let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
    Fault::new(
        fault_code::INTERNAL_ERROR,
        format!("internal error: method '{method}' panicked"),
    )
}

/// Polls a handler future under `catch_unwind`; a panic completes it with
/// fault -32603.
pub(crate) struct CatchPanic {
    inner: Option<BoxFuture<Result<Value, Fault>>>,
    method: Arc<str>,
}

impl CatchPanic {
    /// Wraps the future of `method`.
    pub(crate) fn new(method: Arc<str>, inner: BoxFuture<Result<Value, Fault>>) -> Self {
        CatchPanic {
            inner: Some(inner),
            method,
        }
    }
}

impl Future for CatchPanic {
    type Output = Result<Value, Fault>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(Err(Fault::new(
                fault_code::INTERNAL_ERROR,
                "internal error: handler future polled after completion",
            )));
        };
        match catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(result)) => {
                self.inner = None;
                Poll::Ready(result)
            }
            Err(payload) => {
                // The future is poisoned; drop it without letting a panicking
                // destructor escape.
                let poisoned = self.inner.take();
                let _ = catch_unwind(AssertUnwindSafe(move || drop(poisoned)));
                Poll::Ready(Err(panic_fault(&self.method, payload)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    fn poll(future: &mut CatchPanic) -> Poll<Result<Value, Fault>> {
        Pin::new(future).poll(&mut TaskContext::from_waker(Waker::noop()))
    }

    #[test]
    fn a_panicking_future_completes_with_32603_once() {
        let mut future = CatchPanic::new(
            Arc::from("f"),
            Box::pin(async {
                if true {
                    panic!("bug");
                }
                Ok(Value::Nil)
            }),
        );
        match poll(&mut future) {
            Poll::Ready(Err(fault)) => {
                assert_eq!(fault.code, fault_code::INTERNAL_ERROR);
                assert!(fault.message.contains("'f'"), "{}", fault.message);
            }
            other => panic!("expected a fault, got {other:?}"),
        }
        // Polling again does not touch the poisoned future.
        assert!(matches!(poll(&mut future), Poll::Ready(Err(_))));
    }

    #[test]
    fn guarded_passes_results_through() {
        assert_eq!(guarded("f", || Ok(Value::Int(1))), Ok(Value::Int(1)));
        let fault = Fault::new(9, "nine");
        assert_eq!(guarded("f", || Err(fault.clone())), Err(fault));
    }
}
