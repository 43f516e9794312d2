//! One server connection on its own thread: the adapter loop around the
//! core's `ServerConnection`, with handlers run right here.

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use xmlrpc_proto::http::{Input, Output, RequestId, ServerConfig, ServerConnection, ServerEvent};
use xmlrpc_proto::service::{Context, Dispatch, Router};
use xmlrpc_proto::{MethodCall, MethodResponse};

use crate::shutdown::Shared;
use crate::stream::{is_timeout, set_read_timeout_near, Stream};

/// Longest a read blocks before the thread looks at the shutdown flag.
const SHUTDOWN_POLL: Duration = Duration::from_millis(100);
/// How long a closing connection drains what the peer still sends.
const LINGER: Duration = Duration::from_millis(500);

/// What every connection thread shares with the server.
pub(crate) struct ConnectionCtx {
    pub(crate) router: Arc<Router>,
    pub(crate) config: Arc<ServerConfig>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) grace: Duration,
}

/// Serves one connection until the machine closes it, the peer goes away,
/// or shutdown's grace period ends.
pub(crate) fn serve_connection(mut stream: Stream, peer: String, ctx: &ConnectionCtx) {
    let mut conn = ServerConnection::new(Arc::clone(&ctx.config), Instant::now());
    // A peer that stops reading must not pin this thread forever.
    let _ = stream.set_write_timeout(Some(ctx.config.body_timeout));
    let mut buf = vec![0u8; 16 * 1024];
    let mut cutoff: Option<Instant> = None;
    let mut read_timeout = None;
    tracing::debug!(%peer, "connection open");
    loop {
        match conn.poll_output() {
            Output::Transmit(bytes) => {
                if let Err(e) = stream.write_all(&bytes).and_then(|()| stream.flush()) {
                    tracing::debug!(%peer, error = %e, "write failed, closing");
                    break;
                }
            }
            Output::Event(ServerEvent::Call {
                id,
                call,
                head,
                user,
            }) => {
                let context = Context {
                    peer: Some(peer.clone()),
                    headers: head.headers,
                    user,
                };
                answer(&mut conn, &ctx.router, id, call, context, &peer);
            }
            Output::Wait { read, deadline } => {
                if cutoff.is_none() && ctx.shared.stopping() {
                    cutoff = Some(Instant::now() + ctx.grace);
                    read_timeout = None;
                    begin_shutdown(&mut conn, &mut stream, &mut buf);
                    continue;
                }
                if cutoff.is_some_and(|c| Instant::now() >= c) {
                    tracing::warn!(%peer, "grace period over, cutting the connection");
                    break;
                }
                let timeout = &mut read_timeout;
                if wait(&mut conn, &mut stream, timeout, read, deadline, &mut buf).is_err() {
                    break;
                }
            }
            Output::Closed => break,
        }
    }
    stream.close_lingering(LINGER);
    tracing::debug!(%peer, "connection closed");
}

/// Routes `call`, runs its handler on this thread, and hands the answer back.
fn answer(
    conn: &mut ServerConnection,
    router: &Router,
    id: RequestId,
    call: MethodCall,
    context: Context,
    peer: &str,
) {
    let method = call.method.clone();
    let start = Instant::now();
    let response = match router.dispatch(call, context) {
        Dispatch::Ready(response) => response,
        Dispatch::Blocking(job) => job.run(),
        Dispatch::Async(future) => futures_lite::future::block_on(future),
    };
    let fault = match &response {
        MethodResponse::Fault(f) => Some(f.code),
        MethodResponse::Success(_) => None,
    };
    tracing::info!(%peer, %method, ?fault, micros = start.elapsed().as_micros() as u64, "call");
    conn.respond(id, response, Instant::now());
}

/// Picks up bytes already sent (so a request that arrived just before the
/// shutdown is finished, not dropped), then tells the machine to wind down.
fn begin_shutdown(conn: &mut ServerConnection, stream: &mut Stream, buf: &mut [u8]) {
    if stream
        .set_read_timeout(Some(Duration::from_millis(1)))
        .is_ok()
    {
        match stream.read(buf) {
            Ok(0) => conn.handle_input(Input::Eof(Instant::now())),
            Ok(n) => conn.handle_input(Input::Data(Instant::now(), &buf[..n])),
            Err(_) => {}
        }
    }
    conn.shutdown(Instant::now());
}

/// Blocks as the machine asked (in slices, to notice a shutdown) and
/// feeds it what happened. `Err` means the socket is unusable.
fn wait(
    conn: &mut ServerConnection,
    stream: &mut Stream,
    read_timeout: &mut Option<Duration>,
    read: bool,
    deadline: Option<Instant>,
    buf: &mut [u8],
) -> io::Result<()> {
    let now = Instant::now();
    if deadline.is_some_and(|d| d <= now) {
        conn.handle_input(Input::Tick(now));
        return Ok(());
    }
    let slice = deadline
        .map(|d| d.saturating_duration_since(now))
        .map_or(SHUTDOWN_POLL, |left| left.min(SHUTDOWN_POLL));
    if !read {
        std::thread::sleep(slice);
        conn.handle_input(Input::Tick(Instant::now()));
        return Ok(());
    }
    set_read_timeout_near(stream, read_timeout, Some(slice))?;
    match stream.read(buf) {
        Ok(0) => conn.handle_input(Input::Eof(Instant::now())),
        Ok(n) => conn.handle_input(Input::Data(Instant::now(), &buf[..n])),
        // Not an input: the loop comes back here, or ticks at the deadline.
        Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
        Err(e) => {
            tracing::debug!(error = %e, "read failed");
            conn.handle_input(Input::Eof(Instant::now()));
        }
    }
    Ok(())
}
