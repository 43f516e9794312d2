//! The SCGI machines with simulated time: a client and a server wired in
//! memory (`Pair::scgi`), raw bytes against either side (rTorrent-style
//! answers, hostile requests), deadlines, eviction and the body budget.
//! Every test runs with input delivered whole and byte by byte.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

#[path = "http/mod.rs"]
mod harness;

use std::sync::Arc;
use std::time::{Duration, Instant};

use harness::*;
use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::http::{Admission, ClientEvent, Input, ServerConfig, ServerConnection};
use xmlrpc_proto::scgi::ScgiError;
use xmlrpc_proto::{fault_code, Limits, MethodCall, MethodResponse, Value};

fn echo(n: i32) -> MethodCall {
    MethodCall::new("echo", vec![Value::Int(n)])
}

/// An SCGI request: the header block (`vars` after `CONTENT_LENGTH` and
/// `SCGI=1`) and `body`.
fn request(body: &str, vars: &[(&str, &str)]) -> Vec<u8> {
    let mut block = format!("CONTENT_LENGTH\0{}\0SCGI\x001\0", body.len());
    for (n, v) in vars {
        block.push_str(&format!("{n}\0{v}\0"));
    }
    format!("{}:{block},{body}", block.len()).into_bytes()
}

/// `content` framed as a netstring, then `after`.
fn netstring(content: &[u8], after: &[u8]) -> Vec<u8> {
    let mut out = format!("{}:", content.len()).into_bytes();
    out.extend_from_slice(content);
    out.extend_from_slice(after);
    out
}

/// Raw bytes against a fresh SCGI server connection.
fn serve(config: ServerConfig, input: &[u8], split: usize, eof: bool) -> ServerRun {
    let clock = Clock::new();
    let linger = config.linger_timeout;
    let server = ServerConnection::scgi(Arc::new(config), Some("peer".into()), clock.now());
    serve_raw_on(server, clock, linger, input, split, eof, &mut echo_router())
}

