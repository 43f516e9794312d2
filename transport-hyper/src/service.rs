//! [`XmlRpcService`]: a `Router` as a `tower::Service` over any request body.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use bytes::Bytes;
use http_body::Body;
use http_body_util::Full;
use transport_tokio::Tokio;
use xmlrpc_proto::http::{Call, Endpoint, Origin, Reply, ServerConfig};
use xmlrpc_proto::service::{Dispatch, Router};

use crate::body::{linger, read_call, read_ready, ReadNow};
use crate::AuthenticatedUser;

/// The response every request gets: a whole body, which tower-http layers
/// (compression, trace) wrap like any other.
pub type XmlRpcResponse = http::Response<Full<Bytes>>;

/// An XML-RPC endpoint as a `tower::Service<http::Request<B>>` for any body
/// type `B`: hyper's `Incoming`, axum's `Body`, or one a layer rewrote.
///
/// Every request goes through the core's [`Endpoint`]: the status table
/// (405, 401, 413, 415, 431, 503 ...), `max_message_size` enforced while
/// the body streams in (on the wire and once inflated), the body budget,
/// the body deadline, gzip both ways, the docs page and health path on
/// `GET`, and the client address from trusted proxies. Calls that decode
/// are routed; sync handlers run on tokio's blocking pool, async ones on
/// the request's task, as in `transport-tokio`.
///
/// Cloning is cheap (one `Arc`); every clone serves the same endpoint.
#[derive(Clone)]
pub struct XmlRpcService {
    shared: Arc<Shared>,
    /// The connection's peer, formatted once (not once per request).
    peer: Option<Arc<str>>,
}

struct Shared {
    router: Arc<Router>,
    endpoint: Endpoint,
}

/// Settings for an [`XmlRpcService`].
pub struct ServiceBuilder {
    router: Arc<Router>,
    config: ServerConfig,
    docs_title: Option<String>,
    check_paths: bool,
}

impl XmlRpcService {
    /// A service for `router` with the default [`ServerConfig`], serving
    /// whatever path the application routes to it.
    pub fn new(router: impl Into<Arc<Router>>) -> Self {
        Self::builder(router).build()
    }

    /// Settings: the config, the docs page, path checking.
    pub fn builder(router: impl Into<Arc<Router>>) -> ServiceBuilder {
        ServiceBuilder {
            router: router.into(),
            config: ServerConfig::default(),
            docs_title: None,
            check_paths: false,
        }
    }

    /// This service for requests from `peer` (a plain hyper server knows
    /// the peer per connection); axum's `ConnectInfo`, when present, wins.
    pub fn with_peer(&self, peer: SocketAddr) -> Self {
        XmlRpcService {
            shared: Arc::clone(&self.shared),
            peer: Some(peer.to_string().into()),
        }
    }

    /// Starts draining: the health path answers 503 so a load balancer
    /// stops sending; calls are still answered.
    pub fn drain(&self) {
        self.shared.endpoint.drain();
    }

    /// The config in force.
    pub fn config(&self) -> &ServerConfig {
        self.shared.endpoint.config()
    }

    /// Bytes of request bodies held now by every clone (the body budget).
    pub fn body_bytes_held(&self) -> u64 {
        self.shared.endpoint.budget().used()
    }
}

impl ServiceBuilder {
    /// The core's server settings: limits, deadlines (`body_timeout`),
    /// auth, gzip, body budget, health path, trusted proxies. Connection
    /// settings (`idle_timeout`, `max_connections` ...) are the HTTP
    /// server's; [`serve`](crate::serve) applies them.
    pub fn config(mut self, config: ServerConfig) -> Self {
        self.config = config;
        self
    }

    /// Answers `GET` with an HTML page of every method, its signatures and
    /// help, titled `title` (`Router::docs_page`).
    pub fn docs_page(mut self, title: &str) -> Self {
        self.docs_title = Some(title.to_owned());
        self
    }

    /// Serves only the config's [`paths`](ServerConfig::paths) (404
    /// otherwise), as our own servers do. Off by default: mounted in an
    /// application, the application's router decides the path.
    pub fn check_paths(mut self) -> Self {
        self.check_paths = true;
        self
    }

    /// The service.
    pub fn build(mut self) -> XmlRpcService {
        if let Some(title) = &self.docs_title {
            self.config.docs_page = Some(self.router.docs_page(title).into());
        }
        let endpoint = Endpoint::new(Arc::new(self.config));
        let endpoint = if self.check_paths {
            endpoint
        } else {
            endpoint.any_path()
        };
        XmlRpcService {
            shared: Arc::new(Shared {
                router: self.router,
                endpoint,
            }),
            peer: None,
        }
    }
}

impl<B> tower_service::Service<http::Request<B>> for XmlRpcService
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = XmlRpcResponse;
    type Error = Infallible;
    type Future = ServiceFuture<B>;

    fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        ServiceFuture {
            state: State::Start {
                shared: Arc::clone(&self.shared),
                peer: self.peer.clone(),
                request,
            },
        }
    }
}

