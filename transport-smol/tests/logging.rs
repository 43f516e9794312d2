//! Every call is logged through `tracing` with its peer, method and outcome.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use support::serve_tcp;
use transport_smol::{block_on, Client};
use xmlrpc_proto::Value;

/// Collects formatted log lines from every thread.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn calls_and_faults_are_logged() {
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .finish();
    // The server logs from its executor threads, so the subscriber is global.
    tracing::subscriber::set_global_default(subscriber).expect("first subscriber");

    let server = serve_tcp();
    let client = Client::new(&server.url).expect("client");
    block_on(client.call_value("echo", vec![Value::Int(1)])).expect("echo");
    let _ = block_on(client.call_value("no.such", vec![]));
    server.stop().expect("serve");

    let text =
        String::from_utf8_lossy(&sink.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    // One record per answer, in the format every transport shares.
    let ok = text
        .lines()
        .find(|l| l.contains("method=echo"))
        .unwrap_or_else(|| panic!("no line for echo in:\n{text}"));
    assert!(
        ok.contains("xml-rpc call") && ok.contains("peer=127.0.0.1:") && ok.contains("status=200"),
        "{ok}"
    );
    let fault = text
        .lines()
        .find(|l| l.contains("method=no.such"))
        .unwrap_or_else(|| panic!("no line for no.such in:\n{text}"));
    assert!(fault.contains("fault=-32601"), "{fault}");
}
