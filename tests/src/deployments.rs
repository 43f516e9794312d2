//! What real deployments ask of a client, checked against Python peers:
//! a TLS server that requires client certificates (Koji's login), and a
//! server whose session lives in a cookie (Bugzilla before 4.4.3, many
//! PHP endpoints). The peers are started here on 127.0.0.1 and stopped
//! when dropped; `xrpc`'s tests use them too.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use xmlrpc_proto::client::{ClientError, CookieJar};
use xmlrpc_proto::Value;

use crate::cert::{mutual_tls, MutualTlsFiles};
use crate::python::{python3, run_script, PythonServer};
use crate::suite::{assert_echo, client, expect_fault};
use crate::{Adapter, ClientOpts};

/// A `SimpleXMLRPCServer` over TLS (Python's `ssl`) that requires a client
/// certificate signed by the test CA (`ssl.CERT_REQUIRED`). Serves `echo`.
pub fn start_mtls_server(python: &str, files: &MutualTlsFiles) -> PythonServer {
    let script = format!(
        r#"
import ssl
from xmlrpc.server import SimpleXMLRPCServer
server = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain({cert:?}, {key:?})
context.load_verify_locations({ca:?})
context.verify_mode = ssl.CERT_REQUIRED
server.socket = context.wrap_socket(server.socket, server_side=True)
server.register_function(lambda x: x, "echo")
server.register_introspection_functions()
print(server.server_address[1], flush=True)
server.serve_forever()
"#,
        cert = files.server_cert.display().to_string(),
        key = files.server_key.display().to_string(),
        ca = files.ca.display().to_string(),
    );
    PythonServer::start(python, &script)
}

/// A server with cookie sessions: `login(user)` answers `true` and sets
/// `sid` (a persistent, HttpOnly cookie) with `Set-Cookie`; `whoami()`
/// answers the user of the session its `Cookie` names, or faults with
/// code 1 ("not logged in").
pub const COOKIE_SERVER: &str = r#"
import secrets
from http.cookies import SimpleCookie
from xmlrpc.server import SimpleXMLRPCServer, SimpleXMLRPCRequestHandler

SESSIONS = {}
CURRENT = {"sid": None, "set": None}

class Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/RPC2",)

    def do_POST(self):
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        CURRENT["sid"] = cookie["sid"].value if "sid" in cookie else None
        CURRENT["set"] = None
        super().do_POST()

    def end_headers(self):
        if CURRENT["set"]:
            self.send_header("Set-Cookie", CURRENT["set"])
        super().end_headers()

def login(user):
    sid = secrets.token_hex(8)
    SESSIONS[sid] = user
    CURRENT["set"] = "sid=%s; Path=/; Max-Age=3600; HttpOnly" % sid
    return True

def whoami():
    user = SESSIONS.get(CURRENT["sid"])
    if user is None:
        raise Exception("not logged in")
    return user

server = SimpleXMLRPCServer(("127.0.0.1", 0), requestHandler=Handler, logRequests=False)
server.register_function(login)
server.register_function(whoami)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

/// Loads `jar` with `http.cookiejar.MozillaCookieJar` (session cookies
/// included) and prints one `domain path name value` line a cookie.
pub fn python_reads_cookie_jar(python: &str, jar: &Path) -> Output {
    let script = r#"
import sys, http.cookiejar
jar = http.cookiejar.MozillaCookieJar(sys.argv[1])
jar.load(ignore_discard=True, ignore_expires=False)
for c in jar:
    print(c.domain, c.path, c.name, c.value, "secure" if c.secure else "plain")
"#;
    let path = jar.display().to_string();
    run_script(python, script, &[&path])
}

