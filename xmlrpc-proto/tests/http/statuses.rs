//! Every row of SPEC.md's status table, deadlines included.

use super::*;

fn assert_refused(input: &str, status: u16, split: usize) -> ServerRun {
    let run = raw(input, split);
    assert_eq!(
        run.statuses(),
        vec![status],
        "split {split}: {input:?} -> {}",
        run.wire
    );
    assert!(run.closed, "{status} closes");
    assert!(run.lingered, "{status} lingers before it closes");
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
            Err(ClientError::Closed { retryable: true })
        ));
    }
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
            Err(ClientError::Status {
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
            matches!(pair.call(&echo(1)), Err(ClientError::Status { status, .. }) if status.as_u16() == 404)
        );
    }
}

#[test]
fn get_serves_the_docs_page_and_the_health_path_when_configured() {
    use std::sync::Arc;
    let get = |path: &str, method: &str| format!("{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n");
    for split in SPLITS {
        // Neither configured: GET is 405 as before.
        let run = serve_raw(
            ServerConfig::default(),
            get("/RPC2", "GET").as_bytes(),
            split,
            false,
            &mut echo_router(),
        );
        assert_eq!(run.statuses(), [405], "{}", run.wire);

        let config = ServerConfig {
            docs_page: Some(Arc::from("<!DOCTYPE html><title>t</title>")),
            health_path: Some("/health".into()),
            ..ServerConfig::default()
        };
        let run = serve_raw(
            config.clone(),
            get("/RPC2", "GET").as_bytes(),
            split,
            false,
            &mut echo_router(),
        );
        assert!(run.wire.starts_with("HTTP/1.1 200 OK\r\n"), "{}", run.wire);
        assert!(run
            .wire
            .contains("Content-Type: text/html; charset=utf-8\r\n"));
        assert!(run
            .wire
            .ends_with("\r\n\r\n<!DOCTYPE html><title>t</title>"));
        assert!(run.closed && run.calls.is_empty());
        assert_eq!(run.records[0].status, 200);

        let run = serve_raw(
            config.clone(),
            get("/RPC2", "HEAD").as_bytes(),
            split,
            false,
            &mut echo_router(),
        );
        assert!(
            run.wire.starts_with("HTTP/1.1 200 OK\r\n")
                && run.wire.contains("Content-Length: 31\r\n")
        );
        assert!(
            run.wire.ends_with("\r\n\r\n"),
            "HEAD has no body: {}",
            run.wire
        );

        let run = serve_raw(
            config.clone(),
            get("/health", "GET").as_bytes(),
            split,
            false,
            &mut echo_router(),
        );
        assert!(
            run.wire.starts_with("HTTP/1.1 200 OK\r\n") && run.wire.ends_with("\r\n\r\nok\n"),
            "{}",
            run.wire
        );

        // Other paths are still 404, other methods 405.
        let run = serve_raw(
            config.clone(),
            get("/other", "GET").as_bytes(),
            split,
            false,
            &mut echo_router(),
        );
        assert_eq!(run.statuses(), [405]);
        let run = serve_raw(
            config,
            get("/health", "PUT").as_bytes(),
            split,
            false,
            &mut echo_router(),
        );
        assert_eq!(run.statuses(), [405]);
    }
}
