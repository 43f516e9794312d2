//! One accepted connection: the adapter loop of the server side.

use std::future::pending;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;
use xmlrpc_proto::http::{Input, Output, ServerConfig, ServerConnection, ServerEvent};
use xmlrpc_proto::service::{Context, Dispatch, Router};
use xmlrpc_proto::{fault_code, Fault, MethodCall, MethodResponse};

use crate::outbox::Outbox;
use crate::stream::Stream;

/// Size of one socket read.
const READ_CHUNK: usize = 16 * 1024;

/// What a connection task needs besides its socket.
pub(crate) struct Shared {
    pub(crate) router: Arc<Router>,
    pub(crate) config: Arc<ServerConfig>,
    /// Bound on writing one batch of output: a peer that stops reading
    /// must not hold the connection (and its slot) forever.
    pub(crate) write_timeout: Duration,
}

/// What woke a waiting connection.
enum Woke {
    Read(io::Result<usize>),
    Deadline,
    Shutdown,
    Nothing,
}

/// Serves one connection until the machine closes it or I/O fails. On the
/// shutdown signal the machine finishes the call in flight, then closes.
pub(crate) async fn serve(
    mut stream: Stream,
    peer: Option<String>,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conn = ServerConnection::new(shared.config.clone(), Instant::now());
    let mut outbox = Outbox::default();
    let mut buf = vec![0u8; READ_CHUNK];
    let mut stopping = false;
    loop {
        match conn.poll_output() {
            Output::Transmit(bytes) => outbox.push(bytes),
            Output::Event(ServerEvent::Call {
                id,
                call,
                head,
                user,
            }) => {
                // Answers to earlier pipelined calls go out before this one runs.
                if let Err(e) = write(&mut outbox, &mut stream, shared.write_timeout).await {
                    tracing::debug!(?peer, error = %e, "write failed; dropping connection");
                    return;
                }
                let ctx = Context {
                    peer: peer.clone(),
                    headers: head.headers,
                    user,
                };
                let response = run(&shared.router, call, ctx).await;
                conn.respond(id, response, Instant::now());
            }
            Output::Wait { read, deadline } => {
                if let Err(e) = write(&mut outbox, &mut stream, shared.write_timeout).await {
                    tracing::debug!(?peer, error = %e, "write failed; dropping connection");
                    return;
                }
                if !stopping && *shutdown.borrow() {
                    stopping = true;
                    conn.shutdown(Instant::now());
                    continue;
                }
                let sleep = async {
                    match deadline {
                        Some(at) => tokio::time::sleep_until(at.into()).await,
                        None => pending().await,
                    }
                };
                let woke = tokio::select! {
                    r = stream.read(&mut buf), if read => Woke::Read(r),
                    _ = sleep, if deadline.is_some() => Woke::Deadline,
                    _ = shutdown.changed(), if !stopping => Woke::Shutdown,
                    else => Woke::Nothing,
                };
                let now = Instant::now();
                match woke {
                    Woke::Read(Ok(0)) => conn.handle_input(Input::Eof(now)),
                    Woke::Read(Ok(n)) => conn.handle_input(Input::Data(now, &buf[..n])),
                    Woke::Read(Err(e)) => {
                        tracing::debug!(?peer, error = %e, "read failed");
                        conn.handle_input(Input::Eof(now));
                    }
                    Woke::Deadline => conn.handle_input(Input::Tick(now)),
                    Woke::Shutdown => {
                        stopping = true;
                        conn.shutdown(now);
                    }
                    // Nothing to wait for: the machine is done with us.
                    Woke::Nothing => break,
                }
            }
            Output::Closed => {
                let _ = write(&mut outbox, &mut stream, shared.write_timeout).await;
                break;
            }
        }
    }
    // Close politely (TLS close_notify, TCP FIN); the peer may be gone.
    let _ = stream.shutdown().await;
}

/// Writes what the machine queued, within `limit`.
async fn write(outbox: &mut Outbox, stream: &mut Stream, limit: Duration) -> io::Result<()> {
    if outbox.is_empty() {
        return Ok(());
    }
    match tokio::time::timeout(limit, outbox.flush(stream)).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "peer did not read the response in time",
        )),
    }
}

/// Routes one call and runs its handler the tokio way: blocking handlers on
/// the blocking pool, async ones on this task.
async fn run(router: &Router, call: MethodCall, ctx: Context) -> MethodResponse {
    let started = Instant::now();
    let method = call.method.clone();
    let peer = ctx.peer.clone();
    let response = match router.dispatch(call, ctx) {
        Dispatch::Ready(response) => response,
        Dispatch::Blocking(job) => match tokio::task::spawn_blocking(move || job.run()).await {
            Ok(response) => response,
            Err(e) => MethodResponse::Fault(Fault::new(
                fault_code::INTERNAL_ERROR,
                format!("handler failed: {e}"),
            )),
        },
        Dispatch::Async(future) => future.await,
    };
    let fault = match &response {
        MethodResponse::Fault(f) => Some(f.code),
        MethodResponse::Success(_) => None,
    };
    tracing::info!(
        peer = %peer.as_deref().unwrap_or("-"),
        method = %method,
        fault,
        micros = started.elapsed().as_micros() as u64,
        "xml-rpc call"
    );
    response
}
