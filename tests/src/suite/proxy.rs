//! HTTP proxies (tinyproxy, started here): a call to an `http://` server
//! goes through it in absolute form, one to an `https://` server through a
//! `CONNECT` tunnel with TLS inside, and a host on the no-proxy list goes
//! direct; tinyproxy's log shows which went through it.

use xmlrpc_proto::Value;

use super::{assert_echo, client, serve};
use crate::cert::self_signed;
use crate::peers::tinyproxy::Tinyproxy;
use crate::{Adapter, ClientOpts, ServerOpts};

/// Calls through tinyproxy, plain and tunnelled, and around it.
pub fn calls_go_through_an_http_proxy<A: Adapter>() {
    let Some(proxy) = Tinyproxy::start() else {
        return;
    };
    // Plain HTTP: the proxy forwards an absolute-form request.
    let plain = serve::<A>(ServerOpts::default());
    let via_proxy = ClientOpts {
        proxy: Some(proxy.url.clone()),
        ..ClientOpts::default()
    };
    let c = client::<A>(&plain.server.url, &via_proxy);
    assert_echo(c.as_ref(), Value::Int(1));
    assert!(
        proxy.logged(&format!("POST {} HTTP/1.1", plain.server.url)),
        "[{}] the call did not go through the proxy:\n{}",
        A::NAME,
        proxy.log()
    );

    // HTTPS: a CONNECT tunnel, TLS to the server inside it.
    let identity = self_signed();
    let secure = serve::<A>(ServerOpts {
        tls: Some(identity.clone()),
        ..ServerOpts::default()
    });
    let tunnelled = ClientOpts {
        tls_root: Some(identity.cert_der.clone()),
        ..via_proxy.clone()
    };
    let c = client::<A>(&secure.server.url, &tunnelled);
    assert_echo(c.as_ref(), Value::String("through the tunnel".into()));
    let target = secure
        .server
        .url
        .trim_start_matches("https://")
        .trim_end_matches("/RPC2")
        .to_owned();
    assert!(
        proxy.logged(&format!("CONNECT {target} HTTP/1.1")),
        "[{}] no CONNECT in the proxy's log:\n{}",
        A::NAME,
        proxy.log()
    );

    // A host on the no-proxy list goes direct: the log does not grow.
    let direct = serve::<A>(ServerOpts::default());
    let bypass = ClientOpts {
        no_proxy: Some("localhost, 127.0.0.1".into()),
        ..via_proxy.clone()
    };
    let c = client::<A>(&direct.server.url, &bypass);
    assert_echo(c.as_ref(), Value::Int(2));
    let port = direct
        .server
        .local_addr
        .rsplit(':')
        .next()
        .unwrap_or_default();
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        !proxy.log().contains(&format!(":{port}/")),
        "[{}] a no-proxy host went through the proxy",
        A::NAME
    );

    // A proxy that wants credentials: 407 without them, through with them.
    let Some(guarded) = Tinyproxy::start_with(Some(("agent", "s3cret"))) else {
        return;
    };
    let anonymous = ClientOpts {
        proxy: Some(guarded.url.clone()),
        ..ClientOpts::default()
    };
    let refused =
        client::<A>(&plain.server.url, &anonymous).call_value("echo", vec![Value::Int(4)]);
    assert!(
        matches!(&refused, Err(xmlrpc_proto::client::ClientError::Status { status, .. }) if status.as_u16() == 407),
        "[{}] {refused:?}",
        A::NAME
    );
    let with_auth = ClientOpts {
        proxy: Some(guarded.url.replace("http://", "http://agent:s3cret@")),
        ..ClientOpts::default()
    };
    assert_echo(
        client::<A>(&plain.server.url, &with_auth).as_ref(),
        Value::Int(5),
    );
    let tunnel_auth = ClientOpts {
        tls_root: Some(identity.cert_der.clone()),
        ..with_auth
    };
    assert_echo(
        client::<A>(&secure.server.url, &tunnel_auth).as_ref(),
        Value::Int(6),
    );

    // A proxy that is not there is a connect error, not a hang.
    let dead = ClientOpts {
        proxy: Some("http://127.0.0.1:1".into()),
        timeout: Some(std::time::Duration::from_secs(5)),
        ..ClientOpts::default()
    };
    let c = client::<A>(&plain.server.url, &dead);
    let err = c
        .call_value("echo", vec![Value::Int(3)])
        .expect_err("no proxy listens on port 1");
    assert!(!err.is_fault() && !err.is_timeout(), "[{}] {err}", A::NAME);
}
