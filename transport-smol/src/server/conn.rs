//! One accepted connection: the adapter loop around a `ServerConnection`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_lite::future;
use futures_lite::io::{AsyncReadExt, AsyncWriteExt};
use xmlrpc_proto::http::{Input, Output, ServerConfig, ServerConnection, ServerEvent};
use xmlrpc_proto::service::{Context, Dispatch, Router};
use xmlrpc_proto::MethodResponse;

use super::signal::Signal;
use crate::outbox::Outbox;
use crate::rt::{self, BoxIo};

/// Read buffer per connection.
const READ_BUF: usize = 16 * 1024;

/// What every connection task of one server shares.
pub(crate) struct Shared {
    pub(crate) router: Arc<Router>,
    pub(crate) config: Arc<ServerConfig>,
    /// Graceful shutdown asked: finish the call in flight, then close.
    pub(crate) shutdown: Arc<Signal>,
    /// The grace period is over: drop the connection wherever it is.
    pub(crate) force: Signal,
    /// Longest a single response write may take.
    pub(crate) write_timeout: Duration,
}

/// What woke the loop while it waited.
enum Wake {
    Read(std::io::Result<usize>),
    Deadline,
    Shutdown,
    Force,
}

/// Drives one connection until the machine closes it or the grace period ends.
pub(crate) async fn serve_connection(mut io: BoxIo, peer: String, shared: Arc<Shared>) {
    let mut conn = ServerConnection::new(shared.config.clone(), Instant::now());
    let mut buf = vec![0u8; READ_BUF];
    let mut outbox = Outbox::default();
    let mut told_shutdown = false;
    tracing::debug!(%peer, "connection opened");
    loop {
        match conn.poll_output() {
            Output::Transmit(bytes) => outbox.push(bytes),
            Output::Event(ServerEvent::Call {
                id,
                call,
                head,
                user,
            }) => {
                // Earlier responses go out before this call runs.
                if !flush(&mut outbox, &mut io, &shared, &peer).await {
                    return;
                }
                let method = call.method.clone();
                let started = Instant::now();
                let ctx = Context {
                    peer: Some(peer.clone()),
                    headers: head.headers,
                    user,
                };
                let Some(response) = run_call(&shared, call, ctx).await else {
                    tracing::warn!(%peer, %method, "call abandoned: shutdown grace period over");
                    return;
                };
                log_call(&peer, &method, &response, started);
                conn.respond(id, response, Instant::now());
            }
            Output::Wait { read, deadline } => {
                if !flush(&mut outbox, &mut io, &shared, &peer).await {
                    return;
                }
                if !told_shutdown && shared.shutdown.is_set() {
                    told_shutdown = true;
                    conn.shutdown(Instant::now());
                    continue;
                }
                let wake = wait(&mut io, &mut buf, read, deadline, told_shutdown, &shared).await;
                let now = Instant::now();
                match wake {
                    Wake::Read(Ok(0)) => conn.handle_input(Input::Eof(now)),
                    Wake::Read(Ok(n)) => conn.handle_input(Input::Data(now, &buf[..n])),
                    Wake::Read(Err(e)) => {
                        tracing::debug!(%peer, error = %e, "read failed");
                        conn.handle_input(Input::Eof(now));
                    }
                    Wake::Deadline => conn.handle_input(Input::Tick(now)),
                    Wake::Shutdown => {
                        told_shutdown = true;
                        conn.shutdown(now);
                    }
                    Wake::Force => return,
                }
            }
            Output::Closed => {
                if flush(&mut outbox, &mut io, &shared, &peer).await {
                    // Best effort: sends TLS close_notify and FIN.
                    let _ = io.close().await;
                    if !told_shutdown {
                        linger(&mut io, &mut buf, &shared).await;
                    }
                }
                tracing::debug!(%peer, "connection closed");
                return;
            }
        }
    }
}

/// After a close with request bytes still coming (a 413 sent without
/// reading the body), reads and discards for a short while: closing a
/// socket with unread data sends a reset, which can destroy the answer
/// before the client reads it. Stops at end of input, after 100 ms without
/// data, after 2 s, after 64 MiB, or when the grace period ends.
async fn linger(io: &mut BoxIo, buf: &mut [u8], shared: &Shared) {
    const QUIET: Duration = Duration::from_millis(100);
    const LIMIT: Duration = Duration::from_secs(2);
    const MAX_BYTES: usize = 64 << 20;
    let end = Instant::now() + LIMIT;
    let mut drained = 0usize;
    while drained < MAX_BYTES {
        let deadline = (Instant::now() + QUIET).min(end);
        let read = rt::with_deadline(Some(deadline), io.read(buf));
        let forced = async {
            shared.force.wait().await;
            None
        };
        match future::or(read, forced).await {
            Some(Ok(n)) if n > 0 => drained += n,
            _ => return,
        }
    }
}

/// Writes queued bytes; false when the connection is beyond saving.
async fn flush(outbox: &mut Outbox, io: &mut BoxIo, shared: &Shared, peer: &str) -> bool {
    let deadline = Instant::now() + shared.write_timeout;
    match outbox.flush(io, deadline).await {
        Ok(()) => true,
        Err(e) => {
            tracing::debug!(%peer, error = %e, "write failed");
            outbox.clear();
            false
        }
    }
}

/// Waits for bytes (when the machine wants them), its deadline, a shutdown
/// request (until passed on) or the end of the grace period.
async fn wait(
    io: &mut BoxIo,
    buf: &mut [u8],
    read: bool,
    deadline: Option<Instant>,
    told_shutdown: bool,
    shared: &Shared,
) -> Wake {
    let read_fut = async {
        if read {
            Wake::Read(io.read(buf).await)
        } else {
            future::pending().await
        }
    };
    let deadline_fut = async {
        rt::sleep_until_opt(deadline).await;
        Wake::Deadline
    };
    let shutdown_fut = async {
        if told_shutdown {
            future::pending::<()>().await;
        }
        shared.shutdown.wait().await;
        Wake::Shutdown
    };
    let force_fut = async {
        shared.force.wait().await;
        Wake::Force
    };
    future::or(
        future::or(read_fut, deadline_fut),
        future::or(shutdown_fut, force_fut),
    )
    .await
}

/// Routes and runs one call; `None` when the grace period ended first.
async fn run_call(
    shared: &Shared,
    call: xmlrpc_proto::MethodCall,
    ctx: Context,
) -> Option<MethodResponse> {
    let response = async {
        match shared.router.dispatch(call, ctx) {
            Dispatch::Ready(response) => response,
            // A slow synchronous handler must not stall the executor.
            Dispatch::Blocking(job) => rt::unblock(move || job.run()).await,
            Dispatch::Async(fut) => fut.await,
        }
    };
    future::or(async { Some(response.await) }, async {
        shared.force.wait().await;
        None
    })
    .await
}

/// One line per call through `tracing`.
fn log_call(peer: &str, method: &str, response: &MethodResponse, started: Instant) {
    let micros = started.elapsed().as_micros() as u64;
    match response {
        MethodResponse::Success(_) => tracing::info!(%peer, %method, micros, "call ok"),
        MethodResponse::Fault(f) => {
            tracing::info!(%peer, %method, micros, code = f.code, fault = %f.message, "call fault")
        }
    }
}
