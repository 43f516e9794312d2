//! Graceful shutdown and the connection cap.

use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use xmlrpc_proto::Value;

use super::{assert_echo, client, serve};
use crate::{Adapter, ClientOpts, ServerOpts};

/// Shutdown while 8 calls are in their handlers: every one is answered,
/// with no drain window an idle keep-alive connection does not hold the
/// server up, and the listener is gone afterwards.
pub fn graceful_shutdown_loses_no_call<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.shutdown_grace = Duration::from_secs(10);
    opts.config.drain_timeout = Duration::ZERO;
    let mut fx = serve::<A>(opts);
    let url = fx.server.url.clone();
    let addr = fx.server.local_addr.clone();

    // An idle keep-alive connection: it must be closed, not waited for.
    let idle = client::<A>(&url, &ClientOpts::default());
    assert_echo(idle.as_ref(), Value::Int(0));

    let calls: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            thread::spawn(move || {
                let client = client::<A>(&url, &ClientOpts::default());
                client.call_value("suite.sleep", vec![Value::Int(700)])
            })
        })
        .collect();
    assert!(
        fx.state.wait_sleeping(8, Duration::from_secs(10)),
        "calls never started"
    );

    let start = Instant::now();
    fx.server.trigger_shutdown();
    for call in calls {
        let result = call.join().map(|r| r.ok());
        assert_eq!(
            result.ok().flatten(),
            Some(Value::Int(700)),
            "an accepted call was lost"
        );
    }
    fx.server.stop();
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "shutdown took {took:?}");
    assert!(
        TcpStream::connect(&addr).is_err(),
        "still accepting after shutdown"
    );
}

/// A handler that outlives the grace period does not keep `serve` running
/// much past it.
pub fn shutdown_grace_is_bounded<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.shutdown_grace = Duration::from_millis(300);
    let mut fx = serve::<A>(opts);
    let url = fx.server.url.clone();
    let stuck = thread::spawn(move || {
        let client = client::<A>(&url, &ClientOpts::default());
        let _ = client.call_value("suite.sleep", vec![Value::Int(3000)]);
    });
    assert!(
        fx.state.wait_sleeping(1, Duration::from_secs(5)),
        "call never started"
    );
    let start = Instant::now();
    fx.server.trigger_shutdown();
    fx.server.stop();
    let took = start.elapsed();
    assert!(
        took < Duration::from_millis(2500),
        "serve outlived its grace: {took:?}"
    );
    let _ = stuck.join();
}

/// With `max_connections` = 2 and both slots held, a third client's call
/// waits in the accept backlog and is answered once a slot frees up (not
/// before), and the server serves normally afterwards.
pub fn connection_cap_is_enforced<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.max_connections = Some(2);
    let fx = serve::<A>(opts);
    let url = fx.server.url.clone();
    let holders: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            thread::spawn(move || {
                let client = client::<A>(&url, &ClientOpts::default());
                client.call_value("suite.sleep", vec![Value::Int(800)])
            })
        })
        .collect();
    assert!(
        fx.state.wait_sleeping(2, Duration::from_secs(5)),
        "holders never started"
    );
    let opts = ClientOpts {
        timeout: Some(Duration::from_secs(5)),
        ..ClientOpts::default()
    };
    let third = client::<A>(&url, &opts);
    let start = Instant::now();
    let result = third.call_value("echo", vec![Value::Int(3)]);
    let took = start.elapsed();
    // Over the cap the connection waits in the backlog and is served once
    // a holder is done (their handlers sleep 800 ms): never refused, never
    // served beside them.
    assert_eq!(result.ok(), Some(Value::Int(3)), "[{}] third call", A::NAME);
    assert!(
        took >= Duration::from_millis(300),
        "[{}] served beyond the cap after {took:?}",
        A::NAME
    );
    for holder in holders {
        let result = holder.join().map(|r| r.ok());
        assert_eq!(result.ok().flatten(), Some(Value::Int(800)));
    }
    let after = client::<A>(&url, &ClientOpts::default());
    assert_echo(after.as_ref(), Value::Int(4));
}

/// Shutdown while 16 clients call in a tight loop: every call the server
/// ran was answered (client successes equal the server's count), and the
/// clients see clean errors afterwards, never a hang.
pub fn shutdown_under_load_answers_every_handled_call<A: Adapter>() {
    use std::sync::atomic::Ordering;

    let mut fx = serve::<A>(ServerOpts::default());
    let url = fx.server.url.clone();
    let opts = ClientOpts {
        timeout: Some(Duration::from_secs(5)),
        ..ClientOpts::default()
    };
    let callers: Vec<_> = (0..16)
        .map(|_| {
            let (url, opts) = (url.clone(), opts.clone());
            thread::spawn(move || {
                let Ok(client) = A::client(&url, &opts) else {
                    return 0usize;
                };
                let mut answered = 0;
                while client.call_value("suite.count", vec![]).is_ok() {
                    answered += 1;
                }
                answered
            })
        })
        .collect();
    let start = Instant::now();
    while fx.state.counted.load(Ordering::SeqCst) < 1000 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "calls never flowed"
        );
        thread::sleep(Duration::from_millis(5));
    }
    fx.server.trigger_shutdown();
    let answered: usize = callers.into_iter().map(|c| c.join().unwrap_or(0)).sum();
    fx.server.stop();
    let ran = fx.state.counted.load(Ordering::SeqCst);
    assert_eq!(
        answered, ran,
        "the server ran {ran} calls but answered {answered}"
    );
}

/// On graceful shutdown an idle keep-alive connection gets the drain window
/// for one more call (a balancer may have sent it already): that call is
/// answered, on the same connection (the listener is closed by then), and
/// the connection closes; `serve` returns once the window passed, not
/// before the call and not much after the window.
pub fn an_idle_connection_drains_one_more_call_after_shutdown<A: Adapter>() {
    let mut opts = ServerOpts::default();
    opts.config.drain_timeout = Duration::from_millis(1500);
    let mut fx = serve::<A>(opts);
    let pooled = client::<A>(&fx.server.url, &ClientOpts::default());
    assert_echo(pooled.as_ref(), Value::Int(1));
    let started = Instant::now();
    fx.server.trigger_shutdown();
    thread::sleep(Duration::from_millis(300));
    // New connections are refused now; the idle one still answers.
    let fresh = client::<A>(
        &fx.server.url,
        &ClientOpts {
            timeout: Some(Duration::from_secs(2)),
            ..ClientOpts::default()
        },
    );
    assert!(
        fresh.call_value("echo", vec![Value::Int(2)]).is_err(),
        "[{}] a new connection after shutdown",
        A::NAME
    );
    assert_echo(pooled.as_ref(), Value::Int(3));
    fx.server.stop();
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "[{}] serve outlived the drain window: {took:?}",
        A::NAME
    );
}
