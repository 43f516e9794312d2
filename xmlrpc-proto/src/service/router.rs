//! [`Router`]: method names to handlers.
//!
//! Registering: [`Router::register`] (typed sync closures),
//! [`Router::register_async`] (typed closures returning futures),
//! [`Router::register_raw`] (`Vec<Value>` in, `Result<Value, _>` out), and a
//! `_with_context` variant of each for handlers that want the per-call
//! [`Context`]. Each returns a [`MethodBuilder`] for help text and
//! signatures.
//!
//! Serving: [`Router::dispatch`] routes a decoded call and leaves running it
//! to the adapter; [`Router::handle_body`] and [`Router::handle_body_async`]
//! go from request body to response body.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Waker};

use bytes::{Bytes, BytesMut};

use super::async_handler::{AsyncContextHandler, AsyncHandler};
use super::batch::{self, Multicall};
use super::capabilities::{get_capabilities, Capability};
use super::handler::{ContextHandler, Handler};
use super::introspection::{list_methods, method_help, method_signature, unknown_method};
use super::panic::{guarded, panic_fault, CatchPanic};
use super::registry::{AsyncFn, Callable, Method, MethodBuilder, Registry, SyncFn};
use super::system::{System, SystemMethods};
use super::Context;
use crate::encode::encode_fault;
use crate::{decode_call, encode_response, fault_code, EncodeError, Fault, Value};
use crate::{MethodCall, MethodResponse};

/// Maps method names to handlers; `Send + Sync`, share it in an `Arc`.
///
/// ```
/// use xmlrpc_proto::{service::Router, Fault};
///
/// let mut router = Router::new();
/// router
///     .register("add", |a: i32, b: i32| -> Result<i32, Fault> { Ok(a + b) })
///     .help("Adds two ints.");
/// ```
///
/// Names of enabled built-in `system.*` methods are answered by the router
/// itself, before any handler registered under the same name.
pub struct Router {
    registry: Registry,
    system: SystemMethods,
    capabilities: Vec<Capability>,
}

/// What routing a call produced: the adapter runs it in its own way.
// Made and consumed once per call: boxing the large variant would cost an
// allocation per call to save a few bytes of stack.
#[allow(clippy::large_enum_variant)]
pub enum Dispatch {
    /// Answered already: unknown method, bad params, system methods, and
    /// every synchronous handler not marked blocking, which the router ran
    /// inline while routing (a panic in it became fault -32603).
    Ready(MethodResponse),
    /// A synchronous handler marked blocking ([`MethodBuilder::blocking`],
    /// [`Router::register_blocking`]): run it where blocking is fine
    /// (`spawn_blocking`, a worker thread). Panics become fault -32603.
    Blocking(BlockingCall),
    /// An asynchronous handler: poll it on the runtime. Panics become -32603.
    Async(AsyncCall),
    /// A `system.multicall`: one job per entry (never another multicall),
    /// for the adapter to run and hand back (see [`Multicall`]).
    Multicall(Multicall),
}

/// A synchronous handler bound to its arguments; `Send + 'static`.
pub struct BlockingCall {
    name: Arc<str>,
    handler: Arc<SyncFn>,
    params: Vec<Value>,
    ctx: Context,
}

impl BlockingCall {
    pub(crate) fn new(
        name: Arc<str>,
        handler: Arc<SyncFn>,
        params: Vec<Value>,
        ctx: Context,
    ) -> Self {
        BlockingCall {
            name,
            handler,
            params,
            ctx,
        }
    }

    /// The method this call runs.
    pub fn method(&self) -> &str {
        &self.name
    }

    /// Runs the handler. Panics become fault -32603.
    pub fn run(self) -> MethodResponse {
        let BlockingCall {
            name,
            handler,
            params,
            ctx,
        } = self;
        response(guarded(&name, || handler(params, &ctx)))
    }
}

impl std::fmt::Debug for BlockingCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingCall")
            .field("method", &self.method())
            .finish_non_exhaustive()
    }
}

/// An asynchronous handler's future.
pub type AsyncCall = Pin<Box<dyn Future<Output = MethodResponse> + Send + 'static>>;

