//! The HTTP machines end to end: a client and a server wired in memory with
//! simulated time (`Pair`), and raw bytes against either side. Every test
//! runs with input delivered whole and byte by byte.

#[path = "http/mod.rs"]
mod harness;

use std::io::Write;
use std::time::Duration;

use harness::*;
use xmlrpc_proto::http::{CallError, ClientEvent, ServerConfig};
use xmlrpc_proto::{fault_code, Limits, MethodCall, MethodResponse, Value};

fn echo(n: i32) -> MethodCall {
    MethodCall::new("echo", vec![Value::Int(n)])
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("in memory");
    enc.finish().expect("in memory")
}

fn raw(input: &str, split: usize) -> ServerRun {
    serve_raw(
        ServerConfig::default(),
        input.as_bytes(),
        split,
        false,
        &mut echo_router(),
    )
}

// ---- keep-alive, pipelining, HTTP/1.0 ----

#[test]
fn keep_alive_reuses_one_connection() {
    for split in SPLITS {
        let mut pair = Pair::default_with(split);
        for n in 0..3 {
            assert_eq!(
                pair.call(&echo(n)).ok(),
                Some(MethodResponse::Success(Value::Int(n)))
            );
            assert!(pair.client.is_reusable());
        }
        assert!(!pair.server_closed && !pair.client_closed);
        assert_eq!(pair.seen.len(), 3);
        let wire = String::from_utf8_lossy(&pair.client_wire).into_owned();
        for h in [
            "POST /RPC2 HTTP/1.1\r\n",
            "Host: localhost\r\n",
            "User-Agent: ",
            "Content-Type: text/xml\r\n",
            "Accept-Encoding: gzip\r\n",
        ] {
            assert!(wire.contains(h), "{h} missing from {wire}");
        }
    }
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    for split in SPLITS {
        let input = format!(
            "{}{}{}",
            post(&echo_body(1), ""),
            post(&echo_body(2), ""),
            post(&echo_body(3), "")
        );
        let run = raw(&input, split);
        assert_eq!(run.statuses(), vec![200, 200, 200]);
        let order: Vec<_> = run.calls.iter().map(|c| c.params.clone()).collect();
        assert_eq!(
            order,
            vec![
                vec![Value::Int(1)],
                vec![Value::Int(2)],
                vec![Value::Int(3)]
            ]
        );
        let first = run.wire.find("<int>1</int>").unwrap();
        let third = run.wire.find("<int>3</int>").unwrap();
        assert!(first < third);
        assert!(!run.closed);
    }
}

#[test]
fn pipelined_request_waits_for_the_answer_before_it() {
    let mut router: Router = Box::new(|_| None);
    let input = format!("{}{}", post(&echo_body(1), ""), post(&echo_body(2), ""));
    let run = serve_raw(
        ServerConfig::default(),
        input.as_bytes(),
        WHOLE,
        false,
        &mut router,
    );
    // The second is buffered, not decoded, until the first is answered.
    assert_eq!(run.calls.len(), 1);
    assert!(run.wire.is_empty());
}

