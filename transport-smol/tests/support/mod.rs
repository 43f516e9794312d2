//! Helpers shared by this crate's integration tests (runtime-agnostic, so
//! they run under `--features async-std` too).

#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::thread;
use std::time::Duration;

use transport_smol::{block_on, Server, ShutdownHandle};
use xmlrpc_proto::service::Router;
use xmlrpc_proto::{Fault, Value};

/// A router with `echo` (sync, inline), `nap` (sync, sleeps N ms:
/// registered as blocking) and `async_echo`.
pub fn router() -> Arc<Router> {
    let mut router = Router::new();
    router.register_raw("echo", |params: Vec<Value>| -> Result<Value, Fault> {
        Ok(params.into_iter().next().unwrap_or(Value::Nil))
    });
    router.register_blocking("nap", |ms: u64| -> Result<u64, Fault> {
        thread::sleep(Duration::from_millis(ms));
        Ok(ms)
    });
    router.register_async("async_echo", |s: String| async move { Ok::<_, Fault>(s) });
    Arc::new(router)
}

/// A server on its own thread; `stop` shuts it down and waits for `serve`.
pub struct Running {
    pub url: String,
    pub handle: ShutdownHandle,
    pub thread: Option<thread::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    pub fn start(server: Server, url: String) -> Running {
        let handle = server.shutdown_handle();
        let thread = Some(thread::spawn(move || block_on(server.serve())));
        Running {
            url,
            handle,
            thread,
        }
    }

    pub fn stop(mut self) -> std::io::Result<()> {
        self.handle.shutdown();
        match self.thread.take() {
            Some(t) => t.join().expect("serve thread panicked"),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.handle.shutdown();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves `router()` on 127.0.0.1.
pub fn serve_tcp() -> Running {
    let server = Server::builder(router())
        .bind("127.0.0.1:0")
        .expect("bind 127.0.0.1:0");
    let url = format!("http://{}/RPC2", server.local_addr());
    Running::start(server, url)
}

/// A boxed future, for lists of different async blocks.
pub type Job<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Polls all futures on the current task until each is done, in order.
pub async fn join_all<T>(futures: Vec<Job<T>>) -> Vec<T> {
    let mut futures: Vec<_> = futures.into_iter().map(Some).collect();
    let mut results: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut pending = false;
        for (slot, result) in futures.iter_mut().zip(results.iter_mut()) {
            if let Some(fut) = slot {
                match fut.as_mut().poll(cx) {
                    Poll::Ready(v) => {
                        *result = Some(v);
                        *slot = None;
                    }
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(results.iter_mut().filter_map(Option::take).collect())
        }
    })
    .await
}
