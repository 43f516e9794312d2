//! The docs page as a person sees it: headless Chromium (Debian
//! `chromium`) loads `GET /RPC2` from a server of each transport and the
//! rendered page shows every method, its signature and help, with help
//! text that looks like markup shown as text, never run.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::process::Command;
use std::sync::Arc;

use xmlrpc_proto::service::Router;
use xmlrpc_proto::Fault;
use xmlrpc_tests::skip;

/// The demo service plus a method whose help is hostile markup.
fn router() -> Router {
    let mut router = xmlrpc_demo::router();
    router
        .register("note", |text: String| Ok::<_, Fault>(text))
        .help("Echoes <b>text</b>. <script>document.title='pwned'</script>");
    router
}

/// The rendered DOM of `url`, or `None` (after `skip`) without chromium.
fn rendered(url: &str, screenshot: Option<&std::path::Path>) -> Option<String> {
    let mut cmd = Command::new("chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1000,1400",
    ]);
    match screenshot {
        Some(path) => cmd.arg(format!("--screenshot={}", path.display())),
        None => cmd.arg("--dump-dom"),
    };
    let out = match cmd.arg(url).output() {
        Ok(out) if out.status.success() => out,
        Ok(out) => panic!("chromium failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => {
            skip("chromium is not installed, so the docs page check cannot run");
            return None;
        }
    };
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn chromium_shows_every_method_and_runs_no_help_text() {
    let server = transport_std::Server::builder(Arc::new(router()))
        .docs_page("Demo <service>")
        .bind("127.0.0.1:0")
        .unwrap();
    let url = format!("http://{}/RPC2", server.local_addr());
    let handle = server.shutdown_handle();
    let serving = std::thread::spawn(move || server.serve());

    let Some(dom) = rendered(&url, None) else {
        handle.shutdown();
        let _ = serving.join();
        return;
    };
    // What a reader sees: the title, each method with its signature and help.
    assert!(dom.contains("<title>Demo &lt;service&gt;</title>"), "{dom}");
    for method in [
        "factorial",
        "echo",
        "note",
        "system.listMethods",
        "system.multicall",
    ] {
        assert!(
            dom.contains(&format!("<h2>{method}</h2>")),
            "{method} missing"
        );
    }
    assert!(dom.contains("i8 factorial(int)"), "{dom}");
    // The hostile help is text on the page: no script ran, no element made.
    assert!(
        dom.contains("Echoes &lt;b&gt;text&lt;/b&gt;. &lt;script&gt;"),
        "{dom}"
    );
    assert!(!dom.contains("pwned</title>") && !dom.contains("<b>text</b>"));

    let shot = std::env::temp_dir().join(format!("xmlrpc-docs-{}.png", std::process::id()));
    rendered(&url, Some(&shot));
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "a real screenshot"
    );
    let _ = std::fs::remove_file(&shot);

    handle.shutdown();
    serving.join().unwrap().unwrap();
}
