//! SCGI both ways for every transport: its SCGI server and client together
//! (TCP and unix), a hostile SCGI request, rTorrent called by its client,
//! and nginx's `scgi_pass` in front of its server called by Python.

use std::time::Duration;

use xmlrpc_proto::{MethodCall, Value};

use super::{assert_echo, client, expect_fault, serve};
use crate::peers::{nginx, rtorrent};
use crate::python::{python3, run_script};
use crate::{raw, Adapter, ClientOpts, ServerOpts};

fn scgi_opts(unix: Option<std::path::PathBuf>) -> ServerOpts {
    ServerOpts {
        unix_path: unix,
        scgi: true,
        ..ServerOpts::default()
    }
}

/// The transport's SCGI server answers its SCGI client, on TCP and on a
/// unix socket: every value type, typed calls, faults, multicall,
/// introspection; one connection per call, so calls in a row all work.
pub fn scgi_round_trip<A: Adapter>() {
    let dir = rtorrent::temp_dir("scgi");
    for unix in [None, Some(dir.join("rpc.sock"))] {
        let fx = serve::<A>(scgi_opts(unix));
        assert!(fx.server.url.starts_with("scgi"), "{}", fx.server.url);
        let client = client::<A>(&fx.server.url, &ClientOpts::default());
        for value in crate::values::every_type() {
            assert_echo(client.as_ref(), value);
        }
        assert_echo(client.as_ref(), crate::values::all_in_one());
        assert_eq!(client.call_i64("factorial", 6).ok(), Some(720));
        let fault = expect_fault(client.call_value("no.such.method", vec![]));
        assert_eq!(fault.code, xmlrpc_proto::fault_code::METHOD_NOT_FOUND);
        let results = client
            .multicall(vec![
                MethodCall::new("echo", vec![Value::Int(1)]),
                MethodCall::new("no.such", vec![]),
            ])
            .unwrap_or_else(|e| panic!("[{}] multicall over SCGI: {e}", A::NAME));
        assert_eq!(results[0].as_ref().ok(), Some(&Value::Int(1)));
        assert!(results[1].is_err());
        let names = client.call_value("system.listMethods", vec![]);
        assert!(matches!(names, Ok(Value::Array(_))), "{names:?}");
        fx.server.stop();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `content` as an SCGI netstring, then `after`.
fn netstring(content: &[u8], after: &[u8]) -> Vec<u8> {
    let mut out = format!("{}:", content.len()).into_bytes();
    out.extend_from_slice(content);
    out.extend_from_slice(after);
    out
}

/// Hostile SCGI requests over a real socket get the core's CGI refusals
/// (`Status: 400` malformed, 431 oversize block, 413 oversize body, 408
/// past the head or body deadline, 503 over the body budget), an HTTP
/// request on an SCGI port too; the server keeps serving.
pub fn scgi_hostile_request_is_refused<A: Adapter>() {
    let mut opts = scgi_opts(None);
    opts.config.head_timeout = Duration::from_millis(300);
    opts.config.body_timeout = Duration::from_millis(300);
    opts.config.max_head_size = 256;
    opts.config.limits.max_message_size = 4096;
    opts.config.body_budget = 6000;
    opts.config.body_reserve = 0;
    let fx = serve::<A>(opts);
    let addr = fx.server.local_addr.clone();
    let refusal = |request: &[u8]| -> (String, Duration) {
        let mut stream = raw::connect(&addr, Duration::from_millis(100));
        let (reply, took) = raw::exchange_head(&mut stream, request, Duration::from_secs(5));
        (String::from_utf8_lossy(&reply).into_owned(), took)
    };
    let cases: [(Vec<u8>, &str); 6] = [
        (netstring(b"SCGI\x001\0A\0b\0", b","), "400 Bad Request"),
        (b"x:".to_vec(), "400 Bad Request"),
        (
            b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            "400 Bad Request",
        ),
        (b"100000:".to_vec(), "431 Request Header Fields Too Large"),
        (
            netstring(b"CONTENT_LENGTH\x0099999\0SCGI\x001\0", b","),
            "413 Payload Too Large",
        ),
        (b"40:CONTENT_".to_vec(), "408 Request Timeout"),
    ];
    for (request, status) in &cases {
        let (reply, took) = refusal(request);
        assert!(
            reply.starts_with(&format!("Status: {status}\r\n")),
            "[{}] {status}: {reply}",
            A::NAME
        );
        if status.starts_with("408") {
            assert!(took >= Duration::from_millis(300), "408 after {took:?}");
        }
    }
    // A body that stops coming: 408 at the body deadline.
    let mut stalled = netstring(b"CONTENT_LENGTH\x00100\0SCGI\x001\0", b",");
    stalled.extend_from_slice(b"<methodCall>");
    let (reply, took) = refusal(&stalled);
    assert!(reply.starts_with("Status: 408"), "[{}] {reply}", A::NAME);
    assert!(took >= Duration::from_millis(300), "408 after {took:?}");
    // One body reserved in the budget: a second that does not fit gets 503.
    let big = netstring(b"CONTENT_LENGTH\x004000\0SCGI\x001\0", b",<methodCall>");
    let mut holder = raw::connect(&addr, Duration::from_millis(100));
    let _ = std::io::Write::write_all(&mut holder, &big);
    std::thread::sleep(Duration::from_millis(100));
    let (reply, _) = refusal(&big);
    assert!(reply.starts_with("Status: 503"), "[{}] {reply}", A::NAME);
    assert!(reply.contains("Retry-After: 1"), "{reply}");
    drop(holder);
    let client = client::<A>(&fx.server.url, &ClientOpts::default());
    assert_echo(client.as_ref(), Value::Int(1));
}

/// The transport's client against rTorrent, on its unix socket and on TCP.
pub fn rtorrent_over_scgi<A: Adapter>() {
    if !rtorrent::installed() {
        return;
    }
    let make = |url: &str| client::<A>(url, &ClientOpts::default());
    for listen in [rtorrent::Listen::Unix, rtorrent::Listen::Tcp] {
        let peer = rtorrent::Rtorrent::start(listen);
        rtorrent::check_client(&peer, &make, &format!("{} {listen:?}", A::NAME));
    }
}

/// nginx's `scgi_pass` in front of the transport's SCGI server (TCP and
/// unix socket), called over HTTP by Python's `xmlrpc.client`: every value
/// type, faults, multicall, introspection.
pub fn nginx_scgi_pass_to_our_server<A: Adapter>() {
    if !nginx::installed() {
        return;
    }
    let Some(python) = python3() else { return };
    let dir = rtorrent::temp_dir("scgi-nginx");
    for unix in [None, Some(dir.join("app.sock"))] {
        let fx = serve::<A>(scgi_opts(unix.clone()));
        let upstream = match &unix {
            Some(path) => format!("unix:{}", path.display()),
            None => fx.server.local_addr.clone(),
        };
        let front = nginx::Nginx::start(&upstream);
        let out = run_script(python, crate::interop::PYTHON_CLIENT, &[&front.url()]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.trim() == "ok",
            "[{}] python through nginx to {upstream}:\n{stdout}\n{}\nnginx: {}",
            A::NAME,
            String::from_utf8_lossy(&out.stderr),
            front.error_log()
        );
        drop(front);
        fx.server.stop();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
