//! The client machine's hook points: per-call headers in the request head,
//! and the cookie jar (Set-Cookie stored from a response head, Cookie sent
//! on the next request).

use std::sync::Arc;
use std::time::Instant;

use http::{HeaderMap, HeaderValue};
use xmlrpc_proto::client::CookieJar;
use xmlrpc_proto::http::{ClientConnection, Input, Output};

use super::*;

/// Everything the machine hands out until it waits.
fn transmitted(conn: &mut ClientConnection) -> String {
    let mut out = Vec::new();
    while let Output::Transmit(bytes) = conn.poll_output() {
        out.extend_from_slice(&bytes);
    }
    String::from_utf8_lossy(&out).to_lowercase()
}

fn head_lines(request: &str, name: &str) -> Vec<String> {
    let head = request.split("\r\n\r\n").next().unwrap_or_default();
    head.lines()
        .filter(|l| l.starts_with(&format!("{name}:")))
        .map(str::to_owned)
        .collect()
}

#[test]
fn per_call_headers_replace_the_clients_and_framing_is_kept() {
    let mut config = client_config("http://127.0.0.1:8000/RPC2");
    config
        .headers
        .insert("x-client", HeaderValue::from_static("always"));
    config
        .headers
        .insert("x-other", HeaderValue::from_static("kept"));
    let mut conn = ClientConnection::new(Arc::new(config));
    let mut extra = HeaderMap::new();
    extra.insert("x-client", HeaderValue::from_static("this call"));
    extra.insert("user-agent", HeaderValue::from_static("per-call"));
    extra.insert("content-length", HeaderValue::from_static("999"));
    conn.send_call_with_headers(&echo(1), &extra, Instant::now())
        .unwrap();
    let request = transmitted(&mut conn);
    assert_eq!(head_lines(&request, "x-client"), ["x-client: this call"]);
    assert_eq!(head_lines(&request, "x-other"), ["x-other: kept"]);
    assert_eq!(head_lines(&request, "user-agent"), ["user-agent: per-call"]);
    let length = head_lines(&request, "content-length");
    assert_eq!(length.len(), 1, "{request}");
    assert_ne!(length[0], "content-length: 999");
}

#[test]
fn set_cookie_is_stored_and_sent_on_the_next_call() {
    let body = "<?xml version=\"1.0\"?><methodResponse><params><param>\
                <value><int>1</int></value></param></params></methodResponse>";
    for split in SPLITS {
        let jar = Arc::new(CookieJar::new());
        let mut config = client_config("http://127.0.0.1:8000/RPC2");
        config.cookie_jar = Some(Arc::clone(&jar));
        let mut conn = ClientConnection::new(Arc::new(config));
        let now = Instant::now();
        conn.send_call(&echo(1), now).unwrap();
        let first = transmitted(&mut conn);
        assert!(head_lines(&first, "cookie").is_empty(), "{first}");

        let response = format!(
            "HTTP/1.1 200 OK\r\nSet-Cookie: sid=abc; Path=/; HttpOnly\r\nSet-Cookie: lang=en\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        for chunk in response.as_bytes().chunks(split.max(1)) {
            conn.handle_input(Input::Data(now, chunk));
        }
        assert!(matches!(
            conn.poll_output(),
            Output::Event(ClientEvent::Response { result: Ok(_), .. })
        ));
        assert_eq!(jar.len(), 2);

        conn.send_call(&echo(2), now).unwrap();
        let second = transmitted(&mut conn);
        let cookie = head_lines(&second, "cookie");
        assert_eq!(cookie.len(), 1, "{second}");
        assert!(
            cookie[0].contains("sid=abc") && cookie[0].contains("lang=en"),
            "{cookie:?}"
        );

        // A Cookie header given for one call wins over the jar.
        let mut extra = HeaderMap::new();
        extra.insert("cookie", HeaderValue::from_static("sid=mine"));
        let mut other = ClientConnection::new(Arc::new({
            let mut c = client_config("http://127.0.0.1:8000/RPC2");
            c.cookie_jar = Some(Arc::clone(&jar));
            c
        }));
        other.send_call_with_headers(&echo(3), &extra, now).unwrap();
        assert_eq!(
            head_lines(&transmitted(&mut other), "cookie"),
            ["cookie: sid=mine"]
        );
    }
}

/// Completes the call in flight with a `200` answer, so the connection is
/// idle for the next one.
fn answer_ok(conn: &mut ClientConnection) {
    let body = "<?xml version=\"1.0\"?><methodResponse><params><param>\
                <value><int>1</int></value></param></params></methodResponse>";
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    conn.handle_input(Input::Data(Instant::now(), response.as_bytes()));
    while !matches!(conn.poll_output(), Output::Wait { .. } | Output::Closed) {}
    assert!(conn.is_reusable(), "the connection takes another call");
}

#[test]
fn every_call_on_a_connection_carries_the_same_line_host_and_credentials() {
    // Worked out once per connection: they must not drift between calls.
    let config =
        xmlrpc_proto::client::ClientConfig::builder("http://user:pw@example.test:8080/RPC2")
            .proxy("http://agent:s3cret@127.0.0.1:3128")
            .build()
            .expect("config");
    let mut conn = ClientConnection::new(Arc::new(config));
    let mut heads = Vec::new();
    for n in 0..3 {
        conn.send_call(&echo(n), Instant::now())
            .expect("idle connection");
        let request = transmitted(&mut conn);
        let head = request
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .to_owned();
        let lines: Vec<&str> = head.lines().collect();
        assert_eq!(
            lines[0], "post http://example.test:8080/rpc2 http/1.1",
            "{head}"
        );
        assert_eq!(head_lines(&request, "host"), ["host: example.test:8080"]);
        // base64("agent:s3cret") and base64("user:pw"), lowercased with the rest.
        assert_eq!(
            head_lines(&request, "proxy-authorization"),
            ["proxy-authorization: basic ywdlbnq6cznjcmv0"]
        );
        assert_eq!(
            head_lines(&request, "authorization"),
            ["authorization: basic dxnlcjpwdw=="]
        );
        heads.push(head);
        answer_ok(&mut conn);
    }
    // Only Content-Length may differ between calls (the bodies differ).
    let without_length = |head: &String| {
        head.lines()
            .filter(|l| !l.starts_with("content-length:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_length(&heads[0]), without_length(&heads[2]));
}
