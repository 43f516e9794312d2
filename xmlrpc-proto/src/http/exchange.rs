//! [`Endpoint`] and [`Exchange`]: the server's policy for requests whose
//! HTTP a web framework (hyper, axum) reads and writes.
//!
//! A [`ServerConnection`](super::ServerConnection) owns a whole HTTP/1.1
//! connection. Inside a framework, the framework parses heads, frames
//! bodies and keeps connections; what is left is the same policy as ours:
//! which requests are served (the status table), the limits while the body
//! streams in, gzip both ways, Basic auth, the client address, and the
//! answer's status and headers. It lives here, so a tower service only
//! moves bytes and keeps time.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Instant;
//! use xmlrpc_proto::http::{Endpoint, Origin, ServerConfig};
//! use xmlrpc_proto::{MethodResponse, Value};
//!
//! let endpoint = Endpoint::new(Arc::new(ServerConfig::default()));
//! let body = "<methodCall><methodName>add</methodName><params>\
//!     <param><value><int>2</int></value></param></params></methodCall>";
//! let request = http::Request::post("/RPC2")
//!     .header("host", "x")
//!     .header("content-length", body.len())
//!     .body(())
//!     .unwrap();
//! let (parts, ()) = request.into_parts();
//! let now = Instant::now(); // the framework's clock, never the core's
//! let mut exchange = endpoint.begin(parts, Origin::default(), now).unwrap();
//! exchange.push(body.as_bytes()).unwrap(); // as the body's frames arrive
//! let call = exchange.finish(now).unwrap();
//! assert_eq!(call.call.method, "add");
//! let reply = call.answer.reply(&MethodResponse::Success(Value::Int(4)), now);
//! assert_eq!(reply.response.status(), 200);
//! assert_eq!(reply.response.headers()["content-type"], "text/xml");
//! ```

// `Err` is the whole answer (an `http::Response`), no bigger than the
// `Exchange` or `Call` of `Ok`: boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::{HeaderValue, Method, StatusCode, Version};

use super::body::{BodyDecoder, BodyError};
use super::budget::Charge;
use super::head::{self, MAX_REQUEST_LINE};
use super::head_scan::HeadScan;
use super::response::{encode_body, gzip_if_worth};
use super::server::{authenticate, body_reject, over_budget};
use super::status::{page_for, page_response, server_header, Reject};
use super::{BodyBudget, CallRecord, ServerConfig};
use crate::decode::{DecodeOptions, MessageKind};
use crate::service::Context;
use crate::time::after;
use crate::{MethodCall, MethodResponse};

/// One server's policy for requests a framework hands over: its config,
/// its body budget, and whether it is draining. Share it (`Arc`) among
/// every connection of the server.
#[derive(Debug)]
pub struct Endpoint {
    config: Arc<ServerConfig>,
    /// The `Server` header, made once.
    server: Option<HeaderValue>,
    budget: Arc<BodyBudget>,
    any_path: bool,
    draining: AtomicBool,
}

/// Who sent a request, as the framework knows it.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// The peer's address as text (`127.0.0.1:52144`); goes into the
    /// [`Context`] and the log record. An `Arc`, so a connection's requests
    /// share one copy.
    pub peer: Option<Arc<str>>,
    /// A user an authentication layer in front already accepted: such a
    /// request skips the config's Basic auth.
    pub user: Option<String>,
}

/// A request whose head was accepted: feed it the body as it arrives.
#[derive(Debug)]
pub struct Exchange {
    config: Arc<ServerConfig>,
    server: Option<HeaderValue>,
    /// Boxed: the exchange moves through a framework's futures.
    decoder: Box<BodyDecoder>,
    /// Body bytes read so far (framing aside).
    wire: u64,
    /// The declared Content-Length, which the body must match.
    declared: Option<u64>,
    charge: Charge,
    context: Context,
    accept_gzip: bool,
    deadline: Instant,
    version: Version,
}

/// A decoded call: run it, then answer with [`Answer::reply`].
#[derive(Debug)]
pub struct Call {
    /// The call to route.
    pub call: MethodCall,
    /// What the handler may know about it.
    pub context: Context,
    /// How to answer it.
    pub answer: Answer,
}

