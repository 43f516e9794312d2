//! Keep-alive, pipelining, HTTP/1.0, buffering bounds, waits and split invariance.

use super::*;

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

#[test]
fn pipelined_input_is_bounded_while_a_call_is_in_flight() {
    use xmlrpc_proto::http::{Input, Output, ServerConnection};
    let clock = Clock::new();
    let config = std::sync::Arc::new(ServerConfig::default());
    let cap = config.max_head_size + 64 * 1024;
    let mut server = ServerConnection::new(config, None, clock.now());
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
            Output::Event(xmlrpc_proto::http::ServerEvent::Answered(_)) => {}
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
    let mut server = ServerConnection::new(std::sync::Arc::new(ServerConfig::default()), None, t0);
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
fn a_second_respond_writes_nothing() {
    use xmlrpc_proto::http::{Input, Output, ServerConnection, ServerEvent};
    let clock = Clock::new();
    let mut server = ServerConnection::new(
        std::sync::Arc::new(ServerConfig::default()),
        None,
        clock.now(),
    );
    server.handle_input(Input::Data(clock.now(), post(&echo_body(1), "").as_bytes()));
    let Output::Event(ServerEvent::Call { id, .. }) = server.poll_output() else {
        panic!("no call");
    };
    server.respond(id, MethodResponse::Success(Value::Int(1)), clock.now());
    assert!(matches!(server.poll_output(), Output::Transmit(_)));
    assert!(matches!(
        server.poll_output(),
        Output::Event(ServerEvent::Answered(record)) if record.method.as_deref() == Some("echo")
    ));
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
fn shutdown_idle_and_in_flight() {
    for split in SPLITS {
        // With no drain window an idle connection closes at once.
        let mut pair = Pair::new(
            ServerConfig {
                drain_timeout: Duration::ZERO,
                ..ServerConfig::default()
            },
            client_config("http://localhost/RPC2"),
            split,
        );
        pair.server.shutdown(pair.clock.now());
        pair.run();
        assert!(pair.server_closed && pair.server_wire.is_empty());

        // With one (5 s by default) it waits that long for one more request.
        let mut pair = Pair::default_with(split);
        pair.server.shutdown(pair.clock.now());
        pair.run();
        assert!(!pair.server_closed, "draining");
        pair.advance(Duration::from_millis(4_999));
        assert!(!pair.server_closed);
        pair.advance(Duration::from_millis(1));
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

#[test]
fn a_half_closed_client_still_gets_its_answers() {
    for split in SPLITS {
        // Two pipelined requests, then the client shuts its sending side.
        let input = format!("{}{}", post(&echo_body(1), ""), post(&echo_body(2), ""));
        let run = serve_raw(
            ServerConfig::default(),
            input.as_bytes(),
            split,
            true,
            &mut echo_router(),
        );
        assert_eq!(run.statuses(), vec![200, 200]);
        assert_eq!(run.calls, vec![echo(1), echo(2)]);
        assert!(run.closed);
    }
}

#[test]
fn eof_while_a_call_is_in_flight_answers_then_closes() {
    use xmlrpc_proto::http::{Input, Output, ServerConnection, ServerEvent};
    let clock = Clock::new();
    let mut server = ServerConnection::new(
        std::sync::Arc::new(ServerConfig::default()),
        None,
        clock.now(),
    );
    server.handle_input(Input::Data(clock.now(), post(&echo_body(1), "").as_bytes()));
    let Output::Event(ServerEvent::Call { id, .. }) = server.poll_output() else {
        panic!("no call");
    };
    server.handle_input(Input::Eof(clock.now()));
    assert!(matches!(
        server.poll_output(),
        Output::Wait {
            read: false,
            deadline: None
        }
    ));
    server.respond(id, MethodResponse::Success(Value::Int(1)), clock.now());
    assert!(
        matches!(server.poll_output(), Output::Transmit(b) if b.starts_with(b"HTTP/1.1 200 OK\r\n"))
    );
    assert!(matches!(
        server.poll_output(),
        Output::Event(ServerEvent::Answered(_))
    ));
    assert!(matches!(server.poll_output(), Output::Closed));
}

#[test]
fn a_draining_connection_answers_one_more_request_with_close_and_health_says_503() {
    for split in SPLITS {
        let mut pair = Pair::default_with(split);
        assert_eq!(
            pair.call(&echo(1)).unwrap(),
            MethodResponse::Success(Value::Int(1))
        );
        pair.server.shutdown(pair.clock.now());
        pair.advance(Duration::from_secs(2));
        // The balancer's request sent before it saw us go: answered, closed.
        assert_eq!(
            pair.call(&echo(2)).unwrap(),
            MethodResponse::Success(Value::Int(2))
        );
        assert!(pair.server_closed && !pair.client.is_reusable());
        let wire = String::from_utf8_lossy(&pair.server_wire).into_owned();
        let second = &wire[wire.rfind("HTTP/1.1 200").unwrap()..];
        assert!(second.contains("Connection: close\r\n"), "{second}");

        // A health check while draining.
        let config = ServerConfig {
            health_path: Some("/health".into()),
            ..ServerConfig::default()
        };
        let clock = Clock::new();
        let mut server = xmlrpc_proto::http::ServerConnection::new(
            std::sync::Arc::new(config),
            None,
            clock.now(),
        );
        server.shutdown(clock.now());
        let mut run = ServerRun::default();
        let mut wire = Vec::new();
        server.handle_input(xmlrpc_proto::http::Input::Data(
            clock.now(),
            b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
        ));
        drive_server(&mut server, &clock, &mut wire, &mut run, &mut echo_router());
        let text = String::from_utf8_lossy(&wire);
        assert!(
            text.starts_with("HTTP/1.1 503 ") && text.ends_with("draining\n"),
            "{text}"
        );
    }
}

/// Every timeout at `Duration::MAX` means "never": calls are answered over
/// HTTP and SCGI, and a connection idle for a simulated year stays open
/// (adding such a timeout to an instant used to panic).
#[test]
fn timeouts_of_duration_max_mean_never() {
    let server = ServerConfig {
        head_timeout: Duration::MAX,
        body_timeout: Duration::MAX,
        idle_timeout: Duration::MAX,
        write_timeout: Duration::MAX,
        linger_timeout: Duration::MAX,
        drain_timeout: Duration::MAX,
        ..ServerConfig::default()
    };
    let mut client = client_config("http://localhost/RPC2");
    client.write_timeout = Duration::MAX;
    client.first_byte_timeout = Duration::MAX;
    client.response_timeout = Duration::MAX;
    let mut scgi_client = client_config("scgi://localhost:5000");
    scgi_client.response_timeout = Duration::MAX;
    for split in SPLITS {
        for mut pair in [
            Pair::new(server.clone(), client.clone(), split),
            Pair::scgi(server.clone(), scgi_client.clone(), split),
        ] {
            assert_eq!(
                pair.call(&echo(7)).ok(),
                Some(MethodResponse::Success(Value::Int(7)))
            );
            pair.advance(Duration::from_secs(365 * 24 * 60 * 60));
            if pair.client.is_reusable() {
                assert!(!pair.server_closed, "closed after a year idle");
            }
        }
        // A head begun and never finished, under an endless head deadline.
        let mut pair = Pair::new(server.clone(), client.clone(), split);
        pair.push_to_server(b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n");
        pair.advance(Duration::from_secs(365 * 24 * 60 * 60));
        assert!(
            !pair.server_closed,
            "a stalled head closed under a MAX deadline"
        );
    }
}

/// Header limits of `usize::MAX` size nothing after them: a request is
/// answered (the header slots used to be allocated at `max_headers`, which
/// overflowed).
#[test]
fn header_limits_of_usize_max_are_fine() {
    let server = ServerConfig {
        max_headers: usize::MAX,
        max_head_size: usize::MAX,
        ..ServerConfig::default()
    };
    for split in SPLITS {
        let mut pair = Pair::new(
            server.clone(),
            client_config("http://localhost/RPC2"),
            split,
        );
        assert_eq!(
            pair.call(&echo(3)).ok(),
            Some(MethodResponse::Success(Value::Int(3)))
        );
    }
}
