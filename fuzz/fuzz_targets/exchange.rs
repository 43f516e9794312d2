//! `Endpoint` / `Exchange` (the policy behind transport-hyper) on arbitrary
//! heads and bodies in arbitrary splits: no panic; every answer has a
//! status of the table and a body; a body past `max_message_size` is never
//! accepted; every byte charged to the body budget comes back.
#![no_main]

use std::sync::Arc;
use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use xmlrpc_proto::http::{Endpoint, Origin, Reply, ServerConfig};
use xmlrpc_proto::{Limits, MethodResponse, Value};

const METHODS: [&str; 4] = ["POST", "GET", "HEAD", "PUT"];
const PATHS: [&str; 4] = ["/RPC2", "/", "/health", "/x"];
const CAP: usize = 4096;

fn check(reply: &Reply) {
    let status = reply.response.status().as_u16();
    assert!(
        matches!(
            status,
            200 | 400 | 401 | 404 | 405 | 408 | 413 | 414 | 415 | 431 | 503 | 505
        ),
        "status {status}"
    );
    assert!(!reply.response.body().is_empty(), "an empty answer");
    assert_eq!(reply.record.status, status);
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (seed, rest) = data.split_at(3);
    let config = ServerConfig {
        limits: Limits {
            max_message_size: CAP,
            ..Limits::server()
        },
        max_head_size: 1024,
        max_headers: 16,
        gzip_threshold: Some(64),
        body_budget: 6000,
        body_reserve: 1000,
        small_body: 500,
        health_path: Some("/health".into()),
        docs_page: (seed[2] & 1 != 0).then(|| Arc::from("<html>docs</html>")),
        auth: (seed[2] & 2 != 0).then(|| {
            Arc::new(|u: &str, p: &str| u == "a" && p == "b") as Arc<xmlrpc_proto::http::AuthCheck>
        }),
        ..ServerConfig::default()
    };
    let endpoint = Endpoint::new(Arc::new(config));
    let endpoint = if seed[2] & 4 != 0 {
        endpoint.any_path()
    } else {
        endpoint
    };
    // The head: `name: value` lines up to a blank line; the rest is the body.
    let split = rest
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or((rest, &[][..]), |at| (&rest[..at], &rest[at + 2..]));
    let (head, body) = split;
    let mut request = http::Request::builder()
        .method(METHODS[seed[0] as usize % 4])
        .uri(PATHS[(seed[0] as usize / 4) % 4])
        .version(match seed[1] % 4 {
            0 => http::Version::HTTP_10,
            1 => http::Version::HTTP_11,
            2 => http::Version::HTTP_2,
            _ => http::Version::HTTP_3,
        });
    for line in head.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = http::HeaderName::from_bytes(&line[..colon]);
        let value = http::HeaderValue::from_bytes(line[colon + 1..].trim_ascii());
        if let (Ok(name), Ok(value)) = (name, value) {
            request = request.header(name, value);
        }
    }
    let Ok(request) = request.body(()) else {
        return;
    };
    let (parts, ()) = request.into_parts();
    let now = Instant::now();
    match endpoint.begin(parts, Origin::default(), now) {
        Err(reply) => check(&reply),
        Ok(mut exchange) => {
            let step = 1 + (seed[1] as usize / 4);
            let mut pushed = 0usize;
            let mut refused = None;
            for piece in body.chunks(step) {
                pushed += piece.len();
                if let Err(reply) = exchange.push(piece) {
                    refused = Some(reply);
                    break;
                }
                assert!(pushed <= CAP, "{pushed} bytes accepted past the cap");
            }
            match refused {
                Some(reply) => check(&reply),
                None => match exchange.finish(now) {
                    Err(reply) => check(&reply),
                    Ok(call) => {
                        let answer =
                            MethodResponse::Success(Value::from(call.call.method.as_str()));
                        let reply = call.answer.reply(&answer, now);
                        check(&reply);
                        assert_eq!(reply.response.status(), 200);
                    }
                },
            }
        }
    }
    assert_eq!(endpoint.budget().used(), 0, "budget bytes not given back");
});
