//! Runs the built `xrpc` binary: every argument and output mapping through
//! `echo`, faults and exit statuses, `list` against our server and Python's,
//! `serve` on each runtime answering Python's client, and SIGTERM shutdown;
//! SCGI both ways (`serve --scgi`, `call`/`list` against rTorrent).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use xmlrpc_tests::peers::rtorrent::{self, Listen, Rtorrent};

const XRPC: &str = env!("CARGO_BIN_EXE_xrpc");
const RUNTIMES: [&str; 3] = ["std", "tokio", "smol"];
/// The servers of `xrpc serve --runtime` for HTTP over TCP.
const SERVERS: [&str; 4] = ["std", "tokio", "smol", "hyper"];

/// A running `xrpc serve`, stopped with SIGTERM when dropped.
struct Served {
    child: Child,
    url: String,
}

impl Served {
    fn start(runtime: &str, extra: &[&str]) -> Served {
        let args = [
            &["serve", "--runtime", runtime, "--bind", "127.0.0.1:0"],
            extra,
        ]
        .concat();
        let served = Served::spawn(&args);
        let url = &served.url;
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with("/RPC2"),
            "{url}"
        );
        served
    }

    /// Runs `xrpc ARGS` and reads its ready line (`url` is what follows
    /// `listening on `).
    fn spawn(args: &[&str]) -> Served {
        let mut child = Command::new(XRPC)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start xrpc serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the ready line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected ready line {line:?}"))
            .to_owned();
        Served { child, url }
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        signal(&self.child, "TERM");
        wait_with_deadline(&mut self.child, Duration::from_secs(20))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

fn wait_with_deadline(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(
            start.elapsed() < limit,
            "process did not exit within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn xrpc(args: &[&str]) -> Output {
    Command::new(XRPC).args(args).output().expect("run xrpc")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("utf-8 stderr")
}

fn python3() -> Option<&'static str> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if ok {
        Some("python3")
    } else {
        eprintln!("skipping: python3 is not installed");
        None
    }
}

fn run_python(script: &str, args: &[&str]) -> Output {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python3");
    let status = wait_with_deadline(&mut child, Duration::from_secs(60));
    let output = child.wait_with_output().expect("python output");
    Output { status, ..output }
}

