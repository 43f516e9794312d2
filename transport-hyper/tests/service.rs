//! `XmlRpcService` as a tower service: any body type, streamed in frames;
//! the peer from axum's `ConnectInfo`; the user from an auth layer; gzip
//! composed with tower-http's compression; the body deadline.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::convert::Infallible;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use tower::ServiceExt;
use transport_hyper::{AuthenticatedUser, XmlRpcService};
use xmlrpc_proto::http::ServerConfig;
use xmlrpc_proto::service::{Context, Router};
use xmlrpc_proto::{decode_response, Fault, Limits, MethodResponse, Value};

fn router() -> Router {
    let mut router = Router::new();
    router.register_with_context("whoami", |ctx: &Context| -> Result<Vec<String>, Fault> {
        Ok(vec![
            ctx.user.clone().unwrap_or_default(),
            ctx.peer.as_deref().unwrap_or_default().to_owned(),
        ])
    });
    router.register("echo", |x: Value| -> Result<Value, Fault> { Ok(x) });
    router
}

fn call_xml(method: &str, params: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName>\
         <params>{params}</params></methodCall>"
    )
}

fn post<B>(body: B, len: Option<usize>) -> Request<B> {
    let mut request = Request::post("/RPC2").header("host", "test");
    if let Some(len) = len {
        request = request.header("content-length", len);
    }
    request.body(body).unwrap()
}

async fn body_of(
    response: http::Response<impl http_body::Body<Error = impl std::fmt::Debug>>,
) -> Bytes {
    response.into_body().collect().await.unwrap().to_bytes()
}

fn strings(items: &[&str]) -> Value {
    Value::from(items.iter().map(|s| Value::from(*s)).collect::<Vec<_>>())
}

fn value_of(xml: &[u8]) -> Value {
    match decode_response(xml).unwrap() {
        MethodResponse::Success(v) => v,
        MethodResponse::Fault(f) => panic!("fault {f:?}"),
    }
}

/// A body of `pieces`, one frame each, counting the frames pulled.
fn streamed(
    pieces: Vec<Bytes>,
    pulled: Arc<AtomicUsize>,
) -> StreamBody<impl futures_lite::Stream<Item = Result<Frame<Bytes>, Infallible>>> {
    StreamBody::new(futures_lite::stream::iter(pieces).map(move |piece| {
        pulled.fetch_add(1, Ordering::SeqCst);
        Ok(Frame::data(piece))
    }))
}

use futures_lite::StreamExt as _;

#[tokio::test]
async fn the_peer_comes_from_connect_info_and_the_user_from_an_auth_layer() {
    let service = XmlRpcService::new(router());
    let body = call_xml("whoami", "");
    // No ConnectInfo: the peer given per connection.
    let peer: SocketAddr = "192.0.2.1:4000".parse().unwrap();
    let response = service
        .with_peer(peer)
        .oneshot(post(Full::new(Bytes::from(body.clone())), Some(body.len())))
        .await
        .unwrap();
    let got = value_of(&body_of(response).await);
    assert_eq!(got, strings(&["", "192.0.2.1:4000"]));
    // axum's ConnectInfo and an auth layer's extension.
    let mut request = post(Full::new(Bytes::from(body.clone())), Some(body.len()));
    let from: SocketAddr = "198.51.100.7:5555".parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(from));
    request
        .extensions_mut()
        .insert(AuthenticatedUser("carol".into()));
    let response = service.with_peer(peer).oneshot(request).await.unwrap();
    let got = value_of(&body_of(response).await);
    assert_eq!(got, strings(&["carol", "198.51.100.7:5555"]));
}

#[tokio::test]
async fn basic_auth_applies_unless_a_layer_accepted_the_user() {
    let config = ServerConfig {
        auth: Some(Arc::new(|u: &str, p: &str| u == "alice" && p == "pw")),
        ..ServerConfig::default()
    };
    let service = XmlRpcService::builder(router()).config(config).build();
    let body = call_xml("whoami", "");
    let response = service
        .clone()
        .oneshot(post(Full::new(Bytes::from(body.clone())), Some(body.len())))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Basic realm=\"xmlrpc\""
    );
    let mut request = post(Full::new(Bytes::from(body.clone())), Some(body.len()));
    request
        .extensions_mut()
        .insert(AuthenticatedUser("dave".into()));
    let response = service.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let got = value_of(&body_of(response).await);
    assert_eq!(got, strings(&["dave", ""]));
}

#[tokio::test]
async fn a_body_streams_in_frames_and_one_over_the_cap_stops_being_read() {
    let service = XmlRpcService::new(router());
    let body = call_xml("echo", "<param><value><string>hi</string></value></param>");
    let pieces: Vec<Bytes> = body
        .as_bytes()
        .chunks(3)
        .map(Bytes::copy_from_slice)
        .collect();
    let frames = pieces.len();
    let pulled = Arc::new(AtomicUsize::new(0));
    let response = service
        .clone()
        .oneshot(post(streamed(pieces, Arc::clone(&pulled)), None))
        .await
        .unwrap();
    assert_eq!(value_of(&body_of(response).await), Value::from("hi"));
    assert_eq!(pulled.load(Ordering::SeqCst), frames);

    let small = XmlRpcService::builder(router())
        .config(ServerConfig {
            limits: Limits {
                max_message_size: 10_000,
                ..Limits::default()
            },
            linger_timeout: Duration::ZERO,
            ..ServerConfig::default()
        })
        .build();
    let pulled = Arc::new(AtomicUsize::new(0));
    let flood = vec![Bytes::from(vec![b' '; 1000]); 1000];
    let response = small
        .oneshot(post(streamed(flood, Arc::clone(&pulled)), None))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        11,
        "refused at the first frame past 10,000 bytes"
    );
}

#[tokio::test]
async fn compression_layers_compose_with_our_own_gzip() {
    let app = axum::Router::new()
        .route_service("/RPC2", XmlRpcService::new(router()))
        .layer(tower_http::compression::CompressionLayer::new());
    for size in [10, 50_000] {
        let text = "x".repeat(size);
        let body = call_xml(
            "echo",
            &format!("<param><value><string>{text}</string></value></param>"),
        );
        let request = Request::post("/RPC2")
            .header("host", "test")
            .header("content-length", body.len())
            .header("accept-encoding", "gzip")
            .body(axum::body::Body::from(body))
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(
            response.headers()["content-encoding"],
            "gzip",
            "size {size}"
        );
        let gz = body_of(response).await;
        let mut xml = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut xml)
            .unwrap();
        // Gzipped once: one inflation gives the XML.
        assert_eq!(value_of(&xml), Value::from(text.as_str()), "size {size}");
    }
}

#[tokio::test]
async fn a_body_that_stalls_gets_408_at_the_body_deadline() {
    let service = XmlRpcService::builder(router())
        .config(ServerConfig {
            body_timeout: Duration::from_millis(300),
            ..ServerConfig::default()
        })
        .build();
    let stalled = StreamBody::new(
        futures_lite::stream::once(Ok::<_, Infallible>(Frame::data(Bytes::from_static(
            b"<methodCall>",
        ))))
        .chain(futures_lite::stream::pending()),
    );
    let started = Instant::now();
    let response = service.oneshot(post(stalled, None)).await.unwrap();
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
}
