//! `transport_hyper::serve` runs connections on worker threads of its own
//! (current-thread runtimes), and what is still on them when the shutdown
//! grace is over ends when `serve` returns.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use transport_hyper::XmlRpcService;
use transport_tokio::Client;
use xmlrpc_proto::http::ServerConfig;
use xmlrpc_proto::service::Router;
use xmlrpc_proto::Fault;

/// Sets its flag when dropped: the handler's future was dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn router(dropped: Arc<AtomicBool>) -> Router {
    let mut router = Router::new();
    router.register("thread", || -> Result<String, Fault> {
        Ok(std::thread::current().name().unwrap_or("").to_owned())
    });
    router.register_async("sleep_long", move || {
        let flag = DropFlag(Arc::clone(&dropped));
        async move {
            let _flag = flag;
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<_, Fault>(0)
        }
    });
    router
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_run_on_serves_workers_and_end_with_it() {
    let dropped = Arc::new(AtomicBool::new(false));
    let config = ServerConfig {
        shutdown_grace: Duration::from_millis(300),
        ..ServerConfig::default()
    };
    let service = XmlRpcService::builder(router(Arc::clone(&dropped)))
        .config(config)
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/RPC2", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(transport_hyper::serve(listener, service, async {
        let _ = stopped.await;
    }));

    // Two clients, two connections: each answered on a worker thread.
    for _ in 0..2 {
        let client = Client::new(&url).unwrap();
        let name: String = client.call("thread", ()).await.unwrap();
        assert!(name.starts_with("xmlrpc-hyper-"), "ran on {name:?}");
    }

    // A call that outlives the grace: serve returns after it, and the
    // handler's future is dropped with the workers.
    let slow = Client::new(&url).unwrap();
    let in_flight = tokio::spawn(async move { slow.call::<i32>("sleep_long", ()).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!dropped.load(Ordering::SeqCst), "the call is under way");
    let asked = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("serve returns after the grace")
        .unwrap()
        .unwrap();
    assert!(asked.elapsed() >= Duration::from_millis(300));
    let deadline = Instant::now() + Duration::from_secs(5);
    while !dropped.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "the handler was never dropped");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let answer = tokio::time::timeout(Duration::from_secs(10), in_flight)
        .await
        .expect("the client sees the connection end")
        .unwrap();
    assert!(answer.is_err(), "no answer after the grace: {answer:?}");
}
