//! The client machine: framing, status errors, deadlines, retry rule, headers.

use super::*;
use xmlrpc_proto::client::TimeoutKind;

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
                result: Err(ClientError::Timeout(TimeoutKind::FirstByte)),
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
                result: Err(ClientError::Timeout(TimeoutKind::Response)),
                ..
            })
        ));
    }
}

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
                    Err(ClientError::Status {
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
                result: Err(ClientError::Closed { retryable: false }),
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
                result: Err(ClientError::Closed { retryable: false }),
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
                result: Err(ClientError::Closed { retryable: true }),
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
                result: Err(ClientError::Protocol(_)),
                ..
            }]
        ));
        assert!(closed);
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

#[test]
fn client_config_debug_hides_the_password_and_credential_headers() {
    let mut cfg = client_config("http://alice:s3cret@localhost/RPC2");
    let token = http::HeaderValue::from_static("Bearer t0ken");
    cfg.headers.insert(http::header::AUTHORIZATION, token);
    let trace = http::HeaderValue::from_static("trace-42");
    cfg.headers.insert("x-trace", trace);
    let shown = format!("{cfg:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(!shown.contains("t0ken"), "{shown}");
    assert!(
        shown.contains("alice") && shown.contains("/RPC2"),
        "{shown}"
    );
    assert!(shown.contains("trace-42"), "{shown}");
    assert_eq!(shown.matches("<redacted>").count(), 2, "{shown}");
}