/// The answer to one request. Its first poll does all it can without
/// waiting: a body whose frames are in and a handler the router ran inline
/// are answered right there, with no boxed future and no state moved
/// through one (most calls). Only what must wait (a body still arriving, a
/// blocking or async handler, a multicall) goes on in a boxed future.
pub struct ServiceFuture<B> {
    state: State<B>,
}

type Rest = Pin<Box<dyn Future<Output = XmlRpcResponse> + Send>>;

// `Start` holds the request inline: boxing it would cost an allocation per
// request, and the future is moved only before its first poll.
#[allow(clippy::large_enum_variant)]
enum State<B> {
    Start {
        shared: Arc<Shared>,
        peer: Option<Arc<str>>,
        request: http::Request<B>,
    },
    Waiting(Rest),
    Done,
}

impl<B> Future for ServiceFuture<B>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Output = Result<XmlRpcResponse, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        if matches!(self.state, State::Start { .. }) {
            if let State::Start {
                shared,
                peer,
                request,
            } = std::mem::replace(&mut self.state, State::Done)
            {
                match start(shared, peer, request) {
                    Started::Answered(response) => return Poll::Ready(Ok(response)),
                    Started::Waiting(rest) => self.state = State::Waiting(rest),
                }
            }
        }
        let State::Waiting(rest) = &mut self.state else {
            panic!("ServiceFuture polled after it completed");
        };
        let response = std::task::ready!(rest.as_mut().poll(cx));
        self.state = State::Done;
        Poll::Ready(Ok(response))
    }
}

// The request is only ever moved out of `Start`, never polled where it
// lies, and `Waiting`'s future is boxed: nothing in here is pinned.
impl<B> Unpin for ServiceFuture<B> {}

enum Started {
    Answered(XmlRpcResponse),
    Waiting(Rest),
}

/// The first poll: the head through the endpoint, the body frames that are
/// in, the call routed; the answer when nothing had to wait.
fn start<B>(shared: Arc<Shared>, peer: Option<Arc<str>>, request: http::Request<B>) -> Started
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (parts, body) = request.into_parts();
    let origin = Origin {
        peer: match connect_info(&parts) {
            Some(addr) => Some(addr.to_string().into()),
            None => peer,
        },
        user: parts
            .extensions
            .get::<AuthenticatedUser>()
            .map(|u| u.0.clone()),
    };
    let mut body = Box::pin(body);
    let now = Instant::now();
    let mut exchange = match shared.endpoint.begin(parts, origin, now) {
        Ok(exchange) => exchange,
        Err(reply) => return refused(&shared, body, reply),
    };
    match read_ready(&mut exchange, &mut body) {
        Ok(ReadNow::Ended) => {}
        Ok(ReadNow::Failed) => return Started::Answered(finish(exchange.truncated())),
        Ok(ReadNow::Waiting) => {
            // The rest of the body is still on its way.
            return Started::Waiting(Box::pin(async move {
                match read_call(exchange, &mut body).await {
                    Ok(call) => answer(&shared, call).await,
                    Err(reply) => {
                        linger(body, shared.endpoint.config().linger_timeout);
                        finish(reply)
                    }
                }
            }));
        }
        Err(reply) => return refused(&shared, body, reply),
    }
    // The body was in already at `now`: that is when the request ended.
    let call = match exchange.finish(now) {
        Ok(call) => call,
        Err(reply) => return Started::Answered(finish(reply)),
    };
    match shared.router.dispatch(call.call, call.context) {
        Dispatch::Ready(response) => {
            Started::Answered(finish(call.answer.reply(&response, Instant::now())))
        }
        job => {
            let answer = call.answer;
            Started::Waiting(Box::pin(async move {
                let response = transport_driver::run_call(&Tokio, job).await;
                finish(answer.reply(&response, Instant::now()))
            }))
        }
    }
}

/// Routes `call` and runs its job: the answer.
async fn answer(shared: &Shared, call: Call) -> XmlRpcResponse {
    let job = shared.router.dispatch(call.call, call.context);
    let response = transport_driver::run_call(&Tokio, job).await;
    finish(call.answer.reply(&response, Instant::now()))
}

/// An answer before the body ended: sent at once, the body drained behind.
fn refused<B>(shared: &Shared, body: Pin<Box<B>>, reply: Reply) -> Started
where
    B: Body + Send + 'static,
    B::Data: Send,
{
    linger(body, shared.endpoint.config().linger_timeout);
    Started::Answered(finish(reply))
}

fn finish(reply: Reply) -> XmlRpcResponse {
    transport_driver::log::call(&reply.record);
    reply.response.map(Full::new)
}

/// The peer from axum's `ConnectInfo<SocketAddr>`, when the app serves
/// with `into_make_service_with_connect_info`.
#[cfg(feature = "axum")]
fn connect_info(parts: &http::request::Parts) -> Option<SocketAddr> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|info| info.0)
}

#[cfg(not(feature = "axum"))]
fn connect_info(_: &http::request::Parts) -> Option<SocketAddr> {
    None
}
