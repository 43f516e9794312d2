//! Decisions the machines make for every transport: write deadlines and
//! failed writes, lingering after a refusal, the per-call context and the
//! log record of each answer.

use std::sync::Arc;

use xmlrpc_proto::client::TimeoutKind;
use xmlrpc_proto::http::{
    ClientConnection, Input, Output, SendFailure, ServerConnection, ServerEvent,
};

use super::*;

/// Drains a client machine: the bytes it sent and its response, if any.
fn drain_client(client: &mut ClientConnection) -> (Vec<u8>, Option<ClientEvent>, bool) {
    let (mut wire, mut event) = (Vec::new(), None);
    loop {
        match client.poll_output() {
            Output::Transmit(b) => wire.extend_from_slice(&b),
            Output::Event(e) => event = Some(e),
            Output::Wait { .. } => return (wire, event, false),
            Output::Closed => return (wire, event, true),
        }
    }
}

fn fresh_client() -> (Clock, ClientConnection) {
    let clock = Clock::new();
    let client = ClientConnection::new(Arc::new(client_config("http://localhost/RPC2")));
    (clock, client)
}

#[test]
fn a_request_write_has_a_deadline_and_timing_out_fails_the_call() {
    let (clock, mut client) = fresh_client();
    assert_eq!(client.write_deadline(), None);
    client.send_call(&echo(1), clock.now()).expect("send");
    let config = client_config("http://localhost/RPC2");
    assert_eq!(
        client.write_deadline(),
        Some(clock.now() + config.write_timeout)
    );
    let (wire, event, _) = drain_client(&mut client);
    assert!(wire.starts_with(b"POST /RPC2 HTTP/1.1\r\n"));
    assert!(event.is_none());
    client.handle_input(Input::SendFailed(clock.now(), SendFailure::TimedOut));
    let (_, event, closed) = drain_client(&mut client);
    assert!(
        matches!(
            event,
            Some(ClientEvent::Response {
                result: Err(ClientError::Timeout(TimeoutKind::Write)),
                ..
            })
        ),
        "{event:?}"
    );
    assert!(closed && !client.is_reusable());
}

#[test]
fn after_a_failed_write_the_client_reads_the_early_answer() {
    for split in SPLITS {
        let (clock, mut client) = fresh_client();
        client.send_call(&echo(1), clock.now()).expect("send");
        let _ = drain_client(&mut client);
        // The server refused the body and stopped reading: our write failed.
        client.handle_input(Input::SendFailed(clock.now(), SendFailure::Disconnected));
        let (more, event, _) = drain_client(&mut client);
        assert!(more.is_empty() && event.is_none(), "nothing more is sent");
        let answer = b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 5\r\n\
                       Connection: close\r\n\r\nbig!\n";
        for piece in answer.chunks(split.min(answer.len())) {
            client.handle_input(Input::Data(clock.now(), piece));
        }
        let (_, event, _) = drain_client(&mut client);
        match event {
            Some(ClientEvent::Response {
                result:
                    Err(ClientError::Status {
                        status,
                        body_excerpt,
                        ..
                    }),
                ..
            }) => {
                assert_eq!(status.as_u16(), 413);
                assert_eq!(body_excerpt, "big!\n");
            }
            other => panic!("split {split}: {other:?}"),
        }
        assert!(!client.is_reusable());
    }
}

#[test]
fn a_disconnect_with_no_answer_is_a_close_that_is_not_retryable_on_a_fresh_connection() {
    let (clock, mut client) = fresh_client();
    client.send_call(&echo(1), clock.now()).expect("send");
    let _ = drain_client(&mut client);
    client.handle_input(Input::SendFailed(clock.now(), SendFailure::Disconnected));
    client.handle_input(Input::Eof(clock.now()));
    let (_, event, closed) = drain_client(&mut client);
    assert!(matches!(
        event,
        Some(ClientEvent::Response {
            result: Err(ClientError::Closed { retryable: false }),
            ..
        })
    ));
    assert!(closed);
}

