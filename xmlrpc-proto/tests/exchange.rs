//! `Endpoint` / `Exchange`: the server policy for requests a framework
//! (hyper, axum) reads, checked row by row against the status table, with
//! bodies pushed whole and byte by byte.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test
#![allow(clippy::result_large_err)] // `Reply` is a whole response, as in the API

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, StatusCode, Version};
use xmlrpc_proto::http::{Endpoint, Exchange, Origin, Reply, ServerConfig, TrustedProxies};
use xmlrpc_proto::{fault_code, Limits, MethodResponse, Value};

const CALL: &str = "<?xml version=\"1.0\"?><methodCall><methodName>echo</methodName>\
    <params><param><value><int>7</int></value></param></params></methodCall>";

fn endpoint(config: ServerConfig) -> Endpoint {
    Endpoint::new(Arc::new(config))
}

/// A POST of `body` to `path` with a Content-Length, plus `headers`.
fn post(path: &str, body: &[u8], headers: &[(&str, &str)]) -> http::request::Parts {
    let mut builder = http::Request::post(path)
        .header("host", "x")
        .header("content-length", body.len());
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(()).unwrap().into_parts().0
}

fn get(path: &str) -> http::request::Parts {
    http::Request::get(path)
        .header("host", "x")
        .body(())
        .unwrap()
        .into_parts()
        .0
}

fn begin(ep: &Endpoint, parts: http::request::Parts) -> Result<Exchange, Reply> {
    ep.begin(parts, Origin::default(), Instant::now())
}

/// The refusal a head gets.
fn refused(ep: &Endpoint, parts: http::request::Parts) -> Reply {
    match begin(ep, parts) {
        Ok(_) => panic!("the head was accepted"),
        Err(reply) => reply,
    }
}

/// Pushes `body` in pieces of `split` bytes; the first refusal, if any.
fn push_all(exchange: &mut Exchange, body: &[u8], split: usize) -> Result<(), Reply> {
    body.chunks(split.max(1))
        .try_for_each(|piece| exchange.push(piece))
}