/// How to answer a call; it holds the call's share of the body budget
/// until it is answered.
#[derive(Debug)]
pub struct Answer {
    config: Arc<ServerConfig>,
    server: Option<HeaderValue>,
    accept_gzip: bool,
    method: String,
    peer: Option<Arc<str>>,
    since: Instant,
    _charge: Charge,
}

/// A whole answer: the response for the framework to frame and send, and
/// its log record.
#[derive(Debug)]
pub struct Reply {
    /// Status, headers and body (`Content-Length` is the framework's job).
    pub response: http::Response<Bytes>,
    /// What happened, for the access log.
    pub record: CallRecord,
}

impl Endpoint {
    /// The policy of `config`, serving only its [`paths`](ServerConfig::paths).
    pub fn new(config: Arc<ServerConfig>) -> Self {
        Endpoint {
            budget: Arc::new(BodyBudget::new(&config)),
            server: server_header(&config.server_name),
            config,
            any_path: false,
            draining: AtomicBool::new(false),
        }
    }

    /// Serves whatever path the framework routes here (`paths` is not
    /// checked; the docs page answers on every path).
    pub fn any_path(mut self) -> Self {
        self.any_path = true;
        self
    }

    /// The config.
    pub fn config(&self) -> &Arc<ServerConfig> {
        &self.config
    }

    /// The body budget every exchange charges.
    pub fn budget(&self) -> &Arc<BodyBudget> {
        &self.budget
    }

    /// Starts draining: the health path answers 503 from now on, so a load
    /// balancer sends no more; calls are still served.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }

    /// True once [`drain`](Self::drain) was called.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// Checks a request head in the order of the status table. `Err` is the
    /// whole answer: a refusal, the health path or the docs page.
    pub fn begin(
        &self,
        parts: http::request::Parts,
        origin: Origin,
        now: Instant,
    ) -> Result<Exchange, Reply> {
        let version = parts.version;
        let refuse =
            |reject: Reject| refusal(self.server.as_ref(), &reject, version, origin.peer.clone());
        let config = &self.config;
        check_head(config, &parts).map_err(refuse)?;
        if matches!(parts.method, Method::GET | Method::HEAD) {
            let path = parts.uri.path();
            if let Some(page) = page_for(config, path, self.any_path, self.is_draining()) {
                let body = Bytes::copy_from_slice(page.body);
                let mut response =
                    page_response(page.status, page.content_type, body, self.server.as_ref());
                // As our own servers: a page ends an HTTP/1 connection.
                close_http1(&mut response, version);
                return Err(Reply {
                    record: record(origin.peer, None, page.status, None, Duration::ZERO),
                    response,
                });
            }
        }
        if parts.method != Method::POST {
            let reject = Reject::new(StatusCode::METHOD_NOT_ALLOWED, "only POST is served");
            return Err(refuse(reject));
        }
        let path = parts.uri.path();
        let path = match config.served_path(path) {
            Some(served) => Arc::clone(served),
            None if self.any_path => Arc::from(path),
            None => return Err(refuse(Reject::new(StatusCode::NOT_FOUND, "no such path"))),
        };
        let headers = HeadScan::new(&parts.headers);
        let declared = declared_length(parts.version, &headers).map_err(refuse)?;
        let coding = head::body_coding(&headers).map_err(refuse)?;
        let user = match (origin.user, &config.auth) {
            (Some(user), _) => Some(user),
            (None, None) => None,
            (None, Some(check)) => match authenticate(&parts.headers, check.as_ref()) {
                Some(user) => Some(user),
                None => {
                    let reject = Reject::new(StatusCode::UNAUTHORIZED, "authentication required");
                    return Err(refuse(reject));
                }
            },
        };
        // A declared length is checked and reserved before any body byte.
        let mut charge = self.budget.charge();
        if let Some(n) = declared {
            if n > config.limits.max_message_size as u64 {
                return Err(refuse(body_reject(BodyError::TooLarge)));
            }
            if !charge.grow_to(n) {
                return Err(refuse(over_budget()));
            }
        }
        let decoder = BodyDecoder::new(
            MessageKind::Call,
            config.limits,
            DecodeOptions::strict(),
            coding.gzip_body,
            coding.charset.as_deref(),
            false,
        )
        .whole_length(declared);
        let decoder = Box::new(decoder);
        let client = config
            .trusted_proxies
            .client(origin.peer.as_ref(), &parts.headers);
        let context = Context {
            client,
            peer: origin.peer,
            path,
            headers: parts.headers,
            user,
        };
        Ok(Exchange {
            config: Arc::clone(config),
            server: self.server.clone(),
            decoder,
            wire: 0,
            declared,
            charge,
            context,
            accept_gzip: coding.accept_gzip,
            deadline: after(now, config.body_timeout),
            version,
        })
    }
}