#[test]
fn server_answers_have_a_write_deadline_and_a_failed_write_closes() {
    let clock = Clock::new();
    let config = ServerConfig::default();
    let write_timeout = config.write_timeout;
    let mut server = ServerConnection::new(Arc::new(config), None, clock.now());
    server.handle_input(Input::Data(clock.now(), post(&echo_body(1), "").as_bytes()));
    let Output::Event(ServerEvent::Call { id, .. }) = server.poll_output() else {
        panic!("no call");
    };
    let later = clock.now() + Duration::from_secs(3);
    server.respond(id, MethodResponse::Success(Value::Int(1)), later);
    assert_eq!(server.write_deadline(), Some(later + write_timeout));
    assert!(matches!(server.poll_output(), Output::Transmit(_)));
    server.handle_input(Input::SendFailed(later, SendFailure::TimedOut));
    let mut closed = false;
    for _ in 0..4 {
        if let Output::Closed = server.poll_output() {
            closed = true;
            break;
        }
    }
    assert!(closed, "a connection whose answer cannot be written closes");
}

#[test]
fn a_refusal_lingers_until_the_client_closes() {
    for split in SPLITS {
        let run = serve_raw(
            ServerConfig::default(),
            b"GET /RPC2 HTTP/1.1\r\nHost: x\r\n\r\n",
            split,
            true,
            &mut echo_router(),
        );
        assert_eq!(run.statuses(), vec![405]);
        assert!(run.closed, "EOF ends the linger at once");
    }
    // Lingering never buffers what it drops, however much arrives.
    let clock = Clock::new();
    let mut server = ServerConnection::new(Arc::new(ServerConfig::default()), None, clock.now());
    let body_over_limit = "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n";
    server.handle_input(Input::Data(clock.now(), body_over_limit.as_bytes()));
    assert!(matches!(server.poll_output(), Output::Transmit(b) if b.starts_with(b"HTTP/1.1 413")));
    for _ in 0..100 {
        server.handle_input(Input::Data(clock.now(), &[b'x'; 64 * 1024]));
        assert_eq!(server.buffered_len(), 0);
    }
    assert!(matches!(
        server.poll_output(),
        Output::Event(ServerEvent::Answered(record)) if record.status == 413
    ));
    assert!(matches!(
        server.poll_output(),
        Output::Wait {
            read: true,
            deadline: Some(_)
        }
    ));
}

#[test]
fn the_context_and_the_record_come_from_the_connection() {
    let clock = Clock::new();
    let peer = Some("192.0.2.7:4000".to_string());
    let mut server =
        ServerConnection::new(Arc::new(ServerConfig::default()), peer.clone(), clock.now());
    let request = post(&echo_body(1), "Authorization: Basic dTpw\r\nX-Trace: 7\r\n");
    server.handle_input(Input::Data(clock.now(), request.as_bytes()));
    let Output::Event(ServerEvent::Call { id, call, context }) = server.poll_output() else {
        panic!("no call");
    };
    assert_eq!(call.method, "echo");
    assert_eq!(context.peer.as_deref(), peer.as_deref());
    assert_eq!(&*context.path, "/RPC2");
    assert_eq!(
        context.headers.get("x-trace").map(|v| v.as_bytes()),
        Some(&b"7"[..])
    );
    let later = clock.now() + Duration::from_millis(5);
    server.respond(
        id,
        MethodResponse::Fault(xmlrpc_proto::Fault::new(4, "no")),
        later,
    );
    assert!(matches!(server.poll_output(), Output::Transmit(_)));
    let Output::Event(ServerEvent::Answered(record)) = server.poll_output() else {
        panic!("no record");
    };
    assert_eq!(record.peer.as_deref(), peer.as_deref());
    assert_eq!(record.method.as_deref(), Some("echo"));
    assert_eq!((record.status, record.fault), (200, Some(4)));
    assert_eq!(record.elapsed, Duration::from_millis(5));
}