fn status_of(run: &ServerRun) -> u16 {
    run.wire
        .strip_prefix("Status: ")
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_call_goes_through_and_both_sides_close() {
    for split in SPLITS {
        let mut pair = Pair::scgi(
            ServerConfig::default(),
            client_config("scgi://127.0.0.1:5000/RPC2"),
            split,
        );
        let answer = pair.call(&echo(7)).unwrap();
        assert_eq!(answer, MethodResponse::Success(Value::Int(7)));
        let request = String::from_utf8_lossy(&pair.client_wire).into_owned();
        assert!(request.contains(":CONTENT_LENGTH\0"), "{request:?}");
        assert!(
            request.contains("\0SCGI\x001\0REQUEST_METHOD\0POST\0"),
            "{request:?}"
        );
        assert!(request.contains("REQUEST_URI\0/RPC2\0"), "{request:?}");
        let response = String::from_utf8_lossy(&pair.server_wire).into_owned();
        assert!(
            response.starts_with("Status: 200 OK\r\nContent-Type: text/xml\r\nContent-Length: "),
            "{response:?}"
        );
        assert!(
            pair.server_closed && pair.client_closed,
            "one call per connection"
        );
        assert!(!pair.client.is_reusable());
        assert_eq!(pair.seen[0].path, "/RPC2");
        assert_eq!(pair.records.len(), 1);
        assert_eq!(pair.records[0].method.as_deref(), Some("echo"));
        // A second call on the same connection is refused, retryable.
        let again = pair.client.send_call(&echo(1), pair.clock.now());
        assert!(matches!(
            again,
            Err(ClientError::Closed { retryable: true })
        ));
    }
}

#[test]
fn faults_and_large_answers_pass() {
    for split in SPLITS {
        let mut pair = Pair::scgi(
            ServerConfig::default(),
            client_config("scgi+unix:///tmp/x.sock"),
            split,
        );
        let fault = pair.call(&MethodCall::new("nope", vec![])).unwrap();
        assert!(matches!(fault, MethodResponse::Fault(f) if f.code == 1));
        let mut pair = Pair::scgi(ServerConfig::default(), client_config("scgi://h:1"), split);
        let big = pair.call(&MethodCall::new("big", vec![])).unwrap();
        assert_eq!(
            big,
            MethodResponse::Success(Value::String("x".repeat(8000)))
        );
    }
}

/// What the client makes of raw response bytes (then EOF).
fn client_reads(response: &str, split: usize) -> Result<MethodResponse, ClientError> {
    let (mut events, closed, _) = client_raw(
        client_config("scgi://127.0.0.1:5000"),
        response.as_bytes(),
        split,
        true,
    );
    assert!(closed, "never reused");
    assert_eq!(events.len(), 1, "{events:?}");
    match events.pop() {
        Some(ClientEvent::Response { result, .. }) => result,
        None => unreachable!(),
    }
}

const I8_BODY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodResponse><params><param>\
    <value><i8>123456789012</i8></value></param></params></methodResponse>\n";

#[test]
fn the_client_reads_rtorrent_style_and_other_cgi_answers() {
    let cases = [
        // rTorrent: Status line, CRLF, Content-Length.
        format!(
            "Status: 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{I8_BODY}",
            I8_BODY.len()
        ),
        // No Status (200), LF lines, body until close.
        format!("Content-Type: text/xml\n\n{I8_BODY}"),
        // An HTTP status line, as some SCGI servers write.
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n{I8_BODY}"),
    ];
    for split in SPLITS {
        for case in &cases {
            let got = client_reads(case, split).unwrap();
            assert_eq!(
                got,
                MethodResponse::Success(Value::I8(123_456_789_012)),
                "{case:?}"
            );
        }
        match client_reads("Status: 404 Not Found\r\n\r\nno such thing", split) {
            Err(ClientError::Status {
                status,
                body_excerpt,
                ..
            }) => {
                assert_eq!(status.as_u16(), 404);
                assert_eq!(body_excerpt, "no such thing");
            }
            other => panic!("{other:?}"),
        }
        let short = format!("Status: 200 OK\r\nContent-Length: 500\r\n\r\n{I8_BODY}");
        assert!(matches!(
            client_reads(&short, split),
            Err(ClientError::Closed { retryable: false })
        ));
        assert!(matches!(
            client_reads("what is this\r\n\r\n", split),
            Err(ClientError::Protocol(_))
        ));
    }
}

#[test]
fn the_client_cap_and_deadlines_apply() {
    let mut config = client_config("scgi://h:1");
    config.limits = Limits {
        max_message_size: 100,
        ..config.limits
    };
    let response = format!("Status: 200 OK\r\n\r\n{I8_BODY}");
    let (events, _, _) = client_raw(config, response.as_bytes(), WHOLE, true);
    assert!(
        matches!(&events[..], [ClientEvent::Response { result: Err(ClientError::Protocol(m)), .. }] if m.contains("max_message_size")),
        "{events:?}"
    );

    let mut pair = Pair::scgi(ServerConfig::default(), client_config("scgi://h:1"), WHOLE);
    pair.client
        .send_call(&MethodCall::new("hang", vec![]), pair.clock.now())
        .unwrap();
    pair.run();
    pair.advance(Duration::from_secs(31));
    assert!(matches!(
        pair.responses.pop(),
        Some(ClientEvent::Response {
            result: Err(ClientError::Timeout(_)),
            ..
        })
    ));
}

#[test]
fn hostile_requests_get_a_cgi_refusal_and_the_connection_closes() {
    let body = echo_body(1);
    let mut cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (b"x:".to_vec(), 400, "netstring length"),
        (b":CONTENT_LENGTH".to_vec(), 400, "netstring length"),
        (b"-5:".to_vec(), 400, "netstring length"),
        (b"05:".to_vec(), 400, "netstring length"),
        (b"99999999999999999999999:".to_vec(), 431, "too large"),
        (b"17000:".to_vec(), 431, "too large"),
        (
            netstring(b"SCGI\x001\0A\0b\0", b","),
            400,
            "CONTENT_LENGTH missing",
        ),
        (
            netstring(b"CONTENT_LENGTH\x001\0", b","),
            400,
            "SCGI=1 missing",
        ),
        (
            netstring(b"CONTENT_LENGTH\0x\0SCGI\x001\0", b","),
            400,
            "not a decimal",
        ),
        (
            netstring(b"CONTENT_LENGTH\0-1\0SCGI\x001\0", b","),
            400,
            "not a decimal",
        ),
        (
            netstring(b"CONTENT_LENGTH\x001\0SCGI\x001\0", b";x"),
            400,
            "end with ','",
        ),
        (
            netstring(b"CONTENT_LENGTH\x001\0SCGI\x001", b",x"),
            400,
            "pairs",
        ),
        (
            netstring(b"CONTENT_LENGTH\x0099999999999\0SCGI\x001\0", b","),
            413,
            "max_message_size",
        ),
    ];
    cases.push((request(&body, &[("A", "1"), ("A", "2")]), 400, "twice"));
    for split in SPLITS {
        for (input, status, reason) in &cases {
            let run = serve(ServerConfig::default(), input, split, false);
            assert_eq!(
                status_of(&run),
                *status,
                "{:?}: {}",
                String::from_utf8_lossy(input),
                run.wire
            );
            assert!(run.wire.contains(reason), "{reason}: {}", run.wire);
            assert!(
                run.wire.contains("Content-Type: text/plain"),
                "{}",
                run.wire
            );
            assert!(!run.wire.contains("HTTP/1.1"), "{}", run.wire);
            assert!(run.calls.is_empty());
            assert!(run.lingered, "lingers, then closes: {:?}", run.last_wait);
            assert_eq!(run.records.len(), 1);
            assert_eq!(run.records[0].status, *status);
        }
        // A body that is not XML is a fault, still Status 200.
        let run = serve(
            ServerConfig::default(),
            &request("hello", &[]),
            split,
            false,
        );
        assert!(run.wire.starts_with("Status: 200 OK\r\n"), "{}", run.wire);
        assert!(
            run.wire.contains(&fault_code::PARSE_ERROR.to_string()),
            "{}",
            run.wire
        );
        assert!(run.closed);
    }
    assert_eq!(ScgiError::HeaderBlockTooLarge.status(), 431);
    assert_eq!(ScgiError::MissingScgi.status(), 400);
}