/// A fresh directory in the temp dir for one test's files.
pub fn temp_dir(adapter: &str, test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xrpc-{adapter}-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// The client of adapter `A` calls a Python server that requires client
/// certificates: with the certificate and the test CA it gets answers;
/// without the certificate it fails clearly (a TLS error, not a fault or
/// a timeout); without the CA it does not trust the server.
pub fn python_tls_server_requires_a_client_certificate<A: Adapter>() {
    let Some(python) = python3() else { return };
    let certs = mutual_tls();
    let dir = temp_dir(A::NAME, "mtls");
    let files = certs.write_to(&dir);
    let server = start_mtls_server(python, &files);
    let url = format!("https://localhost:{}/RPC2", server.port);
    let base = ClientOpts {
        timeout: Some(Duration::from_secs(10)),
        tls_roots_pem: Some(certs.ca_pem.clone().into_bytes()),
        ..ClientOpts::default()
    };
    let with_cert = ClientOpts {
        client_certificate_pem: Some((
            certs.client_cert_pem.clone().into_bytes(),
            certs.client_key_pem.clone().into_bytes(),
        )),
        ..base.clone()
    };
    let trusted = client::<A>(&url, &with_cert);
    assert_echo(trusted.as_ref(), Value::from("mutual TLS"));
    // Python's echo cannot carry <i8>: a mixed array of what it can.
    let mixed = vec![
        Value::Int(7),
        Value::from("é中"),
        Value::Bool(true),
        Value::Double(1.5),
    ];
    assert_echo(trusted.as_ref(), Value::Array(mixed.into()));

    let anonymous = client::<A>(&url, &base);
    let refused = anonymous.call_value("echo", vec![Value::Int(1)]);
    let why = match refused {
        Err(e) if !e.is_fault() && !e.is_timeout() => e.to_string(),
        other => panic!("[{}] no client certificate: {other:?}", A::NAME),
    };
    println!("[{}] without a client certificate: {why}", A::NAME);
    assert!(
        why.to_lowercase().contains("certificate"),
        "[{}] the refusal should say why: {why}",
        A::NAME
    );

    let no_ca = ClientOpts {
        tls_roots_pem: None,
        ..with_cert
    };
    let wary = client::<A>(&url, &no_ca);
    let untrusted = wary.call_value("echo", vec![Value::Int(1)]);
    assert!(
        matches!(&untrusted, Err(e) if e.to_string().contains("certificate")),
        "[{}] an unknown CA: {untrusted:?}",
        A::NAME
    );
    // The server is still fine after refusing two handshakes.
    assert_echo(trusted.as_ref(), Value::Int(3));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The client of adapter `A` keeps a cookie session across calls (and
/// connections: Python closes each one) with a [`CookieJar`]; a client
/// without the jar is not logged in; the jar saved to a Netscape file is
/// read by Python's `MozillaCookieJar`.
pub fn python_cookie_session_is_kept<A: Adapter>() {
    let Some(python) = python3() else { return };
    let server = PythonServer::start(python, COOKIE_SERVER);
    let url = server.url();
    let jar = Arc::new(CookieJar::new());
    let opts = ClientOpts {
        timeout: Some(Duration::from_secs(10)),
        cookie_jar: Some(Arc::clone(&jar)),
        ..ClientOpts::default()
    };
    let session = client::<A>(&url, &opts);
    assert_eq!(expect_fault(session.call_value("whoami", vec![])).code, 1);
    let logged_in = session.call_value("login", vec![Value::from("alice")]);
    assert_eq!(logged_in.ok(), Some(Value::Bool(true)));
    assert_eq!(jar.len(), 1, "the Set-Cookie was stored");
    for _ in 0..3 {
        let me = session
            .call_value("whoami", vec![])
            .map_err(|e: ClientError| e.to_string());
        assert_eq!(me, Ok(Value::from("alice")), "[{}]", A::NAME);
    }
    let stranger = client::<A>(&url, &ClientOpts::default());
    assert_eq!(expect_fault(stranger.call_value("whoami", vec![])).code, 1);

    let dir = temp_dir(A::NAME, "cookies");
    let path = dir.join("jar.txt");
    // Every transport re-exports this one function of transport-driver.
    transport_std::save_cookie_jar(&jar, &path).expect("save the jar");
    let read = python_reads_cookie_jar(python, &path);
    let printed = String::from_utf8_lossy(&read.stdout);
    assert!(
        read.status.success(),
        "MozillaCookieJar could not load it: {}",
        String::from_utf8_lossy(&read.stderr)
    );
    assert!(printed.starts_with("127.0.0.1 / sid "), "{printed}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