impl Exchange {
    /// When the whole body must have arrived (`body_timeout` after the
    /// head); past it, answer with [`timed_out`](Self::timed_out).
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Takes the next piece of the body. `Err` is the refusal to send at
    /// once (the body is over `max_message_size` on the wire or inflated,
    /// is not gzip, or does not fit the body budget); read no further.
    pub fn push(&mut self, data: &[u8]) -> Result<(), Reply> {
        self.wire += data.len() as u64;
        let step = if self.wire > self.config.limits.max_message_size as u64 {
            Err(BodyError::TooLarge)
        } else if self.declared.is_some_and(|n| self.wire > n) {
            return Err(self.refuse(&Reject::bad_request(
                "request body longer than its Content-Length",
            )));
        } else {
            self.decoder.push(data)
        };
        if let Err(e) = step {
            return Err(self.refuse(&body_reject(e)));
        }
        // Chunked and inflated bytes are charged as they come.
        if !self.charge.grow_to(self.wire.max(self.decoder.fed())) {
            return Err(self.refuse(&over_budget()));
        }
        Ok(())
    }

    /// The deadline passed before the body ended: 408.
    pub fn timed_out(self) -> Reply {
        let reject = Reject::new(
            StatusCode::REQUEST_TIMEOUT,
            "request body not received in time",
        );
        self.refuse(&reject)
    }

    /// The body stream failed (the peer went away mid-body): 400, which
    /// likely reaches nobody.
    pub fn truncated(self) -> Reply {
        self.refuse(&body_reject(BodyError::Truncated))
    }

    /// The body ended: the call to run, or the answer to send without one
    /// (a body that does not decode gets its fault, still 200 by SPEC 26).
    pub fn finish(mut self, now: Instant) -> Result<Call, Reply> {
        if self.declared.is_some_and(|n| self.wire < n) {
            return Err(self.truncated());
        }
        let peer = self.context.peer.clone();
        let call = match self.decoder.finish_call() {
            Err(e) => {
                let reject = body_reject(e);
                return Err(refusal(self.server.as_ref(), &reject, self.version, peer));
            }
            Ok(Err(e)) => {
                let fault = e.to_fault();
                let code = fault.code;
                let response = encode_answer(
                    &self.config,
                    self.server.as_ref(),
                    &MethodResponse::Fault(fault),
                    self.accept_gzip,
                );
                return Err(Reply {
                    response,
                    record: record(peer, None, StatusCode::OK, Some(code), Duration::ZERO),
                });
            }
            Ok(Ok(call)) => call,
        };
        let answer = Answer {
            config: self.config,
            server: self.server,
            accept_gzip: self.accept_gzip,
            method: call.method.clone(),
            peer,
            since: now,
            _charge: self.charge,
        };
        Ok(Call {
            call,
            context: self.context,
            answer,
        })
    }

    fn refuse(&self, reject: &Reject) -> Reply {
        refusal(
            self.server.as_ref(),
            reject,
            self.version,
            self.context.peer.clone(),
        )
    }
}

impl Answer {
    /// Encodes `response` as the `200 text/xml` answer, gzipped when the
    /// client accepts it and it reaches `gzip_threshold`; gives the call's
    /// share of the body budget back.
    pub fn reply(self, response: &MethodResponse, now: Instant) -> Reply {
        let fault = match response {
            MethodResponse::Fault(f) => Some(f.code),
            MethodResponse::Success(_) => None,
        };
        let elapsed = now.saturating_duration_since(self.since);
        Reply {
            response: encode_answer(
                &self.config,
                self.server.as_ref(),
                response,
                self.accept_gzip,
            ),
            record: record(self.peer, Some(self.method), StatusCode::OK, fault, elapsed),
        }
    }
}

