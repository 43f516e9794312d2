//! Every call is logged through `tracing` with peer, method and fault code.
//! A file of its own: it installs the process-wide subscriber.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::io::Write;
use std::sync::{Arc, Mutex};

use transport_tokio::{Client, Server};
use xmlrpc_proto::service::Router;
use xmlrpc_proto::{Fault, Value};

/// Collects what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_are_logged_with_peer_method_and_fault() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let mut router = Router::new();
    router.register("twice", |n: i32| -> Result<i32, Fault> { Ok(2 * n) });
    let server = Server::builder(Arc::new(router))
        .bind("127.0.0.1:0")
        .unwrap();
    let url = format!("http://{}/RPC2", server.local_addr());
    let stop = server.shutdown_handle();
    let serving = tokio::spawn(server.serve());

    let client = Client::new(&url).unwrap();
    assert_eq!(
        client
            .call_value("twice", vec![Value::Int(21)])
            .await
            .unwrap(),
        Value::Int(42)
    );
    assert!(client.call_value("missing", vec![]).await.is_err());
    stop.shutdown();
    serving.await.unwrap().unwrap();

    let log = captured.text();
    let twice = log.lines().find(|l| l.contains("method=twice"));
    let twice = twice.unwrap_or_else(|| panic!("no log line for twice in:\n{log}"));
    assert!(twice.contains("peer=127.0.0.1:"), "{twice}");
    let missing = log.lines().find(|l| l.contains("method=missing"));
    let missing = missing.unwrap_or_else(|| panic!("no log line for missing in:\n{log}"));
    assert!(missing.contains("fault=-32601"), "{missing}");
}
