//! A small load generator: `factorial(10)` calls per second.
//!
//! `cargo run --release -p transport-std --example load -- [URL] [CONNECTIONS] [SECONDS]`
//!
//! Without a URL it serves factorial from an in-process std server. With
//! one connection the calls are sequential (client speed); with more, each
//! connection is a thread with its own keep-alive client (server speed).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use transport_std::xmlrpc_proto::service::Router;
use transport_std::xmlrpc_proto::Fault;
use transport_std::{Client, Server};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url_arg = args.first().filter(|a| a.contains("://")).cloned();
    let rest = &args[usize::from(url_arg.is_some())..];
    let connections: usize = rest.first().map_or(Ok(1), |s| s.parse())?;
    let seconds: u64 = rest.get(1).map_or(Ok(3), |s| s.parse())?;

    let mut local = None;
    let url = match url_arg {
        Some(url) => url,
        None => {
            let mut router = Router::new();
            router.register("factorial", |n: i64| {
                Ok::<_, Fault>((1..=n.clamp(0, 20)).product::<i64>())
            });
            let server = Server::builder(Arc::new(router)).bind("127.0.0.1:0")?;
            let url = format!("http://{}/RPC2", server.local_addr());
            let handle = server.shutdown_handle();
            local = Some((handle, thread::spawn(move || server.serve())));
            url
        }
    };

    let calls = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..connections.max(1))
        .map(|_| {
            let (url, calls, stop) = (url.clone(), Arc::clone(&calls), Arc::clone(&stop));
            thread::spawn(move || -> Result<(), String> {
                let client = Client::new(&url).map_err(|e| e.to_string())?;
                while !stop.load(Ordering::Relaxed) {
                    let n: i64 = client.call("factorial", (10,)).map_err(|e| e.to_string())?;
                    assert_eq!(n, 3_628_800);
                    calls.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    let start = Instant::now();
    thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        if let Ok(Err(e)) = worker.join() {
            eprintln!("a connection failed: {e}");
        }
    }
    let total = calls.load(Ordering::Relaxed);
    let rate = total as f64 / start.elapsed().as_secs_f64();
    println!("{url}: {connections} connection(s), {total} calls, {rate:.0} calls/s");
    if let Some((handle, serving)) = local {
        handle.shutdown();
        let _ = serving.join();
    }
    Ok(())
}
