//! Keep-alive reuse, custom headers and Basic auth.

use std::sync::Arc;

use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::Value;

use super::{client, serve};
use crate::{Adapter, ClientOpts, ServerOpts};

fn peer_of(client: &dyn crate::SuiteClient) -> String {
    match client.call_value("suite.peer", vec![]) {
        Ok(Value::String(peer)) if !peer.is_empty() => peer,
        other => panic!("suite.peer: {other:?}"),
    }
}

/// Sequential calls from one client reuse one connection (the server sees
/// one peer port); a second client opens its own.
pub fn keep_alive_reuses_the_connection<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let first = client::<A>(&fx.server.url, &ClientOpts::default());
    let peer = peer_of(first.as_ref());
    assert!(peer.starts_with("127.0.0.1:"), "peer in context: {peer}");
    for _ in 0..10 {
        assert_eq!(peer_of(first.as_ref()), peer, "a new connection was opened");
    }
    let second = client::<A>(&fx.server.url, &ClientOpts::default());
    assert_ne!(peer_of(second.as_ref()), peer);
}

/// Headers set on the client builder reach the handler's context.
pub fn custom_headers_reach_the_handler<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let opts = ClientOpts {
        headers: vec![("X-Suite-Token".into(), "t0k3n".into())],
        ..ClientOpts::default()
    };
    let client = client::<A>(&fx.server.url, &opts);
    let seen = client.call_value("suite.header", vec![Value::String("x-suite-token".into())]);
    assert_eq!(seen.ok(), Some(Value::String("t0k3n".into())));
}

/// Credentials in the URL are sent as Basic auth and the user reaches the
/// handler; wrong ones get HTTP 401.
pub fn basic_auth_from_the_url<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.auth = Some(Arc::new(|user: &str, pass: &str| {
        user == "alice" && pass == "s3cret"
    }));
    let fx = serve::<A>(opts);
    let authed = fx.server.url.replacen("http://", "http://alice:s3cret@", 1);
    let client = client::<A>(&authed, &ClientOpts::default());
    let user = client.call_value("suite.user", vec![]);
    assert_eq!(user.ok(), Some(Value::String("alice".into())));

    let wrong = fx.server.url.replacen("http://", "http://alice:nope@", 1);
    let denied = client_call_status::<A>(&wrong);
    assert_eq!(denied, Some(401));
    let anonymous = client_call_status::<A>(&fx.server.url);
    assert_eq!(anonymous, Some(401));
}

/// The HTTP status a fresh client's `echo` call failed with.
pub fn client_call_status<A: Adapter>(url: &str) -> Option<u16> {
    let client = client::<A>(url, &ClientOpts::default());
    match client.call_value("echo", vec![Value::Int(1)]) {
        Err(ClientError::Status { status, .. }) => Some(status.as_u16()),
        other => panic!("expected an HTTP status error, got {other:?}"),
    }
}

/// The server closes a keep-alive connection after `idle_timeout`; the
/// client's next call goes out on a fresh connection and succeeds.
pub fn idle_connection_closes_and_the_client_recovers<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.idle_timeout = std::time::Duration::from_millis(200);
    let fx = serve::<A>(opts);
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    let before = peer_of(client.as_ref());
    std::thread::sleep(std::time::Duration::from_millis(600));
    let after = peer_of(client.as_ref());
    assert_ne!(before, after, "the idle connection was not closed");
    assert_eq!(peer_of(client.as_ref()), after, "no reuse after recovering");
}
