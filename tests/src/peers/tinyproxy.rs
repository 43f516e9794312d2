//! tinyproxy (Debian `tinyproxy`), an HTTP proxy nobody here wrote, started
//! on 127.0.0.1 with its log in a temp dir, so a check can show which
//! requests went through it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running tinyproxy, stopped when dropped.
pub struct Tinyproxy {
    child: Child,
    dir: PathBuf,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Tinyproxy {
    /// Starts tinyproxy on a free port, or `None` (after `skip`) when it is
    /// not installed.
    pub fn start() -> Option<Tinyproxy> {
        Tinyproxy::start_with(None)
    }

    /// As [`start`](Self::start), requiring Basic `user:password` when
    /// `auth` is given.
    pub fn start_with(auth: Option<(&str, &str)>) -> Option<Tinyproxy> {
        if !super::available("tinyproxy", &["-v"], "the HTTP proxy check") {
            return None;
        }
        let dir = std::env::temp_dir().join(format!(
            "xmlrpc-tinyproxy-{}-{:?}-{}",
            std::process::id(),
            std::thread::current().id(),
            auth.is_some()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("tinyproxy dir");
        let port = free_port();
        // No ConnectPort line: CONNECT may reach any port (the test's TLS
        // server has no fixed one).
        let mut conf = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 50\nAllow 127.0.0.1\n\
             LogFile \"{log}\"\nLogLevel Info\nPidFile \"{pid}\"\n",
            log = dir.join("tinyproxy.log").display(),
            pid = dir.join("tinyproxy.pid").display(),
        );
        if let Some((user, password)) = auth {
            conf.push_str(&format!("BasicAuth {user} {password}\n"));
        }
        let conf_path = dir.join("tinyproxy.conf");
        std::fs::write(&conf_path, conf).expect("tinyproxy config");
        let child = Command::new("tinyproxy")
            .arg("-d")
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tinyproxy");
        let proxy = Tinyproxy {
            child,
            dir,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tinyproxy never listened");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(proxy)
    }

    /// The log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("tinyproxy.log")).unwrap_or_default()
    }

    /// Waits up to 5 s for the log to contain `needle`; true when it does.
    pub fn logged(&self, needle: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if self.log().contains(needle) {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port free on 127.0.0.1 right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