/// How [`Router::route`] resolved a method name.
pub(crate) enum Route<'r> {
    /// Answered while routing.
    Done(Result<Value, Fault>),
    /// A registered method to run on these params.
    Call(&'r Method, Vec<Value>),
    /// `system.multicall` with its params.
    Multicall(Vec<Value>),
}

impl Router {
    /// An empty router with the system methods on.
    pub fn new() -> Self {
        Router {
            registry: Registry::default(),
            system: SystemMethods::all(),
            capabilities: Vec::new(),
        }
    }

    /// The method table (for the docs page).
    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Which system methods are on, and the multicall cap.
    pub fn system_methods(&self) -> &SystemMethods {
        &self.system
    }

    /// Switches system methods on or off and sets the multicall cap.
    pub fn set_system_methods(&mut self, system: SystemMethods) -> &mut Self {
        self.system = system;
        self
    }

    /// Adds (or replaces) an entry in `system.getCapabilities`.
    pub fn add_capability(&mut self, capability: Capability) -> &mut Self {
        self.capabilities.retain(|c| c.name != capability.name);
        self.capabilities.push(capability);
        self
    }

    /// Registers a typed synchronous handler under `name` (replacing any
    /// earlier one): `|n: u32| -> Result<u64, Fault>`, up to 8 arguments.
    /// The signature is derived from the types where they have XML-RPC names.
    ///
    /// The handler runs inline, on the connection's task, while the call is
    /// routed: it must be cheap. One that may block (sleeps, I/O, long
    /// computations) is registered with [`Router::register_blocking`] or
    /// marked with [`MethodBuilder::blocking`], and then runs on the
    /// runtime's blocking pool, never holding up other connections.
    pub fn register<Args, H>(&mut self, name: impl Into<String>, handler: H) -> MethodBuilder<'_>
    where
        H: Handler<Args>,
    {
        let f = move |params: Vec<Value>, _: &Context| handler.call(params);
        self.insert(name, Callable::Sync(Arc::new(f)), H::signature())
    }

    /// Like [`Router::register`], for a handler that may block: its calls
    /// are handed to the adapter as [`Dispatch::Blocking`] (the async
    /// servers run them on their blocking pool), so a slow call never holds
    /// up other connections. Same as `register(..).blocking()`; the other
    /// synchronous `register*` methods take [`MethodBuilder::blocking`] too.
    pub fn register_blocking<Args, H>(
        &mut self,
        name: impl Into<String>,
        handler: H,
    ) -> MethodBuilder<'_>
    where
        H: Handler<Args>,
    {
        self.register(name, handler).blocking()
    }

    /// Like [`Router::register`], for handlers that take the per-call
    /// [`Context`] first: `|ctx: &Context, n: u32| -> Result<u64, Fault>`.
    pub fn register_with_context<Args, H>(
        &mut self,
        name: impl Into<String>,
        handler: H,
    ) -> MethodBuilder<'_>
    where
        H: ContextHandler<Args>,
    {
        let f = move |params: Vec<Value>, ctx: &Context| handler.call(params, ctx);
        self.insert(name, Callable::Sync(Arc::new(f)), H::signature())
    }

    /// Registers a typed asynchronous handler: a closure returning a
    /// `Send + 'static` future of `Result<T, E>`, e.g.
    /// `|n: u32| async move { Ok::<_, Fault>(n) }`.
    pub fn register_async<Args, H>(
        &mut self,
        name: impl Into<String>,
        handler: H,
    ) -> MethodBuilder<'_>
    where
        H: AsyncHandler<Args>,
    {
        let f = move |params: Vec<Value>, _: Context| handler.call(params);
        self.insert(name, Callable::Async(Arc::new(f)), H::signature())
    }

    /// Like [`Router::register_async`], for handlers that take the owned
    /// per-call [`Context`] first.
    pub fn register_async_with_context<Args, H>(
        &mut self,
        name: impl Into<String>,
        handler: H,
    ) -> MethodBuilder<'_>
    where
        H: AsyncContextHandler<Args>,
    {
        let f = move |params: Vec<Value>, ctx: Context| handler.call(params, ctx);
        self.insert(name, Callable::Async(Arc::new(f)), H::signature())
    }

