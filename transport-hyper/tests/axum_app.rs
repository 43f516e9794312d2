//! The axum example app (`examples/axum_app.rs`, included as it is) served
//! on 127.0.0.1: Python's `ServerProxy` calls its XML-RPC endpoint while
//! Python's `urllib` reads its JSON route, both at once, through the
//! compression and trace layers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

#[allow(dead_code)] // its `main` is the example's
#[path = "../examples/axum_app.rs"]
mod axum_app;

use std::net::SocketAddr;
use std::process::Command;

/// Four threads of `factorial` calls and four of JSON reads, interleaved;
/// then the docs page, a fault and introspection. Prints one summary line.
const PY_CLIENTS: &str = r#"
import gzip, json, sys, threading, urllib.request, xmlrpc.client
base = sys.argv[1]
errors, counts = [], {"rpc": 0, "json": 0}
lock = threading.Lock()

def rpc():
    proxy = xmlrpc.client.ServerProxy(base + "/RPC2")
    for n in range(50):
        want = 1
        for i in range(2, n % 21 + 1):
            want *= i
        got = proxy.factorial(n % 21)
        if got != want:
            errors.append(f"factorial({n % 21}) = {got}")
        with lock:
            counts["rpc"] += 1

def status():
    for _ in range(50):
        req = urllib.request.Request(base + "/api/status", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req) as resp:
            body = resp.read()
            if resp.headers.get("Content-Encoding") != "gzip":
                errors.append("JSON route not compressed: %r" % resp.headers.items())
                continue
            doc = json.loads(gzip.decompress(body))
            if doc.get("status") != "up":
                errors.append("JSON route said %r" % doc)
        with lock:
            counts["json"] += 1

threads = [threading.Thread(target=f) for f in [rpc, status] * 4]
for t in threads: t.start()
for t in threads: t.join()

proxy = xmlrpc.client.ServerProxy(base + "/RPC2")
try:
    proxy.factorial(-1)
    errors.append("factorial(-1) did not fault")
except xmlrpc.client.Fault as f:
    if f.faultCode != -32602:
        errors.append("fault code %d" % f.faultCode)
if "factorial" not in proxy.system.listMethods():
    errors.append("listMethods lacks factorial")
with urllib.request.urlopen(base + "/RPC2") as resp:
    page = resp.read().decode()
    if "text/html" not in resp.headers["Content-Type"] or "factorial(n)" not in page:
        errors.append("docs page: %r" % page[:200])
if errors:
    print("\n".join(errors[:10]))
    sys.exit(1)
print("rpc", counts["rpc"], "json", counts["json"])
"#;

#[test]
fn python_calls_xml_rpc_and_reads_json_from_one_axum_app() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum_app::app(axum_app::rpc_service());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await
    });
    let out = Command::new("python3")
        .args(["-c", PY_CLIENTS, &format!("http://{addr}")])
        .output()
        .expect("python3 runs (CI installs it; this test needs it)");
    let _ = stop.send(());
    rt.block_on(server).unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "python failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.trim(), "rpc 200 json 200");
}