#[test]
fn connection_close_and_http10() {
    for split in SPLITS {
        let run = raw(&post(&echo_body(1), "Connection: close\r\n"), split);
        assert_eq!(run.statuses(), vec![200]);
        assert!(run.wire.contains("Connection: close\r\n") && run.closed);

        let body = echo_body(2);
        let req10 = format!(
            "POST /RPC2 HTTP/1.0\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let run = raw(&req10, split);
        assert_eq!(run.statuses(), vec![200]);
        assert!(run.closed, "HTTP/1.0 closes by default");

        let ka = format!(
            "POST /RPC2 HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let run = raw(&format!("{ka}{ka}"), split);
        assert_eq!(run.statuses(), vec![200, 200]);
        assert!(run.wire.contains("Connection: keep-alive\r\n") && !run.closed);
    }
}

// ---- every row of the status table ----

fn assert_refused(input: &str, status: u16, split: usize) -> ServerRun {
    let run = raw(input, split);
    assert_eq!(
        run.statuses(),
        vec![status],
        "split {split}: {input:?} -> {}",
        run.wire
    );
    assert!(run.closed, "{status} closes");
    assert!(run.calls.is_empty());
    assert!(run.wire.contains("Content-Type: text/plain"));
    run
}

#[test]
fn status_400_malformed_and_smuggling() {
    let body = echo_body(1);
    let n = body.len();
    let cases = [
        "POST /RPC2 HTTP/1.1\r\nHost x\r\n\r\n".to_string(),
        format!("POST /RPC2 HTTP/1.1\r\nContent-Length: {n}\r\n\r\n{body}"),
        format!("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: {n}\r\nTransfer-Encoding: chunked\r\n\r\n{body}"),
        format!("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: {n}\r\nContent-Length: 5\r\n\r\n{body}"),
        format!("POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n{body}"),
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_string(),
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n".to_string(),
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX".to_string(),
    ];
    for split in SPLITS {
        for case in &cases {
            let run = assert_refused(case, 400, split);
            // Whatever followed the bad head was not read as a request.
            assert!(run.calls.is_empty());
        }
    }
}

#[test]
fn status_405_404_411_414_415_431_501_505() {
    let body = echo_body(1);
    let n = body.len();
    for split in SPLITS {
        let run = assert_refused("GET /RPC2 HTTP/1.1\r\nHost: x\r\n\r\n", 405, split);
        assert!(run.wire.contains("Allow: POST\r\n"));
        assert_refused(
            &format!("POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: {n}\r\n\r\n{body}"),
            404,
            split,
        );
        assert_refused("POST /RPC2 HTTP/1.1\r\nHost: x\r\n\r\n", 411, split);
        let long = format!("POST /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(9000));
        assert_refused(&long, 414, split);
        assert_refused(&post(&body, "Content-Encoding: br\r\n"), 415, split);
        let many: String = (0..101).map(|i| format!("X-{i}: v\r\n")).collect();
        assert_refused(&post(&body, &many), 431, split);
        let large = format!("X-Big: {}\r\n", "v".repeat(17 * 1024));
        assert_refused(&post(&body, &large), 431, split);
        assert_refused(
            "POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            501,
            split,
        );
        assert_refused("POST /RPC2 HTTP/2.0\r\nHost: x\r\n\r\n", 505, split);
    }
}

#[test]
fn status_413_without_reading_the_rest() {
    let config = || ServerConfig {
        limits: Limits {
            max_message_size: 1000,
            ..Limits::server()
        },
        ..ServerConfig::default()
    };
    for split in SPLITS {
        // Declared too large: refused from the head, before any body byte.
        let head = "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n";
        let run = serve_raw(config(), head.as_bytes(), split, false, &mut echo_router());
        assert_eq!(run.statuses(), vec![413]);
        assert!(run.closed);
        // Chunked: the chunk size line is enough.
        let chunked = "POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n";
        let run = serve_raw(
            config(),
            chunked.as_bytes(),
            split,
            false,
            &mut echo_router(),
        );
        assert_eq!(run.statuses(), vec![413]);
        assert!(run.closed);
    }
}

#[test]
fn gzip_bomb_is_413() {
    let mut call = echo_body(1).into_bytes();
    call.extend(std::iter::repeat_n(b' ', 4 << 20));
    let packed = gzip(&call);
    assert!(packed.len() < 16 * 1024);
    let mut input = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        packed.len()
    )
    .into_bytes();
    input.extend_from_slice(&packed);
    let config = || ServerConfig {
        limits: Limits {
            max_message_size: 1 << 20,
            ..Limits::server()
        },
        ..ServerConfig::default()
    };
    for split in [WHOLE, 1] {
        let run = serve_raw(config(), &input, split, false, &mut echo_router());
        assert_eq!(run.statuses(), vec![413], "{}", run.wire);
        assert!(run.closed && run.calls.is_empty());
    }
}

#[test]
fn status_408_head_and_body_deadlines() {
    for split in SPLITS {
        // Head: from its first byte.
        let mut pair = Pair::default_with(split);
        pair.push_to_server(b"POST /RPC2 HTT");
        pair.advance(Duration::from_secs(29));
        assert!(!pair.server_closed);
        pair.advance(Duration::from_secs(1));
        assert!(pair.server_closed);
        assert!(String::from_utf8_lossy(&pair.server_wire).starts_with("HTTP/1.1 408 "));

        // Body: the whole body within 60 s of the head.
        let mut pair = Pair::default_with(split);
        let req = post(&echo_body(1), "");
        let cut = req.len() - 5;
        pair.push_to_server(&req.as_bytes()[..cut]);
        pair.advance(Duration::from_secs(59));
        assert!(!pair.server_closed);
        pair.advance(Duration::from_secs(1));
        assert!(pair.server_closed);
        assert!(String::from_utf8_lossy(&pair.server_wire).starts_with("HTTP/1.1 408 "));
    }
}

#[test]
fn idle_connections_close_silently() {
    for split in SPLITS {
        let mut pair = Pair::default_with(split);
        assert!(pair.call(&echo(1)).is_ok());
        let wire_before = pair.server_wire.len();
        pair.advance(Duration::from_secs(74));
        assert!(!pair.server_closed);
        pair.advance(Duration::from_secs(1));
        assert!(pair.server_closed);
        assert_eq!(
            pair.server_wire.len(),
            wire_before,
            "no answer to an idle close"
        );
        // The client learns the connection is gone; a new call is retryable.
        assert!(!pair.client.is_reusable());
        assert!(matches!(
            pair.client.send_call(&echo(2), pair.clock.now()),
            Err(CallError::Closed { retryable: true })
        ));
    }
}

#[test]
fn client_deadlines_first_byte_and_whole_response() {
    for split in SPLITS {
        let mut pair = Pair::default_with(split);
        pair.client
            .send_call(&MethodCall::new("hang", vec![]), pair.clock.now())
            .unwrap();
        pair.run();
        pair.advance(Duration::from_secs(30));
        assert!(matches!(
            pair.responses.pop(),
            Some(ClientEvent::Response {
                result: Err(CallError::Timeout("first response byte")),
                ..
            })
        ));
        assert!(pair.client_closed);

        // Whole response: the head arrives, the body never completes.
        let mut cfg = client_config("http://localhost/RPC2");
        cfg.response_timeout = Duration::from_secs(5);
        let (events, closed, mut client) = client_raw(
            cfg,
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<method",
            split,
            false,
        );
        assert!(events.is_empty() && !closed);
        let later = std::time::Instant::now() + Duration::from_secs(3600);
        client.handle_input(xmlrpc_proto::http::Input::Tick(later));
        assert!(matches!(
            client.poll_output(),
            xmlrpc_proto::http::Output::Event(ClientEvent::Response {
                result: Err(CallError::Timeout("whole response")),
                ..
            })
        ));
    }
}

// ---- 100-continue, gzip, chunked ----

#[test]
fn expect_100_continue_only_after_checks() {
    for split in SPLITS {
        let head =
            "POST /RPC2 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n";
        let run = raw(head, split);
        assert_eq!(run.wire, "HTTP/1.1 100 Continue\r\n\r\n");
        let bad =
            "POST /nope HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n";
        let run = raw(bad, split);
        assert!(!run.wire.contains("100 Continue"));
        assert_eq!(run.statuses(), vec![404]);
        let full = post(&echo_body(7), "Expect: 100-continue\r\n");
        let run = raw(&full, split);
        assert!(run
            .wire
            .starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"));
    }
}

#[test]
fn gzip_both_ways() {
    for split in SPLITS {
        let mut client = client_config("http://localhost/RPC2");
        client.gzip_threshold = Some(10);
        let mut pair = Pair::new(ServerConfig::default(), client, split);
        let long = Value::String("abc".repeat(3000));
        let r = pair.call(&MethodCall::new("echo", vec![long.clone()]));
        assert_eq!(r.ok(), Some(MethodResponse::Success(long)));
        let client_wire = String::from_utf8_lossy(&pair.client_wire).into_owned();
        let server_wire = String::from_utf8_lossy(&pair.server_wire).into_owned();
        assert!(client_wire.contains("Content-Encoding: gzip\r\n"));
        assert!(server_wire.contains("Content-Encoding: gzip\r\n"));
        assert!(pair.server_wire.len() < 2000, "the response was compressed");
        // Below the server's threshold: plain.
        let r = pair.call(&echo(5));
        assert_eq!(r.ok(), Some(MethodResponse::Success(Value::Int(5))));
        let tail = String::from_utf8_lossy(&pair.server_wire)
            .rsplit("HTTP/1.1")
            .next()
            .unwrap_or("")
            .to_string();
        assert!(!tail.contains("Content-Encoding"));
    }
}

#[test]
fn chunked_bodies_with_extensions_trailers_and_zero_size() {
    let body = echo_body(9);
    let (a, b) = body.split_at(20);
    let chunked = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
         {:x};ext=1;q=\"a b\"\r\n{a}\r\n{:X}\r\n{b}\r\n0;end\r\nX-Trailer: yes\r\n\r\n",
        a.len(),
        b.len()
    );
    for split in SPLITS {
        let run = raw(&chunked, split);
        assert_eq!(run.statuses(), vec![200]);
        assert_eq!(run.calls, vec![echo(9)]);
        assert!(!run.closed);
        // An empty chunked body is framed fine but is no call: fault, still 200.
        let empty = "POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        let run = raw(empty, split);
        assert_eq!(run.statuses(), vec![200]);
        assert!(run.wire.contains("faultCode") && run.calls.is_empty() && !run.closed);
    }
}

#[test]
fn decode_errors_are_faults_on_200() {
    for split in SPLITS {
        let run = raw(&post("<methodCall><methodName>x</methodName>", ""), split);
        assert_eq!(run.statuses(), vec![200]);
        assert!(
            run.wire.contains(&fault_code::PARSE_ERROR.to_string()),
            "{}",
            run.wire
        );
        assert!(!run.closed);
        // The connection keeps serving.
        let two = format!("{}{}", post("<nope/>", ""), post(&echo_body(3), ""));
        let run = raw(&two, split);
        assert_eq!(run.statuses(), vec![200, 200]);
        assert_eq!(run.calls, vec![echo(3)]);
    }
}

// ---- auth, paths, shutdown ----

#[test]
fn basic_auth_ok_and_refused() {
    let config = || ServerConfig {
        auth: Some(std::sync::Arc::new(|u: &str, p: &str| {
            u == "ann" && p == "s3cr:t"
        })),
        ..ServerConfig::default()
    };
    for split in SPLITS {
        let mut pair = Pair::new(
            config(),
            client_config("http://ann:s3cr%3At@localhost/RPC2"),
            split,
        );
        let r = pair.call(&MethodCall::new("user", vec![]));
        assert_eq!(
            r.ok(),
            Some(MethodResponse::Success(Value::String("ann".into())))
        );

        let mut pair = Pair::new(
            config(),
            client_config("http://ann:wrong@localhost/"),
            split,
        );
        match pair.call(&echo(1)) {
            Err(CallError::Status {
                status,
                headers,
                body_excerpt,
            }) => {
                assert_eq!(status.as_u16(), 401);
                assert_eq!(
                    headers.get("www-authenticate").map(|v| v.as_bytes()),
                    Some(&b"Basic realm=\"xmlrpc\""[..])
                );
                assert!(body_excerpt.contains("authentication"));
            }
            other => panic!("{other:?}"),
        }
        let run = serve_raw(
            config(),
            post(&echo_body(1), "").as_bytes(),
            split,
            false,
            &mut echo_router(),
        );
        assert_eq!(run.statuses(), vec![401]);
    }
}

#[test]
fn path_filter() {
    for split in SPLITS {
        let mut pair = Pair::new(
            ServerConfig::default(),
            client_config("http://localhost/"),
            split,
        );
        assert!(pair.call(&echo(1)).is_ok());
        assert_eq!(pair.seen[0].path, "/");
        let mut pair = Pair::new(
            ServerConfig::default(),
            client_config("http://localhost/elsewhere"),
            split,
        );
        assert!(
            matches!(pair.call(&echo(1)), Err(CallError::Status { status, .. }) if status.as_u16() == 404)
        );
    }
}

#[test]
fn shutdown_idle_and_in_flight() {
    for split in SPLITS {
        let mut pair = Pair::default_with(split);
        pair.server.shutdown(pair.clock.now());
        pair.run();
        assert!(pair.server_closed && pair.server_wire.is_empty());

        let mut pair = Pair::default_with(split);
        pair.client
            .send_call(&MethodCall::new("hang", vec![]), pair.clock.now())
            .unwrap();
        pair.run();
        assert_eq!(pair.seen.len(), 1);
        pair.server.shutdown(pair.clock.now());
        pair.run();
        assert!(!pair.server_closed, "waits for the call in flight");
        pair.answer_pending(MethodResponse::Success(Value::Int(42)));
        assert!(pair.server_closed);
        assert!(String::from_utf8_lossy(&pair.server_wire).contains("Connection: close\r\n"));
        match pair.responses.pop() {
            Some(ClientEvent::Response { result: Ok(r), .. }) => {
                assert_eq!(r, MethodResponse::Success(Value::Int(42)))
            }
            other => panic!("{other:?}"),
        }
        assert!(!pair.client.is_reusable());
    }
}

// ---- the client alone ----

#[test]
fn client_reads_chunked_until_close_and_status_errors() {
    let xml = "<?xml version=\"1.0\"?><methodResponse><params><param><value><int>5</int></value></param></params></methodResponse>";
    for split in SPLITS {
        let chunked = format!("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{xml}\r\n0\r\n\r\n", xml.len());
        let (events, closed, client) =
            client_raw(client_config("http://h/"), chunked.as_bytes(), split, false);
        assert!(matches!(
            &events[..],
            [ClientEvent::Response {
                result: Ok(MethodResponse::Success(Value::Int(5))),
                ..
            }]
        ));
        assert!(!closed && client.is_reusable());

        let until_close = format!("HTTP/1.0 200 OK\r\n\r\n{xml}");
        let (events, closed, client) = client_raw(
            client_config("http://h/"),
            until_close.as_bytes(),
            split,
            true,
        );
        assert!(matches!(
            &events[..],
            [ClientEvent::Response {
                result: Ok(MethodResponse::Success(Value::Int(5))),
                ..
            }]
        ));
        assert!(closed && !client.is_reusable());

        let error = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 9\r\n\r\nbusy now!";
        let (events, _, _) = client_raw(client_config("http://h/"), error.as_bytes(), split, false);
        match &events[..] {
            [ClientEvent::Response {
                result:
                    Err(CallError::Status {
                        status,
                        headers,
                        body_excerpt,
                    }),
                ..
            }] => {
                assert_eq!(status.as_u16(), 503);
                assert!(headers.contains_key("retry-after"));
                assert_eq!(body_excerpt, "busy now!");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn client_retry_rule() {
    for split in SPLITS {
        // Fresh connection closed before any byte: not retryable.
        let (events, closed, _) = client_raw(client_config("http://h/"), b"", split, true);
        assert!(closed);
        assert!(matches!(
            &events[..],
            [ClientEvent::Response {
                result: Err(CallError::Closed { retryable: false }),
                ..
            }]
        ));
        // Closed after part of the response: not retryable.
        let (events, _, _) = client_raw(
            client_config("http://h/"),
            b"HTTP/1.1 200 OK\r\nContent-Len",
            split,
            true,
        );
        assert!(matches!(
            &events[..],
            [ClientEvent::Response {
                result: Err(CallError::Closed { retryable: false }),
                ..
            }]
        ));
        // A reused idle connection closed before any byte: retryable.
        let mut pair = Pair::default_with(split);
        assert!(pair.call(&echo(1)).is_ok());
        pair.client.send_call(&echo(2), pair.clock.now()).unwrap();
        pair.client
            .handle_input(xmlrpc_proto::http::Input::Eof(pair.clock.now()));
        assert!(matches!(
            pair.client.poll_output(),
            xmlrpc_proto::http::Output::Transmit(_)
        ));
        assert!(matches!(
            pair.client.poll_output(),
            xmlrpc_proto::http::Output::Event(ClientEvent::Response {
                result: Err(CallError::Closed { retryable: true }),
                ..
            })
        ));
    }
}

#[test]
fn client_keeps_the_raw_body_and_caps_the_response() {
    let xml = "<methodResponse><params><param><value>hi</value></param></params></methodResponse>";
    for split in SPLITS {
        let mut cfg = client_config("http://h/");
        cfg.keep_raw_body = true;
        let packed = gzip(xml.as_bytes());
        let mut resp = format!(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            packed.len()
        )
        .into_bytes();
        resp.extend_from_slice(&packed);
        let (events, _, _) = client_raw(cfg, &resp, split, false);
        match &events[..] {
            [ClientEvent::Response {
                result: Ok(MethodResponse::Success(Value::String(s))),
                raw_body: Some(raw),
            }] => {
                assert_eq!(s, "hi");
                assert_eq!(&raw[..], xml.as_bytes());
            }
            other => panic!("{other:?}"),
        }
        let mut cfg = client_config("http://h/");
        cfg.limits.max_message_size = 50;
        let big = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{xml}",
            xml.len()
        );
        let (events, closed, _) = client_raw(cfg, big.as_bytes(), split, false);
        assert!(matches!(
            &events[..],
            [ClientEvent::Response {
                result: Err(CallError::Protocol(_)),
                ..
            }]
        ));
        assert!(closed);
    }
}

// ---- bounds, charsets, early ends ----

#[test]
fn pipelined_input_is_bounded_while_a_call_is_in_flight() {
    use xmlrpc_proto::http::{Input, Output, ServerConnection};
    let clock = Clock::new();
    let config = std::sync::Arc::new(ServerConfig::default());
    let cap = config.max_head_size + 64 * 1024;
    let mut server = ServerConnection::new(config, clock.now());
    server.handle_input(Input::Data(clock.now(), post(&echo_body(1), "").as_bytes()));
    let id = match server.poll_output() {
        Output::Event(xmlrpc_proto::http::ServerEvent::Call { id, .. }) => id,
        other => panic!("{other:?}"),
    };
    let mut asked_to_stop = false;
    for _ in 0..100 {
        match server.poll_output() {
            Output::Wait {
                read: false,
                deadline: None,
            } => asked_to_stop = true,
            Output::Wait {
                read: true,
                deadline: None,
            } => {}
            other => panic!("{other:?}"),
        }
        // An adapter that ignores `read: false` cannot grow the buffer.
        server.handle_input(Input::Data(clock.now(), &[b'x'; 1000]));
        assert!(server.buffered_len() <= cap);
    }
    assert!(asked_to_stop);
    server.respond(id, MethodResponse::Success(Value::Int(1)), clock.now());
    let mut wire = Vec::new();
    loop {
        match server.poll_output() {
            Output::Transmit(b) => wire.extend_from_slice(&b),
            Output::Closed => break,
            other => panic!("{other:?}"),
        }
    }
    let text = String::from_utf8_lossy(&wire);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n") && text.contains("Connection: close\r\n"));
}

#[test]
fn waits_report_read_and_the_nearest_deadline() {
    use xmlrpc_proto::http::{Input, Output, ServerConnection};
    let clock = Clock::new();
    let t0 = clock.now();
    let mut server = ServerConnection::new(std::sync::Arc::new(ServerConfig::default()), t0);
    assert!(
        matches!(server.poll_output(), Output::Wait { read: true, deadline: Some(d) } if d == t0 + Duration::from_secs(75))
    );
    server.handle_input(Input::Data(t0, b"POST / HTTP/1.1\r\n"));
    assert!(
        matches!(server.poll_output(), Output::Wait { read: true, deadline: Some(d) } if d == t0 + Duration::from_secs(30))
    );
    let t1 = t0 + Duration::from_secs(2);
    server.handle_input(Input::Data(t1, b"Host: x\r\nContent-Length: 5\r\n\r\n"));
    assert!(
        matches!(server.poll_output(), Output::Wait { read: true, deadline: Some(d) } if d == t1 + Duration::from_secs(60))
    );
}

#[test]
fn bad_gzip_is_400_and_early_eof_closes_quietly() {
    for split in SPLITS {
        let body = "this is not gzip";
        let run = raw(&post(body, "Content-Encoding: gzip\r\n"), split);
        assert_eq!(run.statuses(), vec![400]);
        assert!(run.closed);

        let req = post(&echo_body(1), "");
        let run = serve_raw(
            ServerConfig::default(),
            &req.as_bytes()[..req.len() - 10],
            split,
            true,
            &mut echo_router(),
        );
        assert!(run.closed && run.wire.is_empty() && run.calls.is_empty());
    }
}

#[test]
fn content_type_charset_reaches_the_decoder() {
    let mut body = b"<?xml version=\"1.0\"?><methodCall><methodName>echo</methodName><params><param><value><string>caf".to_vec();
    body.push(0xE9); // e-acute in ISO-8859-1
    body.extend_from_slice(b"</string></value></param></params></methodCall>");
    let mut input = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=ISO-8859-1\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    input.extend_from_slice(&body);
    for split in SPLITS {
        let run = serve_raw(
            ServerConfig::default(),
            &input,
            split,
            false,
            &mut echo_router(),
        );
        assert_eq!(
            run.calls,
            vec![MethodCall::new("echo", vec![Value::String("café".into())])],
            "{}",
            run.wire
        );
    }
}

#[test]
fn a_second_respond_writes_nothing() {
    use xmlrpc_proto::http::{Input, Output, ServerConnection, ServerEvent};
    let clock = Clock::new();
    let mut server =
        ServerConnection::new(std::sync::Arc::new(ServerConfig::default()), clock.now());
    server.handle_input(Input::Data(clock.now(), post(&echo_body(1), "").as_bytes()));
    let Output::Event(ServerEvent::Call { id, .. }) = server.poll_output() else {
        panic!("no call");
    };
    server.respond(id, MethodResponse::Success(Value::Int(1)), clock.now());
    assert!(matches!(server.poll_output(), Output::Transmit(_)));
    server.respond(id, MethodResponse::Success(Value::Int(2)), clock.now());
    assert!(matches!(server.poll_output(), Output::Wait { .. }));
}

#[test]
fn every_split_gives_the_same_bytes() {
    let body = echo_body(4);
    let (a, b) = body.split_at(33);
    let packed = gzip(echo_body(5).as_bytes());
    let mut input = format!(
        "\r\n{}POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nAccept-Encoding: gzip\r\n\r\n\
         {:x};e\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\nT: 1\r\n\r\n\
         POST / HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        post(&echo_body(3), "Expect: 100-continue\r\n"),
        a.len(),
        b.len(),
        packed.len()
    )
    .into_bytes();
    input.extend_from_slice(&packed);
    input.extend_from_slice(post("<broken", "").as_bytes());
    input.extend_from_slice(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let whole = serve_raw(
        ServerConfig::default(),
        &input,
        WHOLE,
        true,
        &mut echo_router(),
    );
    assert_eq!(whole.statuses(), vec![200, 200, 200, 200, 405]);
    assert_eq!(whole.calls, vec![echo(3), echo(4), echo(5)]);
    for split in 1..=23 {
        let run = serve_raw(
            ServerConfig::default(),
            &input,
            split,
            true,
            &mut echo_router(),
        );
        assert_eq!(run.wire, whole.wire, "split {split}");
        assert_eq!(run.calls, whole.calls);
    }
}

#[test]
fn client_request_headers() {
    let mut cfg = client_config("http://bob:pw@[::1]:8080/api");
    cfg.headers.insert("x-trace", "abc".parse().unwrap());
    cfg.headers
        .insert("user-agent", "custom/1".parse().unwrap());
    // Framing is the connection's: a custom Content-Length is not sent.
    cfg.headers.insert("content-length", "1".parse().unwrap());
    let server = ServerConfig {
        paths: vec!["/api".into()],
        ..ServerConfig::default()
    };
    let mut pair = Pair::new(server, cfg, WHOLE);
    assert!(pair.call(&echo(1)).is_ok());
    let wire = String::from_utf8_lossy(&pair.client_wire).into_owned();
    assert!(
        wire.starts_with("POST /api HTTP/1.1\r\nHost: [::1]:8080\r\n"),
        "{wire}"
    );
    assert!(wire.contains("\r\nx-trace: abc\r\n") && wire.contains("\r\nuser-agent: custom/1\r\n"));
    assert!(!wire.contains("User-Agent: xmlrpc-proto"));
    assert!(wire.contains("\r\nAuthorization: Basic Ym9iOnB3\r\n"));
    assert_eq!(
        wire.matches("ontent-Length").count() + wire.matches("ontent-length").count(),
        1
    );
}

#[test]
fn client_results_do_not_depend_on_the_split() {
    let xml = "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>\
               <member><name>faultCode</name><value><int>4</int></value></member>\
               <member><name>faultString</name><value><string>Too many</string></value></member>\
               </struct></value></fault></methodResponse>";
    let packed = gzip(xml.as_bytes());
    let mut resp = format!(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\
         Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n{:x};x=y\r\n",
        packed.len()
    )
    .into_bytes();
    resp.extend_from_slice(&packed);
    resp.extend_from_slice(b"\r\n0\r\nX-Done: 1\r\n\r\n");
    for split in (1..=23).chain([WHOLE]) {
        let (events, closed, client) = client_raw(client_config("http://h/"), &resp, split, false);
        match &events[..] {
            [ClientEvent::Response {
                result: Ok(MethodResponse::Fault(f)),
                ..
            }] => {
                assert_eq!(
                    (f.code, f.message.as_str()),
                    (4, "Too many"),
                    "split {split}"
                );
            }
            other => panic!("split {split}: {other:?}"),
        }
        assert!(!closed && client.is_reusable());
    }
}