    /// Registers a raw synchronous handler: the params as they came, any
    /// number of them. Its signature is unknown unless set.
    pub fn register_raw<F, E>(&mut self, name: impl Into<String>, handler: F) -> MethodBuilder<'_>
    where
        F: Fn(Vec<Value>) -> Result<Value, E> + Send + Sync + 'static,
        E: Into<Fault>,
    {
        let f = move |params: Vec<Value>, _: &Context| handler(params).map_err(Into::into);
        self.insert(name, Callable::Sync(Arc::new(f)), None)
    }

    /// Like [`Router::register_raw`], with the per-call [`Context`].
    pub fn register_raw_with_context<F, E>(
        &mut self,
        name: impl Into<String>,
        handler: F,
    ) -> MethodBuilder<'_>
    where
        F: Fn(Vec<Value>, &Context) -> Result<Value, E> + Send + Sync + 'static,
        E: Into<Fault>,
    {
        let f = move |params: Vec<Value>, ctx: &Context| handler(params, ctx).map_err(Into::into);
        self.insert(name, Callable::Sync(Arc::new(f)), None)
    }

    /// Registers a raw asynchronous handler: params and owned context in, a
    /// `Send + 'static` future of `Result<Value, E>` out.
    pub fn register_raw_async<F, Fut, E>(
        &mut self,
        name: impl Into<String>,
        handler: F,
    ) -> MethodBuilder<'_>
    where
        F: Fn(Vec<Value>, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, E>> + Send + 'static,
        E: Into<Fault> + 'static,
    {
        let f = move |params: Vec<Value>, ctx: Context| {
            let future = handler(params, ctx);
            Box::pin(async move { future.await.map_err(Into::into) })
                as Pin<Box<dyn Future<Output = Result<Value, Fault>> + Send>>
        };
        let f: Arc<AsyncFn> = Arc::new(f);
        self.insert(name, Callable::Async(f), None)
    }

    /// Removes method `name`; true when it was registered.
    pub fn unregister(&mut self, name: &str) -> bool {
        self.registry.remove(name)
    }

    fn insert(
        &mut self,
        name: impl Into<String>,
        callable: Callable,
        signature: Option<super::Signature>,
    ) -> MethodBuilder<'_> {
        MethodBuilder::new(self.registry.insert(name.into(), callable, signature))
    }