fn text(reply: &Reply) -> String {
    String::from_utf8_lossy(reply.response.body()).into_owned()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn a_call_streams_in_and_its_answer_is_200_text_xml() {
    for split in [1, 7, CALL.len()] {
        let ep = endpoint(ServerConfig::default());
        let mut ex = begin(&ep, post("/RPC2", CALL.as_bytes(), &[])).unwrap();
        push_all(&mut ex, CALL.as_bytes(), split).unwrap();
        let call = ex.finish(Instant::now()).unwrap();
        assert_eq!(call.call.method, "echo");
        assert_eq!(call.call.params, vec![Value::Int(7)]);
        assert_eq!(&*call.context.path, "/RPC2");
        let reply = call
            .answer
            .reply(&MethodResponse::Success(Value::Int(7)), Instant::now());
        assert_eq!(reply.response.status(), StatusCode::OK);
        assert_eq!(reply.response.headers()["content-type"], "text/xml");
        assert!(text(&reply).contains("<int>7</int>"), "{}", text(&reply));
        assert_eq!(reply.record.method.as_deref(), Some("echo"));
        assert_eq!((reply.record.status, reply.record.fault), (200, None));
    }
}

#[test]
fn each_row_of_the_status_table() {
    let ep = endpoint(ServerConfig::default());
    let status = |parts| refused(&ep, parts).response.status().as_u16();
    let put = http::Request::put("/RPC2")
        .header("host", "x")
        .body(())
        .unwrap()
        .into_parts()
        .0;
    let reply = refused(&ep, put);
    assert_eq!(reply.response.status(), 405);
    assert_eq!(reply.response.headers()["allow"], "POST");
    assert_eq!(reply.response.headers()["connection"], "close");
    assert_eq!(text(&reply), "only POST is served\n");
    // No docs page configured: GET is a method we do not serve.
    assert_eq!(status(get("/RPC2")), 405);
    assert_eq!(status(post("/elsewhere", b"", &[])), 404);
    let mut no_host = post("/RPC2", b"", &[]);
    no_host.headers.remove("host");
    assert_eq!(status(no_host), 400);
    assert_eq!(
        status(post("/RPC2", b"", &[("content-length", "5")])),
        400,
        "conflicting Content-Lengths"
    );
    // The framework frames the body: one without a length (chunked, or
    // inflated by a layer) is read to its end, never 411.
    let mut unframed = post("/RPC2", b"", &[]);
    unframed.headers.remove("content-length");
    assert!(begin(&ep, unframed).is_ok());
    assert_eq!(
        status(post("/RPC2", b"", &[("content-encoding", "br")])),
        415
    );
    let mut crowded = post("/RPC2", b"", &[]);
    for i in 0..100 {
        crowded
            .headers
            .append("x-many", HeaderValue::from_str(&i.to_string()).unwrap());
    }
    assert_eq!(status(crowded), 431);
    let big = "v".repeat(20 * 1024);
    assert_eq!(status(post("/RPC2", b"", &[("x-big", &big)])), 431);
    let long = format!("/{}", "a".repeat(9000));
    assert_eq!(status(post(&long, b"", &[])), 414);
    let mut h3 = post("/RPC2", b"", &[]);
    h3.version = Version::HTTP_3;
    assert_eq!(status(h3), 505);
}

#[test]
fn http2_needs_no_host_and_no_content_length() {
    let ep = endpoint(ServerConfig::default());
    let mut parts = post("/RPC2", b"", &[]);
    parts.version = Version::HTTP_2;
    parts.headers.remove("host");
    parts.headers.remove("content-length");
    let mut ex = begin(&ep, parts.clone()).unwrap();
    ex.push(CALL.as_bytes()).unwrap();
    assert_eq!(ex.finish(Instant::now()).unwrap().call.method, "echo");
    // A refused stream leaves the HTTP/2 connection alone.
    parts.method = http::Method::PUT;
    let reply = refused(&ep, parts);
    assert_eq!(reply.response.status(), 405);
    assert!(reply.response.headers().get("connection").is_none());
}

#[test]
fn any_path_serves_what_the_framework_routed() {
    let ep = endpoint(ServerConfig::default()).any_path();
    assert!(begin(&ep, post("/api/xmlrpc", CALL.as_bytes(), &[])).is_ok());
}

#[test]
fn calls_to_a_configured_path_share_it_and_calls_share_the_origins_peer() {
    let ep = endpoint(ServerConfig::default()).any_path();
    let origin = Origin {
        peer: Some("10.0.0.9:4000".into()),
        user: None,
    };
    let call = |path: &str| {
        let parts = post(path, CALL.as_bytes(), &[]);
        let mut ex = ep.begin(parts, origin.clone(), Instant::now()).unwrap();
        ex.push(CALL.as_bytes()).unwrap();
        ex.finish(Instant::now()).unwrap().context
    };
    let (first, second, other) = (call("/RPC2"), call("/RPC2"), call("/api/xmlrpc"));
    assert!(Arc::ptr_eq(&first.path, &second.path));
    assert_eq!(&*other.path, "/api/xmlrpc");
    let peer = origin.peer.as_ref().unwrap();
    for context in [&first, &second, &other] {
        assert!(Arc::ptr_eq(context.peer.as_ref().unwrap(), peer));
        assert!(Arc::ptr_eq(context.client.as_ref().unwrap(), peer));
    }
}

#[test]
fn the_health_path_says_ok_then_draining_and_the_docs_page_is_html() {
    let config = ServerConfig {
        health_path: Some("/health".into()),
        docs_page: Some(Arc::from("<html>methods</html>")),
        ..ServerConfig::default()
    };
    let ep = endpoint(config);
    let ok = refused(&ep, get("/health"));
    assert_eq!(
        (ok.response.status(), text(&ok).as_str()),
        (StatusCode::OK, "ok\n")
    );
    let docs = refused(&ep, get("/RPC2"));
    assert_eq!(docs.response.status(), 200);
    assert_eq!(
        docs.response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    assert_eq!(text(&docs), "<html>methods</html>");
    assert_eq!(docs.response.headers()["connection"], "close");
    assert_eq!(refused(&ep, get("/other")).response.status(), 405);
    ep.drain();
    let draining = refused(&ep, get("/health"));
    assert_eq!(draining.response.status(), 503);
    assert_eq!(text(&draining), "draining\n");
    // Calls are still served while draining.
    assert!(begin(&ep, post("/RPC2", CALL.as_bytes(), &[])).is_ok());
}

#[test]
fn basic_auth_or_a_user_from_an_auth_layer() {
    let config = ServerConfig {
        auth: Some(Arc::new(|u: &str, p: &str| u == "alice" && p == "s3cret")),
        ..ServerConfig::default()
    };
    let ep = endpoint(config);
    let reply = refused(&ep, post("/RPC2", CALL.as_bytes(), &[]));
    assert_eq!(reply.response.status(), 401);
    assert_eq!(
        reply.response.headers()["www-authenticate"],
        "Basic realm=\"xmlrpc\""
    );
    let wrong = post(
        "/RPC2",
        CALL.as_bytes(),
        &[("authorization", "Basic YWxpY2U6bm8=")],
    );
    assert_eq!(refused(&ep, wrong).response.status(), 401);
    // alice:s3cret
    let right = post(
        "/RPC2",
        CALL.as_bytes(),
        &[("authorization", "Basic YWxpY2U6czNjcmV0")],
    );
    let mut ex = begin(&ep, right).unwrap();
    ex.push(CALL.as_bytes()).unwrap();
    let call = ex.finish(Instant::now()).unwrap();
    assert_eq!(call.context.user.as_deref(), Some("alice"));
    let layered = Origin {
        peer: Some("10.0.0.9:4000".into()),
        user: Some("bob".into()),
    };
    let mut ex = ep
        .begin(post("/RPC2", CALL.as_bytes(), &[]), layered, Instant::now())
        .unwrap();
    ex.push(CALL.as_bytes()).unwrap();
    let call = ex.finish(Instant::now()).unwrap();
    assert_eq!(call.context.user.as_deref(), Some("bob"));
    assert_eq!(call.context.peer.as_deref(), Some("10.0.0.9:4000"));
}

#[test]
fn bodies_over_the_limit_get_413_declared_streamed_or_inflated() {
    let limits = Limits {
        max_message_size: 1000,
        ..Limits::default()
    };
    let ep = endpoint(ServerConfig {
        limits,
        ..ServerConfig::default()
    });
    let declared = refused(&ep, post("/RPC2", &[b' '; 1001], &[]));
    assert_eq!(declared.response.status(), 413);
    for split in [1, 100, 2000] {
        let mut chunked = post("/RPC2", b"", &[("transfer-encoding", "chunked")]);
        chunked.headers.remove("content-length");
        let mut ex = begin(&ep, chunked).unwrap();
        let refusal = push_all(&mut ex, &[b' '; 2000], split).unwrap_err();
        assert_eq!(refusal.response.status(), 413, "split {split}");
        let bomb = gzip(&vec![b' '; 100_000]);
        let mut ex = begin(&ep, post("/RPC2", &bomb, &[("content-encoding", "gzip")])).unwrap();
        let refusal = push_all(&mut ex, &bomb, split).unwrap_err();
        assert_eq!(refusal.response.status(), 413, "gzip split {split}");
    }
    let mut ex = begin(
        &ep,
        post("/RPC2", b"not gzip", &[("content-encoding", "gzip")]),
    )
    .unwrap();
    let refusal = ex
        .push(b"not gzip")
        .err()
        .unwrap_or_else(|| ex.finish(Instant::now()).unwrap_err());
    assert_eq!(refusal.response.status(), 400);
}

#[test]
fn a_gzip_body_is_inflated_and_a_large_answer_gzipped_when_accepted() {
    let ep = endpoint(ServerConfig::default());
    let body = gzip(CALL.as_bytes());
    let headers = [("content-encoding", "gzip"), ("accept-encoding", "gzip")];
    let mut ex = begin(&ep, post("/RPC2", &body, &headers)).unwrap();
    push_all(&mut ex, &body, 3).unwrap();
    let call = ex.finish(Instant::now()).unwrap();
    assert_eq!(call.call.params, vec![Value::Int(7)]);
    let large = Value::String("x".repeat(5000));
    let reply = call
        .answer
        .reply(&MethodResponse::Success(large.clone()), Instant::now());
    assert_eq!(reply.response.headers()["content-encoding"], "gzip");
    let mut xml = String::new();
    flate2::read::GzDecoder::new(&reply.response.body()[..])
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains(&"x".repeat(5000)));
    // Small answers go out plain.
    let mut ex = begin(&ep, post("/RPC2", CALL.as_bytes(), &headers[1..])).unwrap();
    ex.push(CALL.as_bytes()).unwrap();
    let reply = ex
        .finish(Instant::now())
        .unwrap()
        .answer
        .reply(&MethodResponse::Success(Value::Int(1)), Instant::now());
    assert!(reply.response.headers().get("content-encoding").is_none());
}

#[test]
fn the_body_budget_refuses_with_503_and_frees_on_answer() {
    let ep = endpoint(ServerConfig {
        body_budget: 10_000,
        body_reserve: 0,
        ..ServerConfig::default()
    });
    let mut first = begin(&ep, post("/RPC2", &[b' '; 9_000], &[])).unwrap();
    let reply = refused(&ep, post("/RPC2", &[b' '; 2_000], &[]));
    assert_eq!(reply.response.status(), 503);
    assert_eq!(reply.response.headers()["retry-after"], "1");
    // A chunked body is charged as it comes.
    let mut chunked = post("/RPC2", b"", &[("transfer-encoding", "chunked")]);
    chunked.headers.remove("content-length");
    let mut ex = begin(&ep, chunked).unwrap();
    assert_eq!(
        push_all(&mut ex, &[b' '; 2_000], 500)
            .unwrap_err()
            .response
            .status(),
        503
    );
    drop(ex);
    let mut body = CALL.as_bytes().to_vec();
    body.resize(9_000, b' ');
    first.push(&body).unwrap();
    let call = first.finish(Instant::now()).unwrap();
    assert_eq!(ep.budget().used(), 9_000, "held until answered");
    drop(
        call.answer
            .reply(&MethodResponse::Success(Value::Int(7)), Instant::now()),
    );
    assert_eq!(ep.budget().used(), 0);
    assert!(begin(&ep, post("/RPC2", &[b' '; 9_500], &[])).is_ok());
}

#[test]
fn a_body_that_does_not_decode_gets_its_fault_with_200() {
    let ep = endpoint(ServerConfig::default());
    let body = b"<methodCall><methodName>x</methodName><params><param>";
    let mut ex = begin(&ep, post("/RPC2", body, &[])).unwrap();
    ex.push(body).unwrap();
    let reply = ex.finish(Instant::now()).unwrap_err();
    assert_eq!(reply.response.status(), 200);
    assert_eq!(reply.record.fault, Some(fault_code::PARSE_ERROR));
    assert!(text(&reply).contains("<fault>"), "{}", text(&reply));
}

#[test]
fn a_body_must_match_its_content_length() {
    let ep = endpoint(ServerConfig::default());
    let mut longer = begin(&ep, post("/RPC2", CALL.as_bytes(), &[])).unwrap();
    longer.push(CALL.as_bytes()).unwrap();
    let refusal = longer.push(b" ").unwrap_err();
    assert_eq!(refusal.response.status(), 400);
    assert_eq!(
        text(&refusal),
        "request body longer than its Content-Length\n"
    );
    drop(longer); // a refused exchange is dropped, and its charge with it
    let mut shorter = begin(&ep, post("/RPC2", CALL.as_bytes(), &[])).unwrap();
    shorter.push(&CALL.as_bytes()[..10]).unwrap();
    let refusal = shorter.finish(Instant::now()).unwrap_err();
    assert_eq!(refusal.response.status(), 400);
    assert_eq!(text(&refusal), "request body truncated\n");
    assert_eq!(ep.budget().used(), 0);
}

#[test]
fn a_late_body_gets_408_and_a_broken_one_400() {
    let ep = endpoint(ServerConfig {
        body_timeout: Duration::from_secs(3),
        ..ServerConfig::default()
    });
    let now = Instant::now();
    let ex = ep
        .begin(post("/RPC2", CALL.as_bytes(), &[]), Origin::default(), now)
        .unwrap();
    assert_eq!(ex.deadline(), now + Duration::from_secs(3));
    assert_eq!(ex.timed_out().response.status(), 408);
    let ex = begin(&ep, post("/RPC2", CALL.as_bytes(), &[])).unwrap();
    assert_eq!(ex.truncated().response.status(), 400);
}

#[test]
fn the_client_address_comes_from_a_trusted_proxy_only() {
    let ep = endpoint(ServerConfig {
        trusted_proxies: TrustedProxies::parse("127.0.0.1").unwrap(),
        ..ServerConfig::default()
    });
    let forwarded = [("x-forwarded-for", "203.0.113.7")];
    for (peer, client) in [
        ("127.0.0.1:5000", "203.0.113.7"),
        ("192.0.2.1:5000", "192.0.2.1:5000"),
    ] {
        let origin = Origin {
            peer: Some(peer.into()),
            user: None,
        };
        let mut ex = ep
            .begin(
                post("/RPC2", CALL.as_bytes(), &forwarded),
                origin,
                Instant::now(),
            )
            .unwrap();
        ex.push(CALL.as_bytes()).unwrap();
        let call = ex.finish(Instant::now()).unwrap();
        assert_eq!(call.context.client.as_deref(), Some(client), "peer {peer}");
    }
}

#[test]
fn refusals_are_short_text_and_never_echo_the_request() {
    let ep = endpoint(ServerConfig::default());
    let reply = refused(&ep, post("/secret-path-%3Cscript%3E", b"", &[]));
    assert_eq!(reply.response.status(), 404);
    assert_eq!(
        reply.response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert!(!text(&reply).contains("secret"));
    assert_eq!(
        reply.response.body(),
        &Bytes::from_static(b"no such path\n")
    );
}
