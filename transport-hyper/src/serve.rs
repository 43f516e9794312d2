//! [`serve`]: the service on a plain hyper 1.x server, with graceful
//! shutdown and the config's connection settings.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use xmlrpc_proto::http::{ConnectionModel, ServerConfig};

use crate::deadlines::with_deadlines;
use crate::drain::Drain;
use crate::XmlRpcService;

/// Serves `service` on `listener` with hyper (HTTP/1.1, and HTTP/2 for
/// clients that start with its preface) until `shutdown` completes.
///
/// Connection settings come from the service's config: at most
/// `max_connections` at once (the rest wait in the listen backlog; the
/// default cap follows the file-descriptor limit), `head_timeout` for each
/// request head, `idle_timeout` between requests and `write_timeout` for
/// each answer ([`with_deadlines`]; a connection past one closes, without
/// a 408), Nagle off. On shutdown the health path answers 503,
/// connections already waiting in the listen backlog get one request
/// answered, the listener closes, requests in flight are answered with
/// `Connection: close`, idle keep-alive connections close at once (hyper
/// has no drain window), and connections still open after
/// `shutdown_grace` are dropped.
///
/// Connections are tasks on the caller's runtime, as in an axum app: on
/// tokio's multi-threaded runtime an idle worker steals from a busy or
/// descheduled one. Sync handlers run inline must be cheap (register slow
/// ones as blocking: they go to the blocking pool). Connection tasks still
/// running when `serve` returns are aborted, with the handlers under way
/// on them.
///
/// Eviction of slow connections at the cap is our own servers' (a hyper
/// connection cannot be asked whether it is mid-request); behind a
/// framework, put the XML-RPC endpoint behind a proxy that buffers heads.
pub async fn serve(
    listener: TcpListener,
    service: XmlRpcService,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    // One copy, shared by the connections' deadlines.
    let config = Arc::new(service.config().clone());
    let builder = serve_builder(&config);
    let cap = config.connection_cap(ConnectionModel::Tasks, transport_driver::fd_limit());
    let slots = Arc::new(Semaphore::new(cap));
    let drain = Drain::new();
    // Every connection's task: on shutdown `serve` waits for them, and
    // those still open after the grace end with it instead of lingering on
    // the caller's runtime.
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // Ended connections leave the set (it would grow by one per
        // connection ever accepted).
        while connections.try_join_next().is_some() {}
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept:
                    // the listener itself is fine.
                    tracing::debug!(error = %e, "accept failed");
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Answers go out whole; Nagle would only add latency.
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(service.with_peer(peer));
        let (stream, service) = with_deadlines(&config, stream, service);
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let watched = drain.watch(connection);
        connections.spawn(async move {
            if let Err(e) = watched.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    service.drain();
    // Connections already in the listen backlog were made before we
    // stopped: each gets its one request answered, then closes.
    let mut once = serve_builder(&config);
    once.http1().keep_alive(false);
    while let Ok(Ok((stream, peer))) = tokio::time::timeout(Duration::ZERO, listener.accept()).await
    {
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(service.with_peer(peer));
        let (stream, service) = with_deadlines(&config, stream, service);
        let connection = once
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        connections.spawn(async move {
            let _ = connection.await;
        });
    }
    drop(listener);
    drain.start();
    let finished = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(config.shutdown_grace, finished)
        .await
        .is_err()
    {
        tracing::debug!("connections still open after the shutdown grace");
    }
    // Whatever is still open is dropped, with the handlers under way.
    connections.abort_all();
    Ok(())
}

/// [`connection_builder`] without hyper's header timer: [`with_deadlines`]
/// keeps the head deadline, and the idle and write ones hyper lacks.
fn serve_builder(config: &ServerConfig) -> auto::Builder<TokioExecutor> {
    let mut builder = connection_builder(config);
    builder.http1().header_read_timeout(None);
    builder
}

/// hyper's connection builder with [`serve`]'s settings for `config`, for
/// an accept loop of your own: HTTP/1.1 and h2c, title-case header names, a
/// read buffer sized from `max_head_size`, and a head deadline on hyper's
/// one header timer (the smaller of `head_timeout` and `idle_timeout`).
/// `serve` turns that timer off (`.http1().header_read_timeout(None)`) and
/// wraps each connection in [`with_deadlines`] instead: it costs less per
/// request and adds the idle and write deadlines; do the same in your loop
/// for the same behaviour.
pub fn connection_builder(config: &ServerConfig) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        // hyper has one timer for a head, whether the connection is fresh
        // or idle between requests: the smaller of ours. It closes
        // without a 408.
        .header_read_timeout(config.head_timeout.min(config.idle_timeout))
        // `Content-Length`, not `content-length`: old XML-RPC clients
        // match header names by case.
        .title_case_headers(true)
        // hyper's smallest read buffer; our own head limits are the
        // Endpoint's (431).
        .max_buf_size(config.max_head_size.max(8192).saturating_add(64 * 1024));
    builder.http2().timer(TokioTimer::new());
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_head_limit_makes_a_builder() {
        // hyper asserts a read buffer of at least 8 KiB; an overflowing sum
        // would have wrapped below it (or panicked in a debug build).
        let config = ServerConfig {
            max_head_size: usize::MAX,
            ..ServerConfig::default()
        };
        let _ = connection_builder(&config);
        let _ = serve_builder(&config);
    }
}