#[test]
fn calls_share_the_connections_peer_and_path_instead_of_copying_them() {
    let clock = Clock::new();
    let peer = Some("192.0.2.7:4000".to_string());
    let mut server = ServerConnection::new(Arc::new(ServerConfig::default()), peer, clock.now());
    let mut contexts = Vec::new();
    let mut records = Vec::new();
    for path in ["/RPC2", "/RPC2", "/"] {
        let request = post(&echo_body(1), "").replacen("/RPC2", path, 1);
        server.handle_input(Input::Data(clock.now(), request.as_bytes()));
        let Output::Event(ServerEvent::Call { id, context, .. }) = server.poll_output() else {
            panic!("no call on {path}");
        };
        contexts.push(context);
        server.respond(id, MethodResponse::Success(Value::Int(1)), clock.now());
        assert!(matches!(server.poll_output(), Output::Transmit(_)));
        let Output::Event(ServerEvent::Answered(record)) = server.poll_output() else {
            panic!("no record on {path}");
        };
        records.push(record);
        server.transmitted(clock.now());
    }
    let shared = |a: &Option<Arc<str>>, b: &Option<Arc<str>>| match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        _ => false,
    };
    for (context, record) in contexts.iter().zip(&records) {
        assert!(shared(&context.peer, &contexts[0].peer));
        assert!(
            shared(&context.client, &contexts[0].peer),
            "no proxy: client is the peer"
        );
        assert!(shared(&record.peer, &contexts[0].peer));
    }
    assert!(Arc::ptr_eq(&contexts[0].path, &contexts[1].path));
    assert_eq!((&*contexts[1].path, &*contexts[2].path), ("/RPC2", "/"));
}

#[test]
fn every_answer_has_one_record() {
    for split in SPLITS {
        let mut pair = Pair::default_with(split);
        pair.call(&echo(1)).expect("echo");
        pair.call(&MethodCall::new("nope", vec![]))
            .expect("a fault is a response");
        let methods: Vec<_> = pair.records.iter().map(|r| r.method.clone()).collect();
        assert_eq!(
            methods,
            [Some("echo".to_string()), Some("nope".to_string())]
        );
        assert_eq!(pair.records[1].fault, Some(1));
        let bad = serve_raw(
            ServerConfig::default(),
            post("<methodCall>", "").as_bytes(),
            split,
            false,
            &mut echo_router(),
        );
        assert_eq!(bad.records.len(), 1);
        assert_eq!(bad.records[0].method, None);
        assert_eq!(bad.records[0].fault, Some(fault_code::PARSE_ERROR));
    }
}

#[test]
fn the_client_reads_with_its_decode_options_and_is_strict_by_default() {
    use xmlrpc_proto::decode::DecodeOptions;
    let body = "<methodResponse><params/></methodResponse>";
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    for (options, lenient) in [
        (DecodeOptions::strict(), false),
        (DecodeOptions::strict().lenient_empty_response(true), true),
    ] {
        let clock = Clock::new();
        let mut config = client_config("http://localhost/RPC2");
        config.decode_options = options;
        let mut client = ClientConnection::new(Arc::new(config));
        client.send_call(&echo(1), clock.now()).expect("send");
        let _ = drain_client(&mut client);
        client.handle_input(Input::Data(clock.now(), answer.as_bytes()));
        let (_, event, _) = drain_client(&mut client);
        match (event, lenient) {
            (Some(ClientEvent::Response { result: Ok(r), .. }), true) => {
                assert_eq!(r, MethodResponse::Success(Value::Nil))
            }
            (
                Some(ClientEvent::Response {
                    result: Err(ClientError::Decode(_)),
                    ..
                }),
                false,
            ) => {}
            (other, _) => panic!("lenient {lenient}: {other:?}"),
        }
    }
}

#[test]
fn the_client_address_comes_from_a_trusted_proxy_only() {
    use xmlrpc_proto::http::{Output, ServerConnection, ServerEvent, TrustedProxies};
    let request = post(&echo_body(1), "X-Forwarded-For: 6.6.6.6, 198.51.100.7\r\n");
    for (trusted, expected) in [
        ("127.0.0.1", "198.51.100.7"),
        ("10.0.0.1", "127.0.0.1:5000"),
        ("", "127.0.0.1:5000"),
    ] {
        let config = ServerConfig {
            trusted_proxies: TrustedProxies::parse(trusted).unwrap(),
            ..ServerConfig::default()
        };
        let clock = Clock::new();
        let mut server =
            ServerConnection::new(Arc::new(config), Some("127.0.0.1:5000".into()), clock.now());
        server.handle_input(Input::Data(clock.now(), request.as_bytes()));
        let client = loop {
            match server.poll_output() {
                Output::Event(ServerEvent::Call { context, .. }) => break context.client,
                Output::Wait { .. } | Output::Closed => panic!("no call"),
                _ => {}
            }
        };
        assert_eq!(client.as_deref(), Some(expected), "trusting {trusted:?}");
    }
}