#[test]
fn limits_from_the_server_config_apply() {
    let small = || ServerConfig {
        max_head_size: 64,
        max_headers: 3,
        ..ServerConfig::default()
    };
    for split in SPLITS {
        let long = request(&echo_body(1), &[("X", &"y".repeat(64))]);
        let run = serve(small(), &long, split, false);
        assert_eq!(status_of(&run), 431, "{}", run.wire);
        let many = request(&echo_body(1), &[("A", "1"), ("B", "2")]);
        let run = serve(small(), &many, split, false);
        assert_eq!(status_of(&run), 431, "{}", run.wire);
        let fits = request(&echo_body(1), &[("A", "1")]);
        let run = serve(small(), &fits, split, false);
        assert_eq!(run.calls.len(), 1, "{}", run.wire);
    }
}

#[test]
fn context_carries_the_path_headers_and_authenticated_user() {
    let auth: Arc<xmlrpc_proto::http::AuthCheck> =
        Arc::new(|u: &str, p: &str| u == "ann" && p == "pw");
    let config = || ServerConfig {
        auth: Some(auth.clone()),
        ..ServerConfig::default()
    };
    let user_call = "<methodCall><methodName>user</methodName></methodCall>";
    for split in SPLITS {
        // "ann:pw" in base64.
        let vars = [
            ("REQUEST_URI", "/api?x=1"),
            ("HTTP_AUTHORIZATION", "Basic YW5uOnB3"),
            ("HTTP_X_TRACE", "abc"),
        ];
        let run = serve(config(), &request(user_call, &vars), split, true);
        assert!(run.wire.starts_with("Status: 200 OK"), "{}", run.wire);
        assert!(run.wire.contains("<string>ann</string>"), "{}", run.wire);
        let run = serve(config(), &request(user_call, &[]), split, false);
        assert_eq!(status_of(&run), 401, "{}", run.wire);
        assert!(run.wire.contains("WWW-Authenticate: Basic"), "{}", run.wire);
    }
    // Path and headers reach the handler.
    let mut pair = Pair::scgi(
        ServerConfig::default(),
        client_config("scgi://h:1/deep/path"),
        1,
    );
    pair.call(&echo(1)).unwrap();
    assert_eq!(pair.seen[0].path, "/deep/path");
}

#[test]
fn bytes_after_the_body_are_not_read_and_eof_after_it_still_gets_the_answer() {
    for split in SPLITS {
        let mut input = request(&echo_body(3), &[]);
        input.extend_from_slice(b"garbage after the one request");
        let run = serve(ServerConfig::default(), &input, split, true);
        assert_eq!(run.calls.len(), 1);
        assert!(run.wire.starts_with("Status: 200 OK"), "{}", run.wire);
        assert_eq!(run.wire.matches("Status:").count(), 1);
        assert!(run.closed);
        // EOF in the middle: nobody to answer.
        let half = &request(&echo_body(3), &[])[..30];
        let run = serve(ServerConfig::default(), half, split, true);
        assert!(run.closed && run.wire.is_empty() && run.calls.is_empty());
    }
}

