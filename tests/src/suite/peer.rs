//! Peers that misbehave: the server survives them.

use std::io::Write;
use std::time::Duration;

use xmlrpc_proto::Value;

use super::{assert_echo, client, serve};
use crate::raw;
use crate::{Adapter, ClientOpts, ServerOpts};

/// A peer writes half a body and closes; others are served as before.
pub fn peer_closing_mid_body<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    for _ in 0..5 {
        let body = raw::echo_body("half");
        let mut stream = raw::connect(&fx.server.local_addr, Duration::from_millis(200));
        let mut request = raw::request_head(body.len()).into_bytes();
        request.extend_from_slice(&body.as_bytes()[..body.len() / 2]);
        assert!(stream.write_all(&request).is_ok());
        drop(stream);
    }
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    assert_echo(client.as_ref(), Value::String("after".into()));
}

/// Garbage instead of HTTP gets 400 and a close.
pub fn garbage_gets_400<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let mut stream = raw::connect(&fx.server.local_addr, Duration::from_millis(200));
    let (reply, _) = raw::exchange(
        &mut stream,
        b"\x00\x01 not http\r\n\r\n",
        Duration::from_secs(5),
    );
    assert_eq!(
        raw::status_of(&reply),
        Some(400),
        "{}",
        String::from_utf8_lossy(&reply)
    );
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    assert_echo(client.as_ref(), Value::Int(1));
}

/// A well-formed raw request is answered, proving the raw helpers speak HTTP.
pub fn raw_request_is_answered<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let body = raw::echo_body("raw");
    let mut stream = raw::connect(&fx.server.local_addr, Duration::from_millis(200));
    let mut request =
        raw::request_head(body.len()).replace("Content-Type", "Connection: close\r\nContent-Type");
    request.push_str(&body);
    let (reply, _) = raw::exchange(&mut stream, request.as_bytes(), Duration::from_secs(5));
    let text = String::from_utf8_lossy(&reply);
    assert_eq!(raw::status_of(&reply), Some(200), "{text}");
    assert!(text.contains("<string>raw</string>"), "{text}");
}