    /// Resolves `name`: system methods answer here, registered methods are
    /// handed back to run, anything else is -32601.
    pub(crate) fn route(&self, name: &str, params: Vec<Value>) -> Route<'_> {
        if let Some(system) = self.system.lookup(name) {
            let result = match system {
                System::Multicall => return Route::Multicall(params),
                System::ListMethods => list_methods(&self.registry, &self.system, params),
                System::MethodHelp => method_help(&self.registry, &self.system, params),
                System::MethodSignature => method_signature(&self.registry, &self.system, params),
                System::GetCapabilities => {
                    get_capabilities(&self.system, &self.capabilities, params)
                }
            };
            return Route::Done(result);
        }
        match self.registry.get(name) {
            Some(method) => Route::Call(method, params),
            None => Route::Done(Err(unknown_method(name))),
        }
    }

    /// Routes `call`. Synchronous handlers not marked blocking run here,
    /// inline (their answer is [`Dispatch::Ready`]); a blocking one comes
    /// back as [`Dispatch::Blocking`], an async one as [`Dispatch::Async`],
    /// for the adapter to run its own way.
    pub fn dispatch(&self, call: MethodCall, ctx: Context) -> Dispatch {
        match self.route(&call.method, call.params) {
            Route::Done(result) => Dispatch::Ready(response(result)),
            Route::Multicall(params) => batch::dispatch(self, params, ctx),
            Route::Call(method, params) => match &method.callable {
                Callable::Sync(handler) if method.blocking => Dispatch::Blocking(
                    BlockingCall::new(method.name.clone(), handler.clone(), params, ctx),
                ),
                // Cheap by contract: run now, no hop to another thread.
                Callable::Sync(handler) => {
                    Dispatch::Ready(response(guarded(&method.name, || handler(params, &ctx))))
                }
                Callable::Async(handler) => match start_async(method, handler, params, ctx) {
                    Ok(future) => Dispatch::Async(Box::pin(async move { response(future.await) })),
                    Err(fault) => Dispatch::Ready(MethodResponse::Fault(fault)),
                },
            },
        }
    }

    /// Bytes in, bytes out: decodes a request body, routes it, runs
    /// synchronous handlers inline, and returns the encoded response body.
    /// Async handlers need [`Router::handle_body_async`]: here one is polled
    /// once and, if it is not done at once, answered with fault -32603.
    pub fn handle_body(&self, body: &[u8], ctx: Context) -> Bytes {
        let response = match decode_call(body) {
            Err(e) => MethodResponse::Fault(e.to_fault()),
            Ok(call) => self.respond_inline(call, ctx),
        };
        encode(&response)
    }

    /// Bytes in, bytes out, for any handler. Synchronous handlers run inline
    /// on the calling task.
    pub async fn handle_body_async(&self, body: &[u8], ctx: Context) -> Bytes {
        let response = match decode_call(body) {
            Err(e) => MethodResponse::Fault(e.to_fault()),
            Ok(call) => match self.dispatch(call, ctx) {
                Dispatch::Multicall(multicall) => {
                    let (jobs, answer) = multicall.into_jobs();
                    let mut answers = Vec::with_capacity(jobs.len());
                    for job in jobs {
                        answers.push(run_inline_async(job).await);
                    }
                    answer.finish(answers)
                }
                job => run_inline_async(job).await,
            },
        };
        encode(&response)
    }

    /// Answers `call` on this thread; the fast path of [`Router::handle_body`]
    /// (no `Arc` clones, no boxing for sync handlers).
    fn respond_inline(&self, call: MethodCall, ctx: Context) -> MethodResponse {
        let MethodCall { method, params } = call;
        match self.route(&method, params) {
            Route::Done(result) => response(result),
            Route::Call(method, params) => match &method.callable {
                Callable::Sync(handler) => {
                    response(guarded(&method.name, || handler(params, &ctx)))
                }
                Callable::Async(handler) => match start_async(method, handler, params, ctx) {
                    Ok(future) => response(poll_once(&method.name, future)),
                    Err(fault) => MethodResponse::Fault(fault),
                },
            },
            Route::Multicall(params) => match batch::dispatch(self, params, ctx) {
                Dispatch::Multicall(multicall) => {
                    let (jobs, answer) = multicall.into_jobs();
                    let answers = jobs.into_iter().map(|job| run_inline(job, &method));
                    answer.finish(answers.collect())
                }
                job => run_inline(job, &method),
            },
        }
    }
}

/// Runs a job on this thread: sync handlers inline, an async one polled
/// once (a sync caller can do no more).
fn run_inline(job: Dispatch, method: &str) -> MethodResponse {
    match job {
        Dispatch::Ready(response) => response,
        Dispatch::Blocking(call) => call.run(),
        Dispatch::Async(mut future) => {
            let mut cx = TaskContext::from_waker(Waker::noop());
            match future.as_mut().poll(&mut cx) {
                Poll::Ready(response) => response,
                Poll::Pending => MethodResponse::Fault(needs_async(method)),
            }
        }
        Dispatch::Multicall(_) => MethodResponse::Fault(nested_multicall()),
    }
}

/// Runs a job on this task: sync handlers inline, async ones awaited.
async fn run_inline_async(job: Dispatch) -> MethodResponse {
    match job {
        Dispatch::Ready(response) => response,
        Dispatch::Blocking(call) => call.run(),
        Dispatch::Async(future) => future.await,
        Dispatch::Multicall(_) => MethodResponse::Fault(nested_multicall()),
    }
}

/// Multicall jobs are never multicalls themselves; kept as a fault rather
/// than a panic should that ever change.
fn nested_multicall() -> Fault {
    Fault::new(
        fault_code::INVALID_XMLRPC,
        "system.multicall may not be nested in system.multicall",
    )
}

