//! rTorrent, the best-known XML-RPC server that speaks only SCGI: started
//! headless (`-n -o system.daemon.set=true`) in a temp dir, on a unix
//! socket or on TCP 127.0.0.1, and called by our clients.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use xmlrpc_proto::{MethodCall, Value};

use super::MakeClient;
use crate::peers::available;

/// A headless rTorrent, killed (and its directory removed) when dropped.
pub struct Rtorrent {
    child: Child,
    dir: PathBuf,
    /// The URL our clients use: `scgi+unix://DIR/rpc.sock` or
    /// `scgi://127.0.0.1:PORT`.
    pub url: String,
}

/// How rTorrent listens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listen {
    /// `network.scgi.open_local=DIR/rpc.sock`.
    Unix,
    /// `network.scgi.open_port=127.0.0.1:PORT`.
    Tcp,
}

/// True when rtorrent can run here (else a skip, or a failure under
/// `XMLRPC_REQUIRE_PEERS`).
pub fn installed() -> bool {
    available("rtorrent", &["-h"], "the rTorrent SCGI check")
}

/// A fresh empty directory under the system temp dir.
pub fn temp_dir(what: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("xmlrpc-{what}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {e}", dir.display());
    }
    dir
}

/// A free TCP port on 127.0.0.1 (free when asked; the caller binds it soon).
pub fn free_port() -> u16 {
    match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
        Ok(addr) => addr.port(),
        Err(e) => panic!("cannot find a free port: {e}"),
    }
}

/// Waits until `connect` succeeds (the peer is up), for at most 15 s.
pub fn wait_until_up(what: &str, connect: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !connect() {
        assert!(Instant::now() < deadline, "{what} did not come up in 15 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Rtorrent {
    /// Starts rTorrent listening as `listen`.
    pub fn start(listen: Listen) -> Rtorrent {
        let dir = temp_dir("rtorrent");
        let (option, url) = match listen {
            Listen::Unix => {
                let socket = dir.join("rpc.sock");
                (
                    format!("network.scgi.open_local={}", socket.display()),
                    format!("scgi+unix://{}", socket.display()),
                )
            }
            Listen::Tcp => {
                let port = free_port();
                (
                    format!("network.scgi.open_port=127.0.0.1:{port}"),
                    format!("scgi://127.0.0.1:{port}"),
                )
            }
        };
        let mut command = Command::new("rtorrent");
        command
            .arg("-n")
            .args(["-o", "system.daemon.set=true"])
            .args(["-o", &option])
            .args(["-o", &format!("session.path.set={}", dir.display())])
            .args(["-o", &format!("directory.default.set={}", dir.display())])
            .env("HOME", &dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = match command.spawn() {
            Ok(child) => child,
            Err(e) => panic!("cannot start rtorrent: {e}"),
        };
        let rtorrent = Rtorrent { child, dir, url };
        let socket = rtorrent.dir.join("rpc.sock");
        let target = rtorrent.url.clone();
        wait_until_up("rtorrent", || match listen {
            Listen::Unix => connects_unix(&socket),
            Listen::Tcp => target
                .strip_prefix("scgi://")
                .is_some_and(|addr| std::net::TcpStream::connect(addr).is_ok()),
        });
        rtorrent
    }
}

#[cfg(unix)]
fn connects_unix(path: &Path) -> bool {
    std::os::unix::net::UnixStream::connect(path).is_ok()
}

#[cfg(not(unix))]
fn connects_unix(_: &Path) -> bool {
    false
}

impl Drop for Rtorrent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The integer in `value`, whichever of int/i4/i8 rTorrent chose.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Int(n) => Some(i64::from(*n)),
        Value::I8(n) => Some(*n),
        _ => None,
    }
}

/// One client of ours against a running rTorrent: its version, its ~1000
/// methods, 64-bit counters, and a `system.multicall`.
pub fn check_client(rtorrent: &Rtorrent, make_client: MakeClient<'_>, who: &str) {
    let client = make_client(&rtorrent.url);
    let version = client.call_value("system.client_version", vec![]);
    assert!(
        matches!(&version, Ok(Value::String(v)) if v.starts_with(|c: char| c.is_ascii_digit())),
        "[{who}] system.client_version: {version:?}"
    );
    let names = match client.call_value("system.listMethods", vec![]) {
        Ok(Value::Array(names)) => names.into_vec(),
        other => panic!("[{who}] system.listMethods: {other:?}"),
    };
    assert!(names.len() > 500, "[{who}] only {} methods", names.len());
    assert!(names
        .iter()
        .any(|n| n.as_str() == Some("throttle.global_down.total")));
    for getter in [
        "throttle.global_down.total",
        "throttle.global_up.total",
        "throttle.global_down.max_rate",
        "network.xmlrpc.size_limit",
    ] {
        let got = client.call_value(getter, vec![]);
        assert!(
            got.as_ref().ok().and_then(integer).is_some_and(|n| n >= 0),
            "[{who}] {getter}: {got:?}"
        );
    }
    let calls = vec![
        MethodCall::new("system.client_version", vec![]),
        MethodCall::new("throttle.global_down.total", vec![]),
        MethodCall::new("no.such.method", vec![]),
        MethodCall::new("system.library_version", vec![]),
    ];
    let results = match client.multicall(calls) {
        Ok(results) => results,
        Err(e) => panic!("[{who}] system.multicall: {e}"),
    };
    assert_eq!(results.len(), 4, "[{who}] {results:?}");
    assert_eq!(results[0].as_ref().ok(), version.as_ref().ok());
    assert!(results[1].as_ref().ok().and_then(integer).is_some());
    assert!(
        results[2].is_err(),
        "[{who}] unknown method: {:?}",
        results[2]
    );
    assert!(
        matches!(results[3], Ok(Value::String(_))),
        "[{who}] {:?}",
        results[3]
    );
}
