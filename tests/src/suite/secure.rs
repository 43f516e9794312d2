//! Unix sockets and TLS.

use std::path::PathBuf;
use std::time::Duration;

use xmlrpc_proto::Value;

use super::{assert_echo, client, serve};
use crate::cert::self_signed;
use crate::{Adapter, ClientOpts, ServerOpts};

/// A fresh socket path in the temp dir, unique per test and adapter.
pub fn temp_socket_path(adapter: &str, test: &str) -> PathBuf {
    let name = format!("xrpc-{adapter}-{test}-{}.sock", std::process::id());
    let path = std::env::temp_dir().join(name);
    let _ = std::fs::remove_file(&path);
    path
}

/// Client and server over a unix socket, keep-alive included.
pub fn unix_socket_round_trip<A: Adapter>() {
    let path = temp_socket_path(A::NAME, "unix");
    let opts = ServerOpts {
        unix_path: Some(path.clone()),
        ..ServerOpts::default()
    };
    let fx = serve::<A>(opts);
    assert!(fx.server.url.starts_with("unix://"), "{}", fx.server.url);
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    for value in crate::values::every_type() {
        assert_echo(client.as_ref(), value);
    }
    assert_eq!(client.call_i64("factorial", 6).ok(), Some(720));
    fx.server.stop();
    let _ = std::fs::remove_file(&path);
}

/// TLS with a self-signed certificate made here: a client trusting it gets
/// answers; a client that does not is refused (not a fault, not a hang).
pub fn tls_with_a_self_signed_certificate<A: Adapter>() {
    let identity = self_signed();
    let opts = ServerOpts {
        tls: Some(identity.clone()),
        ..ServerOpts::default()
    };
    let fx = serve::<A>(opts);
    assert!(fx.server.url.starts_with("https://"), "{}", fx.server.url);
    let trusting = ClientOpts {
        tls_root: Some(identity.cert_der.clone()),
        ..ClientOpts::default()
    };
    let trusted = client::<A>(&fx.server.url, &trusting);
    assert_echo(trusted.as_ref(), crate::values::all_in_one());
    assert_echo(trusted.as_ref(), Value::Int(2));

    let wary = ClientOpts {
        timeout: Some(Duration::from_secs(5)),
        ..ClientOpts::default()
    };
    let stranger = client::<A>(&fx.server.url, &wary);
    let refused = stranger.call_value("echo", vec![Value::Int(1)]);
    assert!(
        matches!(refused, Err(ref e) if !e.is_fault() && !e.is_timeout()),
        "untrusted certificate: {refused:?}"
    );
    // The failed handshake did not hurt the server.
    assert_echo(trusted.as_ref(), Value::Int(3));
}
