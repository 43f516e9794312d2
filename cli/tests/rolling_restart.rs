//! A rolling restart behind nginx, as deploy/README.md describes it: nginx
//! (Debian's, with deploy/nginx.conf) in front of three `xrpc serve`
//! instances, four Python `ServerProxy` clients calling through it without
//! pause, and each instance in turn replaced: a new one starts on the same
//! port (`--reuse-port`), then the old one gets SIGTERM and drains. Target:
//! not one failed call.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use xmlrpc_tests::skip;

const XRPC: &str = env!("CARGO_BIN_EXE_xrpc");

/// A port free on 127.0.0.1 right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `xrpc serve` on `port` with SO_REUSEPORT, once it printed its ready line.
fn instance(port: u16) -> Child {
    let mut child = Command::new(XRPC)
        .args(["serve", "--runtime", "tokio", "--reuse-port", "--bind"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("listening on http://"), "{line:?}");
    child
}

fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Loops `factorial(10)` through `url` until the file `stop` exists, then
/// prints "calls failures slowest_ms first_error".
const CLIENT: &str = r#"
import os, sys, time, xmlrpc.client
url, stop = sys.argv[1], sys.argv[2]
calls = failures = 0
slowest = 0.0
first = ""
while not os.path.exists(stop):
    start = time.monotonic()
    try:
        proxy = xmlrpc.client.ServerProxy(url)
        assert proxy.factorial(10) == 3628800
        calls += 1
    except Exception as e:
        failures += 1
        first = first or repr(e)[:200]
    slowest = max(slowest, time.monotonic() - start)
print(calls, failures, round(slowest * 1000), first or "-")
"#;

#[test]
fn a_rolling_restart_behind_nginx_fails_no_call() {
    let nginx_ok = Command::new("nginx").arg("-v").output().is_ok();
    let python_ok = Command::new("python3").arg("-V").output().is_ok();
    if !nginx_ok || !python_ok {
        skip("nginx or python3 is missing, so the rolling restart check cannot run");
        return;
    }
    let dir = std::env::temp_dir().join(format!("xrpc-rolling-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    // deploy/nginx.conf with this run's ports and a private prefix.
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let front = free_port();
    let d = dir.display();
    let mut conf = include_str!("../../deploy/nginx.conf").to_owned();
    for (i, port) in ports.iter().enumerate() {
        conf = conf.replace(
            &format!("127.0.0.1:800{}", i + 1),
            &format!("127.0.0.1:{port}"),
        );
    }
    conf = conf.replace(
        "listen 127.0.0.1:8080;",
        &format!("listen 127.0.0.1:{front};"),
    );
    conf = conf.replace(
        "worker_processes 1;",
        &format!(
            "worker_processes 1;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;"
        ),
    );
    conf = conf.replace(
        "access_log off;",
        &format!(
            "access_log off;\nclient_body_temp_path {d}/body;\nproxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\nuwsgi_temp_path {d}/uwsgi;\nscgi_temp_path {d}/scgi;"
        ),
    );
    assert!(conf.contains(&format!(":{}", ports[2])) && conf.contains(&format!(":{front}")));
    std::fs::write(dir.join("nginx.conf"), &conf).unwrap();

    let mut instances: Vec<Child> = ports.iter().map(|&p| instance(p)).collect();
    let mut nginx = Command::new("nginx")
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .args(["-p", &d.to_string(), "-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", front)).is_err() {
        assert!(Instant::now() < deadline, "nginx never listened");
        std::thread::sleep(Duration::from_millis(20));
    }

    let url = format!("http://127.0.0.1:{front}/RPC2");
    let stop = dir.join("stop");
    let clients: Vec<Child> = (0..4)
        .map(|_| {
            Command::new("python3")
                .args(["-c", CLIENT, &url, &stop.display().to_string()])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));

    // Each instance in turn: the new one shares the port, then the old goes.
    let started = Instant::now();
    for (i, &port) in ports.iter().enumerate() {
        let replacement = instance(port);
        let old = std::mem::replace(&mut instances[i], replacement);
        terminate(&old);
        let mut old = old;
        let status = old.wait().unwrap();
        assert!(status.success(), "instance {i} exited with {status:?}");
        std::thread::sleep(Duration::from_millis(500));
    }
    let restart_took = started.elapsed();
    std::thread::sleep(Duration::from_secs(1));
    std::fs::write(&stop, b"").unwrap();

    let (mut calls, mut failures, mut slowest) = (0u64, 0u64, 0u64);
    let mut errors = Vec::new();
    for client in clients {
        let out = client.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let fields: Vec<&str> = text.trim().splitn(4, ' ').collect();
        assert_eq!(fields.len(), 4, "client said {text:?}");
        calls += fields[0].parse::<u64>().unwrap();
        failures += fields[1].parse::<u64>().unwrap();
        slowest = slowest.max(fields[2].parse().unwrap());
        if fields[3] != "-" {
            errors.push(fields[3].to_owned());
        }
    }
    println!(
        "rolling restart of 3 instances in {restart_took:.1?}: {calls} calls, {failures} failed, slowest {slowest} ms"
    );
    let _ = nginx.kill();
    let _ = nginx.wait();
    for mut child in instances {
        terminate(&child);
        let _ = child.wait();
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(calls > 100, "too few calls to mean anything: {calls}");
    assert_eq!(failures, 0, "failed calls during the restart: {errors:?}");
}
