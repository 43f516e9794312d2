//! `xrpc call` and `xrpc list` against deployments that need more than a
//! URL: a server that requires a client certificate (`--cert --key
//! --cacert`) and a cookie session shared by two invocations
//! (`--cookie-jar`), the jar read back by Python's `MozillaCookieJar`.
//! The Python peers come from `xmlrpc_tests::deployments`; without
//! python3 a check prints why and passes, unless `XMLRPC_REQUIRE_PEERS` is
//! set (as in CI).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::process::{Command, Output};

use xmlrpc_tests::cert::mutual_tls;
use xmlrpc_tests::deployments::{
    python_reads_cookie_jar, start_mtls_server, temp_dir, COOKIE_SERVER,
};
use xmlrpc_tests::python::{python3, PythonServer};

const XRPC: &str = env!("CARGO_BIN_EXE_xrpc");
const RUNTIMES: [&str; 3] = ["std", "tokio", "smol"];

fn xrpc(args: &[&str]) -> Output {
    Command::new(XRPC).args(args).output().expect("run xrpc")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn call_and_list_with_a_client_certificate_on_every_runtime() {
    let Some(python) = python3() else { return };
    let dir = temp_dir("xrpc", "mtls");
    let files = mutual_tls().write_to(&dir);
    let server = start_mtls_server(python, &files);
    let url = format!("https://localhost:{}/RPC2", server.port);
    let (cert, key, ca) = (
        files.client_cert.to_str().unwrap(),
        files.client_key.to_str().unwrap(),
        files.ca.to_str().unwrap(),
    );
    for runtime in RUNTIMES {
        let tls = [
            "--runtime",
            runtime,
            "--cert",
            cert,
            "--key",
            key,
            "--cacert",
            ca,
        ];
        let out = xrpc(&[&["call"], &tls[..], &[&url, "echo", "hi"]].concat());
        assert!(out.status.success(), "{runtime}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "\"hi\"\n", "{runtime}");

        let out = xrpc(&[&["list"], &tls[..], &[&url]].concat());
        assert!(out.status.success(), "{runtime}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("echo "), "{}", text(&out.stdout));

        // Without the certificate the server refuses the handshake.
        let out = xrpc(&[
            "call",
            "--runtime",
            runtime,
            "--cacert",
            ca,
            &url,
            "echo",
            "hi",
        ]);
        assert_eq!(out.status.code(), Some(2), "{runtime}");
        let why = text(&out.stderr);
        assert!(why.contains("CertificateRequired"), "{runtime}: {why}");
    }

    // A missing or unusable file is named.
    let missing = dir.join("nope.pem");
    let missing = missing.to_str().unwrap();
    let out = xrpc(&[
        "call", "--cert", missing, "--key", key, "--cacert", ca, &url, "echo",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(missing), "{}", text(&out.stderr));
    let out = xrpc(&[
        "call", "--cert", cert, "--key", cert, "--cacert", ca, &url, "echo",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(cert), "{}", text(&out.stderr));
    // --cert without --key is a usage error.
    let out = xrpc(&["call", "--cert", cert, &url, "echo"]);
    assert_eq!(out.status.code(), Some(2));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_cookie_jar_keeps_the_session_across_invocations() {
    let Some(python) = python3() else { return };
    let server = PythonServer::start(python, COOKIE_SERVER);
    let url = server.url();
    let dir = temp_dir("xrpc", "cookie-jar");
    for runtime in RUNTIMES {
        let jar = dir.join(format!("{runtime}.txt"));
        let jar = jar.to_str().unwrap();
        let with_jar = ["--runtime", runtime, "--cookie-jar", jar];

        let out = xrpc(&[&["call"], &with_jar[..], &[&url, "whoami"]].concat());
        assert_eq!(out.status.code(), Some(1), "{runtime}: not logged in yet");

        let out = xrpc(&[&["call"], &with_jar[..], &[&url, "login", "alice"]].concat());
        assert!(out.status.success(), "{runtime}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "true\n");

        let out = xrpc(&[&["call"], &with_jar[..], &[&url, "whoami"]].concat());
        assert!(out.status.success(), "{runtime}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "\"alice\"\n", "{runtime}");

        let out = xrpc(&["call", "--runtime", runtime, &url, "whoami"]);
        assert_eq!(out.status.code(), Some(1), "{runtime}: no jar, no session");

        let read = python_reads_cookie_jar(python, std::path::Path::new(jar));
        assert!(read.status.success(), "{}", text(&read.stderr));
        assert!(
            text(&read.stdout).starts_with("127.0.0.1 / sid "),
            "{}",
            text(&read.stdout)
        );
    }

    // A malformed jar is refused with its file and line.
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\n").unwrap();
    let bad = bad.to_str().unwrap();
    let out = xrpc(&["call", "--cookie-jar", bad, &url, "whoami"]);
    assert_eq!(out.status.code(), Some(2));
    let why = text(&out.stderr);
    assert!(why.contains(&format!("{bad}, line 2:")), "{why}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
