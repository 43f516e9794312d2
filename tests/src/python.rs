//! Running Python's `xmlrpc` from tests: detection, scripts and a server.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

/// The python3 command, or `None` (with the reason printed) when missing.
pub fn python3() -> Option<&'static str> {
    let found = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if found {
        Some("python3")
    } else {
        crate::skip("python3 is not installed, so the Python interop check cannot run");
        None
    }
}

/// Runs `script` with `args` and returns its output.
pub fn run_script(python: &str, script: &str, args: &[&str]) -> Output {
    Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs")
}

/// A Python process serving until dropped; it printed its port first.
pub struct PythonServer {
    child: Child,
    /// The port the script printed.
    pub port: u16,
}

impl PythonServer {
    /// Starts `script`, which must print its TCP port on the first line.
    pub fn start(python: &str, script: &str) -> PythonServer {
        let mut child = Command::new(python)
            .arg("-c")
            .arg(script)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 starts");
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        let port = match line.trim().parse() {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                panic!("python server printed {line:?} instead of its port");
            }
        };
        PythonServer { child, port }
    }

    /// `http://127.0.0.1:PORT/RPC2`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/RPC2", self.port)
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