#[test]
fn deadlines_with_simulated_time() {
    let config = Arc::new(ServerConfig::default());
    let t0 = Instant::now();
    let tick = |server: &mut ServerConnection, at: Instant| -> ServerRun {
        server.handle_input(Input::Tick(at));
        let mut run = ServerRun::new();
        let mut wire = Vec::new();
        drive_server(
            server,
            &Clock::at(at),
            &mut wire,
            &mut run,
            &mut echo_router(),
        );
        run.wire = String::from_utf8_lossy(&wire).into_owned();
        run
    };
    // Fresh and silent: closed at idle_timeout without a word.
    let mut fresh = ServerConnection::scgi(Arc::clone(&config), None, t0);
    assert!(
        !tick(
            &mut fresh,
            t0 + config.idle_timeout - Duration::from_millis(1)
        )
        .closed
    );
    let run = tick(&mut fresh, t0 + config.idle_timeout);
    assert!(run.closed && run.wire.is_empty());

    // Header block begun: 408 at head_timeout from its first byte.
    let mut slow = ServerConnection::scgi(Arc::clone(&config), None, t0);
    let t1 = t0 + Duration::from_secs(5);
    slow.handle_input(Input::Data(t1, b"40:CONTENT_"));
    assert!(tick(
        &mut slow,
        t1 + config.head_timeout - Duration::from_millis(1)
    )
    .wire
    .is_empty());
    let run = tick(&mut slow, t1 + config.head_timeout);
    assert!(run.wire.starts_with("Status: 408"), "{}", run.wire);
    assert!(run.wire.contains("header block not received in time"));

    // Body begun: 408 at body_timeout from the end of the block.
    let mut body = ServerConnection::scgi(Arc::clone(&config), None, t0);
    let input = request(&echo_body(1), &[]);
    body.handle_input(Input::Data(t1, &input[..input.len() - 10]));
    let run = tick(&mut body, t1 + config.body_timeout);
    assert!(run.wire.starts_with("Status: 408"), "{}", run.wire);
    assert!(run.wire.contains("body not received in time"));
}

#[test]
fn scgi_connections_are_evicted_and_charged_like_http_ones() {
    let t0 = Instant::now();
    let config = Arc::new(ServerConfig {
        first_head_window: Duration::from_secs(1),
        body_budget: 4096,
        body_reserve: 0,
        ..ServerConfig::default()
    });
    let admission = Admission::new(&config, 2, t0);
    let admit = |at: Instant, kick: u32| {
        let admitted = admission.admit(at, kick).expect("admitted");
        (
            ServerConnection::admitted_scgi(Arc::clone(&config), admitted.ticket, None, at),
            admitted.evicted,
        )
    };
    let drive = |server: &mut ServerConnection, at: Instant| {
        let mut run = ServerRun::new();
        let mut wire = Vec::new();
        drive_server(
            server,
            &Clock::at(at),
            &mut wire,
            &mut run,
            &mut echo_router(),
        );
        server.transmitted(at);
        run.wire = String::from_utf8_lossy(&wire).into_owned();
        run
    };
    let (mut silent, _) = admit(t0, 1);
    let (mut busy, _) = admit(t0, 2);
    // A complete header block with its body under way: never evicted.
    let input = request(&echo_body(1), &[]);
    busy.handle_input(Input::Data(t0, &input[..input.len() - 5]));
    drive(&mut busy, t0);
    let later = t0 + Duration::from_secs(2);
    let (mut newcomer, evicted) = admit(later, 3);
    assert_eq!(evicted, Some(1), "the silent one goes");
    silent.handle_input(Input::Tick(later));
    let run = drive(&mut silent, later);
    assert!(run.closed && run.wire.is_empty());
    assert!(admission.admit(later, 4).is_err(), "the busy one stays");
    busy.handle_input(Input::Data(later, &input[input.len() - 5..]));
    assert!(drive(&mut busy, later).wire.starts_with("Status: 200 OK"));

    // A declared length over what the budget has left: 503, Retry-After.
    let huge = netstring(b"CONTENT_LENGTH\x00100000\0SCGI\x001\0", b",");
    newcomer.handle_input(Input::Data(later, &huge));
    let run = drive(&mut newcomer, later);
    assert!(run.wire.starts_with("Status: 503"), "{}", run.wire);
    assert!(run.wire.contains("Retry-After: 1"), "{}", run.wire);
    assert_eq!(admission.budget().used(), 0);
}

#[test]
fn the_client_sends_its_headers_as_http_variables() {
    let mut config = client_config("scgi://h:1/x");
    config.headers.insert("x-trace", "abc".parse().unwrap());
    config
        .headers
        .insert("content-length", "5".parse().unwrap());
    let mut pair = Pair::scgi(ServerConfig::default(), config, WHOLE);
    pair.call(&echo(1)).unwrap();
    let request = String::from_utf8_lossy(&pair.client_wire).into_owned();
    assert!(request.contains("\0HTTP_X_TRACE\0abc\0"), "{request:?}");
    assert!(request.contains("\0HTTP_USER_AGENT\0"), "{request:?}");
    assert!(
        request.contains("\0CONTENT_TYPE\0text/xml\0"),
        "{request:?}"
    );
    assert!(
        !request.contains("HTTP_CONTENT_LENGTH"),
        "framing headers are the client's own"
    );
    assert_eq!(request.matches("CONTENT_LENGTH\0").count(), 1);
}