/// Head checks the framework may not make with our limits: header count
/// and size (431), target length (414), version (505).
fn check_head(config: &ServerConfig, parts: &http::request::Parts) -> Result<(), Reject> {
    if !matches!(
        parts.version,
        Version::HTTP_10 | Version::HTTP_11 | Version::HTTP_2
    ) {
        return Err(Reject::new(
            StatusCode::HTTP_VERSION_NOT_SUPPORTED,
            "only HTTP/1.0, HTTP/1.1 and HTTP/2 are served",
        ));
    }
    let target = parts.uri.path_and_query().map_or(0, |p| p.as_str().len());
    let line = parts.method.as_str().len() + target + 11;
    if line > MAX_REQUEST_LINE {
        return Err(Reject::new(
            StatusCode::URI_TOO_LONG,
            "request line too long",
        ));
    }
    if parts.headers.len() > config.max_headers {
        return Err(Reject::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "too many request headers",
        ));
    }
    // As on the wire: `name: value\r\n` per header, the line, the blank line.
    let size = parts.headers.iter().fold(line + 2, |n, (name, value)| {
        n + name.as_str().len() + value.len() + 4
    });
    if size > config.max_head_size {
        return Err(Reject::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request head too large",
        ));
    }
    Ok(())
}

/// The declared body length, if any (several must agree, else 400), and
/// one Host on HTTP/1.1. Framing itself is the framework's: a body may
/// come without a length (chunked, HTTP/2, or after a layer that inflated
/// it), so there is no 411 here.
fn declared_length(version: Version, headers: &HeadScan<'_>) -> Result<Option<u64>, Reject> {
    if version != Version::HTTP_2 {
        head::check_host(version, headers)?;
    }
    head::content_length(headers)
}

/// A refusal closes an HTTP/1 connection, as our own servers do: what
/// follows a refused head cannot be trusted (HTTP/2 streams are separate).
fn refusal(
    server: Option<&HeaderValue>,
    reject: &Reject,
    version: Version,
    peer: Option<Arc<str>>,
) -> Reply {
    let mut response = reject.to_response(server);
    close_http1(&mut response, version);
    Reply {
        response,
        record: record(peer, None, reject.status, None, Duration::ZERO),
    }
}

/// Adds `Connection: close` on HTTP/1 (HTTP/2 forbids the header).
fn close_http1(response: &mut http::Response<Bytes>, version: Version) {
    if version != Version::HTTP_2 {
        response.headers_mut().insert(
            http::header::CONNECTION,
            http::HeaderValue::from_static("close"),
        );
    }
}

/// The `200 text/xml` answer, gzipped when the client accepts it and it is
/// at least `gzip_threshold` bytes.
fn encode_answer(
    config: &ServerConfig,
    server: Option<&HeaderValue>,
    response: &MethodResponse,
    accept_gzip: bool,
) -> http::Response<Bytes> {
    // Most answers fit: one allocation instead of a run of doublings.
    let mut body = BytesMut::with_capacity(512);
    encode_body(response, &mut body);
    let gzipped = gzip_if_worth(&body, accept_gzip, config.gzip_threshold);
    let gzip = gzipped.is_some();
    let body = gzipped.unwrap_or_else(|| body.freeze());
    let mut response = page_response(StatusCode::OK, "text/xml", body, server);
    if gzip {
        response.headers_mut().insert(
            http::header::CONTENT_ENCODING,
            http::HeaderValue::from_static("gzip"),
        );
    }
    response
}

fn record(
    peer: Option<Arc<str>>,
    method: Option<String>,
    status: StatusCode,
    fault: Option<i32>,
    elapsed: Duration,
) -> CallRecord {
    CallRecord {
        peer,
        method,
        status: status.as_u16(),
        fault,
        elapsed,
    }
}