/// Creates the future of an async handler, catching a panic while creating
/// it, and wraps it so a panic while polling becomes -32603.
pub(crate) fn start_async(
    method: &Method,
    handler: &Arc<AsyncFn>,
    params: Vec<Value>,
    ctx: Context,
) -> Result<CatchPanic, Fault> {
    let future = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(params, ctx)))
        .map_err(|payload| panic_fault(&method.name, payload))?;
    Ok(CatchPanic::new(method.name.clone(), future))
}

/// Polls `future` once with a no-op waker: what a sync caller can do.
fn poll_once(name: &str, mut future: CatchPanic) -> Result<Value, Fault> {
    let mut cx = TaskContext::from_waker(Waker::noop());
    match Pin::new(&mut future).poll(&mut cx) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(needs_async(name)),
    }
}

fn needs_async(name: &str) -> Fault {
    Fault::new(
        fault_code::INTERNAL_ERROR,
        format!("internal error: method '{name}' is async; serve it with handle_body_async"),
    )
}

/// A handler's result as a response.
pub(crate) fn response(result: Result<Value, Fault>) -> MethodResponse {
    match result {
        Ok(value) => MethodResponse::Success(value),
        Err(fault) => MethodResponse::Fault(fault),
    }
}

/// Encodes `response`; a result that cannot be encoded (a NaN, a control
/// character) becomes fault -32603 instead.
pub(crate) fn encode(response: &MethodResponse) -> Bytes {
    let mut out = BytesMut::with_capacity(256);
    match encode_response(response, &mut out) {
        Ok(()) => out.freeze(),
        Err(e) => {
            out.clear();
            let fault = Fault::new(
                fault_code::INTERNAL_ERROR,
                format!(
                    "internal error: the response cannot be encoded: {}",
                    describe(&e)
                ),
            );
            match encode_fault(&fault, &mut out) {
                Ok(()) => out.freeze(),
                // The message above is plain text; this cannot happen, but a
                // fixed document beats a panic.
                Err(_) => Bytes::from_static(FALLBACK_FAULT),
            }
        }
    }
}

const FALLBACK_FAULT: &[u8] = b"<?xml version=\"1.0\"?><methodResponse><fault><value><struct>\
<member><name>faultCode</name><value><int>-32603</int></value></member>\
<member><name>faultString</name><value><string>internal error</string></value></member>\
</struct></value></fault></methodResponse>";

fn describe(e: &EncodeError) -> String {
    #[allow(unreachable_patterns)] // EncodeError is non_exhaustive
    match e {
        EncodeError::InvalidCharacter { path, character } => {
            format!(
                "{path}: character U+{:04X} cannot be carried in XML",
                u32::from(*character)
            )
        }
        EncodeError::NonFiniteDouble { path } => format!("{path}: double is not finite"),
        EncodeError::InvalidMethodName => "invalid method name".to_owned(),
        other => format!("{other:?}"),
    }
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut methods: Vec<&str> = self.registry.names().collect();
        methods.sort_unstable();
        f.debug_struct("Router")
            .field("methods", &methods)
            .field("system", &self.system)
            .field("capabilities", &self.capabilities)
            .finish()
    }
}

impl std::fmt::Debug for Dispatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dispatch::Ready(response) => f.debug_tuple("Ready").field(response).finish(),
            Dispatch::Blocking(call) => f.debug_tuple("Blocking").field(call).finish(),
            Dispatch::Async(_) => f.write_str("Async(..)"),
            Dispatch::Multicall(m) => f.debug_tuple("Multicall").field(m).finish(),
        }
    }
}

impl Default for Router {
    fn default() -> Self {
        Router::new()
    }
}

// Checked when the crate builds: one router is shared by every connection,
// and what it hands out moves to worker threads and tasks.
const _: fn() = || {
    fn shared<T: Send + Sync + 'static>() {}
    fn movable<T: Send + 'static>() {}
    shared::<Router>();
    movable::<BlockingCall>();
    movable::<AsyncCall>();
    movable::<Dispatch>();
};
