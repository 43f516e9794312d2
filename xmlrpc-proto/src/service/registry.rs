//! The method table: each name's handler, help text and signatures.

use std::collections::HashMap;
use std::sync::Arc;

use super::panic::BoxFuture;
use super::signature::Signature;
use super::Context;
use crate::{Fault, Value};

/// A synchronous handler, type-erased: params and context in, result out.
pub(crate) type SyncFn = dyn Fn(Vec<Value>, &Context) -> Result<Value, Fault> + Send + Sync;

/// An asynchronous handler, type-erased: returns a boxed future.
pub(crate) type AsyncFn =
    dyn Fn(Vec<Value>, Context) -> BoxFuture<Result<Value, Fault>> + Send + Sync;

/// How a registered method runs.
#[derive(Clone)]
pub(crate) enum Callable {
    /// Runs to completion on the calling thread.
    Sync(Arc<SyncFn>),
    /// Returns a future.
    Async(Arc<AsyncFn>),
}

/// One registered method.
pub(crate) struct Method {
    /// The name, shared with the calls in flight (for panic faults).
    pub(crate) name: Arc<str>,
    pub(crate) callable: Callable,
    pub(crate) help: String,
    /// `None`: unknown (`system.methodSignature` answers `undef`).
    pub(crate) signatures: Option<Vec<Signature>>,
    /// A synchronous handler that may block: handed to the adapter as
    /// [`Dispatch::Blocking`](super::Dispatch::Blocking) for its blocking
    /// pool, instead of run inline while routing.
    pub(crate) blocking: bool,
}

/// Method names to methods.
#[derive(Default)]
pub(crate) struct Registry {
    methods: HashMap<Box<str>, Method>,
}

impl Registry {
    /// The method called `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Method> {
        self.methods.get(name)
    }

    /// Adds or replaces `name`; returns the entry for the builder.
    pub(crate) fn insert(
        &mut self,
        name: String,
        callable: Callable,
        signature: Option<Signature>,
    ) -> &mut Method {
        let method = Method {
            name: Arc::from(name.as_str()),
            callable,
            help: String::new(),
            signatures: signature.map(|s| vec![s]),
            blocking: false,
        };
        let slot = self.methods.entry(name.into_boxed_str());
        match slot {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                e.insert(method);
                e.into_mut()
            }
            std::collections::hash_map::Entry::Vacant(e) => e.insert(method),
        }
    }

    /// Removes `name`; true when it was registered.
    pub(crate) fn remove(&mut self, name: &str) -> bool {
        self.methods.remove(name).is_some()
    }

    /// Registered names, in no particular order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.methods.keys().map(|k| &**k)
    }
}

/// Sets the help text and signatures of a method just registered.
///
/// Returned by every `Router::register*` call:
///
/// ```
/// # use xmlrpc_proto::{service::Router, Fault, Value};
/// let mut router = Router::new();
/// router
///     .register_raw("sum", |params: Vec<Value>| -> Result<Value, Fault> {
///         Ok(Value::Int(params.iter().filter_map(Value::as_i64).sum::<i64>() as i32))
///     })
///     .help("Adds its int arguments.")
///     .signature(["int", "int", "int"]);
/// ```
pub struct MethodBuilder<'r> {
    method: &'r mut Method,
}

impl<'r> MethodBuilder<'r> {
    pub(crate) fn new(method: &'r mut Method) -> Self {
        MethodBuilder { method }
    }

    /// The text `system.methodHelp` returns.
    pub fn help(self, text: impl Into<String>) -> Self {
        self.method.help = text.into();
        self
    }

    /// Replaces the signatures (derived or earlier) with this one:
    /// `[return type, param types...]`, e.g. `["int", "int"]`.
    pub fn signature<I, S>(self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.method.signatures = Some(vec![Signature::new(types)]);
        self
    }

    /// Adds one more signature (for methods taking several forms). When the
    /// signatures were unknown, this becomes the first.
    pub fn add_signature<I, S>(self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.method
            .signatures
            .get_or_insert_with(Vec::new)
            .push(Signature::new(types));
        self
    }

    /// Sets the one signature, or none (`undef`).
    pub(crate) fn set_signature(self, signature: Option<Signature>) -> Self {
        self.method.signatures = signature.map(|s| vec![s]);
        self
    }

    /// Forgets the signatures: `system.methodSignature` answers `undef`.
    pub fn no_signature(self) -> Self {
        self.method.signatures = None;
        self
    }

    /// Marks a synchronous handler as one that may block (sleeps, disk or
    /// network I/O, long computations). The router then hands its calls to
    /// the adapter as [`Dispatch::Blocking`](super::Dispatch::Blocking), which
    /// the async servers run on their runtime's blocking pool: **a slow
    /// handler never blocks other connections** holds for handlers marked
    /// blocking. Unmarked synchronous handlers run inline, while the call is
    /// routed, on the connection's own task: they must be cheap (no more
    /// than microseconds, like `factorial`), as a slow one stalls the other
    /// connections that share its executor thread. Async handlers run on
    /// the runtime and ignore the mark. [`Router::register_blocking`](super::Router::register_blocking)
    /// registers and marks in one step.
    pub fn blocking(self) -> Self {
        self.method.blocking = true;
        self
    }
}
