//! Request bodies: 100-continue, gzip, chunked, decode faults, charsets.

use super::*;

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
