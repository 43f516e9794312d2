//! What `transport_hyper::serve` still runs when the shutdown grace is over
//! (a connection's task, the handler under way on it) ends when `serve`
//! returns, instead of lingering on the caller's runtime.

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
    router.register("ping", || -> Result<String, Fault> {
        Ok("pong".to_owned())
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
async fn connections_open_after_the_grace_end_with_serve() {
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

    // An idle keep-alive connection: closed at once on shutdown.
    let idle = Client::new(&url).unwrap();
    let pong: String = idle.call("ping", ()).await.unwrap();
    assert_eq!(pong, "pong");

    // A call that outlives the grace: serve returns after it, and the
    // handler's future is dropped with its connection's task.
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