/// Every JSON form the interface defines, through `echo`, on every client runtime.
#[test]
fn echo_round_trips_every_mapping_on_every_runtime() {
    let server = Served::start("tokio", &[]);
    let cases: &[(&str, &str)] = &[
        ("7", "7"),
        ("-2147483648", "-2147483648"),
        ("2147483648", "2147483648"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("1.5", "1.5"),
        ("2.0", "2.0"),
        ("true", "true"),
        ("false", "false"),
        ("null", "null"),
        (r#""quoted \"text\" <&>""#, r#""quoted \"text\" <&>""#),
        ("hello", r#""hello""#),
        ("hello world", r#""hello world""#),
        (r#""line\r\nbreak""#, r#""line\r\nbreak""#),
        ("[]", "[]"),
        ("{}", "{}"),
        (r#"[1,"a",[null,{"k":2.5}]]"#, r#"[1,"a",[null,{"k":2.5}]]"#),
        (r#"{"z":1,"a":2,"m":3}"#, r#"{"z":1,"a":2,"m":3}"#),
        (
            r#"{"$dateTime.iso8601":"19980717T14:08:55"}"#,
            r#"{"$dateTime.iso8601":"19980717T14:08:55"}"#,
        ),
        (r#"{"$base64":"AAEC/w=="}"#, r#"{"$base64":"AAEC/w=="}"#),
    ];
    for runtime in RUNTIMES {
        for (arg, expected) in cases {
            let out = xrpc(&["call", "--runtime", runtime, &server.url, "echo", arg]);
            assert!(out.status.success(), "{runtime} {arg}: {}", stderr(&out));
            assert_eq!(stdout(&out), format!("{expected}\n"), "{runtime} {arg}");
        }
    }
}

#[test]
fn results_faults_and_exit_statuses() {
    let server = Served::start("std", &[]);
    let out = xrpc(&["call", &server.url, "factorial", "5"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "120\n");
    let out = xrpc(&["call", &server.url, "factorial", "20"]);
    assert_eq!(stdout(&out), "2432902008176640000\n");

    // A fault: nothing on stdout, `fault CODE: MESSAGE` on stderr, status 1.
    let out = xrpc(&["call", &server.url, "factorial", "21"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).starts_with("fault -32602: "),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1);
    let out = xrpc(&["call", &server.url, "no.such.method"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("fault -32601: "),
        "{}",
        stderr(&out)
    );

    // Other failures: one line on stderr, status 2.
    let out = xrpc(&["call", "http://127.0.0.1:1/RPC2", "echo", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    let out = xrpc(&[
        "call",
        &server.url.replace("/RPC2", "/elsewhere"),
        "echo",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("404"), "{}", stderr(&out));
    let out = xrpc(&["call", "ftp://example.invalid/", "echo", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = xrpc(&["call", &server.url, "echo", "18446744073709551616"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("64 bits"), "{}", stderr(&out));
}

#[test]
fn pretty_xml_headers_and_timeout_options() {
    let server = Served::start("smol", &[]);
    let out = xrpc(&["call", "--pretty", &server.url, "echo", r#"{"a":[1]}"#]);
    assert_eq!(stdout(&out), "{\n  \"a\": [\n    1\n  ]\n}\n");
    let out = xrpc(&["call", "--xml", &server.url, "echo", "5"]);
    let body = stdout(&out);
    assert!(
        body.contains("<methodResponse>") && body.contains("<int>5</int>"),
        "{body}"
    );
    let out = xrpc(&[
        "call",
        "--header",
        "X-Test: yes",
        "--timeout",
        "5",
        &server.url,
        "echo",
        "1",
    ]);
    assert_eq!(stdout(&out), "1\n", "{}", stderr(&out));
    let out = xrpc(&["call", "--header", "broken", &server.url, "echo", "1"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Options anywhere on the line; negative numbers are ARGs; `--` ends the options.
#[test]
fn options_anywhere_negative_numbers_and_double_dash() {
    let server = Served::start("std", &[]);
    let out = xrpc(&["call", &server.url, "echo", r#"{"a":[1]}"#, "--pretty"]);
    assert_eq!(
        stdout(&out),
        "{\n  \"a\": [\n    1\n  ]\n}\n",
        "{}",
        stderr(&out)
    );
    let out = xrpc(&["call", &server.url, "echo", "-5", "--runtime", "smol"]);
    assert_eq!(stdout(&out), "-5\n", "{}", stderr(&out));
    for (arg, expected) in [("-2.5", "-2.5"), ("-1e3", "-1000.0")] {
        let out = xrpc(&["call", &server.url, "echo", arg]);
        assert_eq!(stdout(&out), format!("{expected}\n"), "{}", stderr(&out));
    }
    let out = xrpc(&["call", &server.url, "echo", "--", "--pretty"]);
    assert_eq!(stdout(&out), "\"--pretty\"\n", "{}", stderr(&out));
    let out = xrpc(&["call", &server.url, "echo", "--", "-1e-3"]);
    assert_eq!(stdout(&out), "-0.001\n", "{}", stderr(&out));

    // An unknown option is a usage error wherever it comes, and nothing is sent.
    for line in [
        ["call", "--bogus", &server.url, "echo", "1"],
        ["call", &server.url, "echo", "1", "--bogus"],
    ] {
        let out = xrpc(&line);
        assert_eq!(out.status.code(), Some(2), "{line:?}");
        assert_eq!(stdout(&out), "");
        assert!(stderr(&out).contains("--bogus"), "{}", stderr(&out));
    }
}

#[test]
fn timeout_fires_against_a_server_that_never_answers() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/RPC2", listener.local_addr().unwrap());
    let holder = std::thread::spawn(move || {
        let (_socket, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_secs(3));
    });
    let start = Instant::now();
    let out = xrpc(&[
        "call",
        "--runtime",
        "std",
        "--timeout",
        "0.5",
        &url,
        "echo",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
    assert!(start.elapsed() < Duration::from_secs(3));
    holder.join().unwrap();
}

#[test]
fn list_prints_methods_signatures_and_help() {
    let server = Served::start("tokio", &[]);
    let out = xrpc(&["list", &server.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for method in [
        "factorial",
        "echo",
        "validator1.easyStructTest",
        "system.listMethods",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{method} "))),
            "{method} missing from:\n{text}"
        );
    }
    assert!(
        text.lines().any(|l| l.starts_with("    ")),
        "no help lines:\n{text}"
    );
}

#[test]
fn list_against_python_and_a_server_without_introspection() {
    let Some(_) = python3() else { return };
    let script = r#"
import sys
from xmlrpc.server import SimpleXMLRPCServer
introspect = sys.argv[1] == "yes"
server = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
def add(a, b):
    "Adds two numbers."
    return a + b
server.register_function(add)
if introspect:
    server.register_introspection_functions()
print(server.server_address[1], flush=True)
server.serve_forever()
"#;
    for introspect in ["yes", "no"] {
        let mut child = Command::new("python3")
            .args(["-c", script, introspect])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start python server");
        let mut port = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut port)
            .unwrap();
        let url = format!("http://127.0.0.1:{}/RPC2", port.trim());
        let out = xrpc(&["list", &url]);
        let _ = child.kill();
        let _ = child.wait();
        if introspect == "yes" {
            assert!(out.status.success(), "{}", stderr(&out));
            let text = stdout(&out);
            assert!(text.contains("add "), "{text}");
            assert!(text.contains("    Adds two numbers."), "{text}");
        } else {
            assert_eq!(out.status.code(), Some(2));
            assert!(stderr(&out).contains("introspection"), "{}", stderr(&out));
        }
    }
}

#[test]
fn serve_answers_python_on_every_runtime_and_stops_on_sigterm() {
    let Some(_) = python3() else { return };
    let script = r#"
import sys, xmlrpc.client
p = xmlrpc.client.ServerProxy(sys.argv[1], allow_none=True)
assert p.factorial(5) == 120
assert p.factorial(20) == 2432902008176640000
assert p.echo([1, "two", None, {"k": 1.5}]) == [1, "two", None, {"k": 1.5}]
assert "factorial" in p.system.listMethods()
m = xmlrpc.client.MultiCall(p)
m.factorial(3); m.echo("x")
assert list(m()) == [6, "x"]
try:
    p.factorial(-1)
    raise SystemExit("no fault")
except xmlrpc.client.Fault as f:
    assert f.faultCode == -32602, f.faultCode
print("ok")
"#;
    for runtime in SERVERS {
        let server = Served::start(runtime, &[]);
        let out = run_python(script, &[&server.url]);
        assert!(out.status.success(), "{runtime}: {}", stderr(&out));
        assert_eq!(stdout(&out), "ok\n");
        let status = server.terminate();
        assert!(status.success(), "{runtime}: exit {status:?}");
    }
}

#[test]
fn sigint_also_stops_the_server_gracefully() {
    let server = Served::start("tokio", &[]);
    let out = xrpc(&["call", &server.url, "echo", "1"]);
    assert!(out.status.success());
    signal(&server.child, "INT");
    let mut served = server;
    let status = wait_with_deadline(&mut served.child, Duration::from_secs(20));
    assert!(status.success(), "exit {status:?}");
}

#[test]
fn serve_on_a_unix_socket() {
    let dir = std::env::temp_dir().join(format!("xrpc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("demo.sock");
    let _ = std::fs::remove_file(&path);
    let path_text = path.to_str().unwrap();
    let mut child = Command::new(XRPC)
        .args(["serve", "--unix", path_text])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, format!("listening on unix://{path_text}\n"));
    let out = xrpc(&["call", &format!("unix://{path_text}"), "factorial", "6"]);
    assert_eq!(stdout(&out), "720\n", "{}", stderr(&out));
    signal(&child, "TERM");
    assert!(wait_with_deadline(&mut child, Duration::from_secs(20)).success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_with_status_2_and_help_documents_the_interface() {
    let out = xrpc(&["call"]);
    assert_eq!(out.status.code(), Some(2));
    let out = xrpc(&["call", "--runtime", "gevent", "http://127.0.0.1:1/", "m"]);
    assert_eq!(out.status.code(), Some(2));
    let help = stdout(&xrpc(&["call", "--help"]));
    for needle in [
        "--runtime",
        "--timeout",
        "--header",
        "--pretty",
        "--xml",
        "$base64",
        "`--` ends the options",
        "-2.5",
    ] {
        assert!(help.contains(needle), "{needle} missing from help:\n{help}");
    }
    let help = stdout(&xrpc(&["--help"]));
    assert!(help.contains("`--` ends them"), "{help}");
    let help = stdout(&xrpc(&["serve", "--help"]));
    for needle in ["--bind", "--unix", "--runtime", "--max-body"] {
        assert!(help.contains(needle), "{needle} missing from help:\n{help}");
    }
    let mut stdin_check = Command::new(XRPC)
        .arg("--version")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    stdin_check.stdin.take().unwrap().write_all(b"").ok();
    assert!(stdin_check.wait().unwrap().success());
}

/// `--threads N` sets how many threads serve connections on every server
/// (std's event loops, tokio's workers, smol's executors), and 0 is a
/// usage error.
#[cfg(target_os = "linux")]
#[test]
fn serve_threads_sets_how_many_threads_serve() {
    let named = |server: &Served, prefix: &str| {
        std::fs::read_dir(format!("/proc/{}/task", server.child.id()))
            .unwrap()
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .filter(|comm| comm.starts_with(prefix))
            .count()
    };
    for (runtime, prefix) in [
        ("std", "xmlrpc-loop"),
        ("tokio", "tokio-rt-worker"),
        ("smol", "xmlrpc-smol"),
        ("hyper", "tokio-rt-worker"),
    ] {
        for threads in [1, 3] {
            let server = Served::start(runtime, &["--threads", &threads.to_string()]);
            // smol starts its executors with the first connection.
            assert_eq!(ok(&["call", &server.url, "echo", "1"]).trim(), "1");
            assert_eq!(
                named(&server, prefix),
                threads,
                "{runtime} --threads {threads}"
            );
        }
    }
    let zero = xrpc(&["serve", "--bind", "127.0.0.1:0", "--threads", "0"]);
    assert_eq!(zero.status.code(), Some(2), "{}", stderr(&zero));
}

/// The overload flags reach the server: with `--max-connections 1` a silent
/// connection is evicted for a caller once `--first-head-window` passed,
/// and with a body budget that holds one large body the second gets 503.
#[test]
fn serve_flags_set_eviction_and_the_body_budget() {
    use std::io::Read;
    use std::net::TcpStream;

    let addr_of = |server: &Served| {
        server
            .url
            .trim_start_matches("http://")
            .trim_end_matches("/RPC2")
            .to_owned()
    };
    for runtime in RUNTIMES {
        let server = Served::start(
            runtime,
            &["--max-connections", "1", "--first-head-window", "0.2"],
        );
        let mut silent = TcpStream::connect(addr_of(&server)).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let out = xrpc(&["call", "--timeout", "5", &server.url, "echo", "1"]);
        assert!(out.status.success(), "{runtime}: {}", stderr(&out));
        silent
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut buf = [0u8; 16];
        assert!(
            matches!(silent.read(&mut buf), Ok(0)),
            "{runtime}: the silent connection was evicted"
        );
        drop(server);

        let server = Served::start(
            runtime,
            &[
                "--max-body",
                "150000",
                "--body-budget",
                "200000",
                "--body-reserve",
                "0",
            ],
        );
        let head = "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 150000\r\n\r\n";
        let mut holder = TcpStream::connect(addr_of(&server)).unwrap();
        holder.write_all(head.as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(200));
        let mut second = TcpStream::connect(addr_of(&server)).unwrap();
        second.write_all(head.as_bytes()).unwrap();
        second
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut reply = vec![0u8; 512];
        let n = second.read(&mut reply).unwrap_or(0);
        let reply = String::from_utf8_lossy(&reply[..n]).into_owned();
        assert!(reply.starts_with("HTTP/1.1 503 "), "{runtime}: {reply}");
        assert!(
            reply.contains("\r\nRetry-After: 1\r\n"),
            "{runtime}: {reply}"
        );
        drop(holder);
    }
}

#[test]
fn a_body_budget_below_the_largest_body_is_refused_at_start() {
    let out = Command::new(XRPC)
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--max-body",
            "1000",
            "--body-budget",
            "999",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--body-budget 999"),
        "{}",
        stderr(&out)
    );
}

/// A server that answers every connection with the same canned body, as
/// WordPress answers for a draft: the all-zero date and an empty `<int/>`.
fn canned_server(body: &'static str, answers: usize) -> (String, std::thread::JoinHandle<()>) {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/RPC2", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        for _ in 0..answers {
            let (mut socket, _) = listener.accept().unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head and the body (Content-Length) before answering.
            while let Ok(n) = socket.read(&mut buf) {
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request);
                if let Some(end) = text.find("\r\n\r\n") {
                    let len: usize = text
                        .lines()
                        .find_map(|l| l.strip_prefix("Content-Length: "))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if request.len() >= end + 4 + len {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(answer.as_bytes());
        }
    });
    (url, server)
}

#[test]
fn lenient_reads_the_zero_date_and_empty_scalars_that_strict_refuses() {
    let body = "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>\
        <member><name>date_created_gmt</name><value><dateTime.iso8601>00000000T00:00:00</dateTime.iso8601></value></member>\
        <member><name>post_id</name><value><int/></value></member>\
        </struct></value></param></params></methodResponse>";
    for runtime in RUNTIMES {
        let (url, server) = canned_server(body, 2);
        let strict = xrpc(&["call", "--runtime", runtime, &url, "wp.getPost"]);
        assert_eq!(strict.status.code(), Some(2), "{runtime}");
        assert!(
            stderr(&strict).contains("--lenient"),
            "{runtime}: {}",
            stderr(&strict)
        );
        let lenient = xrpc(&[
            "call",
            "--runtime",
            runtime,
            "--lenient",
            &url,
            "wp.getPost",
        ]);
        assert!(lenient.status.success(), "{runtime}: {}", stderr(&lenient));
        assert_eq!(
            stdout(&lenient),
            "{\"date_created_gmt\":{\"$dateTime.iso8601\":\"00000000T00:00:00\"},\"post_id\":null}\n",
            "{runtime}"
        );
        server.join().unwrap();
    }
}

/// `xrpc call` through tinyproxy: the proxy from `http_proxy` as curl
/// reads it (never uppercase `HTTP_PROXY`), `NO_PROXY` and `--noproxy`
/// going around it, and `--proxy` given on the line.
#[test]
fn call_goes_through_the_proxy_curl_would_use() {
    use xmlrpc_tests::peers::tinyproxy::Tinyproxy;
    let Some(proxy) = Tinyproxy::start() else {
        return;
    };
    let server = Served::start("tokio", &[]);
    let through = format!("POST {} HTTP/1.1", server.url);
    let run = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = Command::new(XRPC);
        for name in [
            "http_proxy",
            "HTTP_PROXY",
            "https_proxy",
            "HTTPS_PROXY",
            "all_proxy",
            "ALL_PROXY",
            "no_proxy",
            "NO_PROXY",
        ] {
            cmd.env_remove(name);
        }
        cmd.envs(env.iter().copied());
        cmd.arg("call")
            .args(extra)
            .args([server.url.as_str(), "echo", "7"]);
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{env:?} {extra:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "7\n");
        proxy.log().matches(&through).count()
    };
    let mut seen = 0;
    for runtime in RUNTIMES {
        let rt = ["--runtime", runtime];
        // From the environment, lowercase http_proxy.
        assert_eq!(
            run(&[("http_proxy", &proxy.url)], &rt),
            seen + 1,
            "{runtime}"
        );
        seen += 1;
        // Uppercase HTTP_PROXY is not read (as curl: it can come from a CGI request).
        assert_eq!(run(&[("HTTP_PROXY", &proxy.url)], &rt), seen, "{runtime}");
        // ALL_PROXY covers http too; NO_PROXY and --noproxy go around it.
        assert_eq!(
            run(&[("ALL_PROXY", &proxy.url)], &rt),
            seen + 1,
            "{runtime}"
        );
        seen += 1;
        let env = [
            ("http_proxy", proxy.url.as_str()),
            ("NO_PROXY", "localhost,127.0.0.0/8"),
        ];
        assert_eq!(run(&env, &rt), seen, "{runtime}");
        let around = [rt[0], rt[1], "--noproxy", "127.0.0.1"];
        assert_eq!(
            run(&[("http_proxy", &proxy.url)], &around),
            seen,
            "{runtime}"
        );
        // --proxy on the line; --proxy '' turns the environment's off.
        let given = [rt[0], rt[1], "--proxy", proxy.url.as_str()];
        assert_eq!(run(&[], &given), seen + 1, "{runtime}");
        seen += 1;
        let off = [rt[0], rt[1], "--proxy", ""];
        assert_eq!(run(&[("http_proxy", &proxy.url)], &off), seen, "{runtime}");
    }
}

/// `GET` of a running `xrpc serve`: the docs page on the RPC path (off with
/// `--no-docs`), `ok` on the health path.
#[test]
fn serve_answers_get_with_the_docs_page_and_the_health_path() {
    use std::io::Read;
    let get = |url: &str, path: &str| {
        let addr = url.trim_start_matches("http://").trim_end_matches("/RPC2");
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        reply
    };
    for runtime in SERVERS {
        let server = Served::start(runtime, &[]);
        let page = get(&server.url, "/RPC2");
        assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{runtime}: {page}");
        assert!(page.contains("text/html"), "{runtime}");
        assert!(page.contains("<h2>factorial</h2>"), "{runtime}: {page}");
        assert!(
            page.contains("i8 factorial(int)") || page.contains("factorial(int)"),
            "{page}"
        );
        let health = get(&server.url, "/health");
        assert!(
            health.starts_with("HTTP/1.1 200 OK\r\n") && health.ends_with("\r\n\r\nok\n"),
            "{health}"
        );
        drop(server);

        let server = Served::start(runtime, &["--no-docs"]);
        assert!(
            get(&server.url, "/RPC2").starts_with("HTTP/1.1 405 "),
            "{runtime}"
        );
    }
}

// SCGI: `serve --scgi ADDR` / `--scgi-unix PATH` on every runtime answering
// `call` and `list` over scgi:// and scgi+unix://, and `call` / `list`
// against a headless rTorrent on a unix socket and on TCP.

/// Runs `xrpc ARGS`, insists on success, returns stdout.
fn ok(args: &[&str]) -> String {
    let out = xrpc(args);
    assert!(
        out.status.success(),
        "xrpc {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

#[test]
fn serve_speaks_scgi_on_tcp_and_unix_sockets_on_every_runtime() {
    let dir = rtorrent::temp_dir("xrpc-scgi");
    for runtime in RUNTIMES {
        let served = Served::spawn(&["serve", "--runtime", runtime, "--scgi", "127.0.0.1:0"]);
        assert!(
            served.url.starts_with("scgi://127.0.0.1:") && !served.url.ends_with('/'),
            "{}",
            served.url
        );
        for client in RUNTIMES {
            let url = served.url.as_str();
            assert_eq!(
                ok(&["call", "--runtime", client, url, "factorial", "5"]),
                "120\n"
            );
        }
        let listed = ok(&["list", &served.url]);
        assert!(listed.contains("factorial "), "{listed}");
        assert!(served.terminate().success());

        let socket = dir.join(format!("{runtime}.sock"));
        let path = socket.display().to_string();
        let served = Served::spawn(&["serve", "--runtime", runtime, "--scgi-unix", &path]);
        assert_eq!(served.url, format!("scgi+unix://{path}"));
        assert_eq!(ok(&["call", &served.url, "echo", "hello"]), "\"hello\"\n");
        assert!(served.terminate().success());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn scgi_flags_are_documented_and_exclusive() {
    let help = ok(&["serve", "--help"]);
    for needle in [
        "--scgi <ADDR>",
        "--scgi-unix <PATH>",
        "listening on scgi://ADDR",
    ] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
    let call_help = ok(&["call", "--help"]);
    assert!(
        call_help.contains("scgi+unix:///path/to.sock"),
        "{call_help}"
    );
    let both = xrpc(&["serve", "--scgi", "127.0.0.1:0", "--unix", "/tmp/x.sock"]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn call_and_list_reach_rtorrent_on_a_unix_socket_and_on_tcp() {
    if !rtorrent::installed() {
        return;
    }
    for listen in [Listen::Unix, Listen::Tcp] {
        let peer = Rtorrent::start(listen);
        let url = peer.url.as_str();
        for runtime in RUNTIMES {
            let version = ok(&["call", "--runtime", runtime, url, "system.client_version"]);
            assert!(
                version.starts_with("\"0.") || version.starts_with("\"1."),
                "{version}"
            );
        }
        let total = ok(&["call", url, "throttle.global_down.total"]);
        assert!(total.trim().parse::<i64>().is_ok(), "{total}");
        let xml = ok(&["call", "--xml", url, "network.xmlrpc.size_limit"]);
        assert!(
            xml.contains("<i8>") || xml.contains("<i4>") || xml.contains("<int>"),
            "{xml}"
        );
        let multicall = ok(&[
            "call",
            url,
            "system.multicall",
            r#"[{"methodName": "system.client_version", "params": []},
                {"methodName": "throttle.global_up.total", "params": []}]"#,
        ]);
        assert!(
            multicall.starts_with("[[\"") && multicall.trim_end().ends_with("]]"),
            "{multicall}"
        );
        let listed = ok(&["list", url]);
        let methods = listed.lines().filter(|l| !l.starts_with(' ')).count();
        assert!(methods > 500, "{methods} methods listed");
        assert!(listed.contains("\nthrottle.global_down.total "), "{listed}");
    }
}
