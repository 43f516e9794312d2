//! One accepted connection: the server side's drain loop.

use std::time::Instant;

use bytes::Bytes;
use futures_lite::future::{or, pending};
use futures_lite::io::AsyncWriteExt;
use xmlrpc_proto::http::{Input, Output, ServerConnection, ServerEvent, Ticket};

use crate::io::{read, send_failed, write_all, Alarm, READ_CHUNK};
use crate::server::{Shared, Signal, Stop};
use crate::{jobs, log, BoxIo, Runtime};

/// What woke a waiting connection.
enum Woke<'b> {
    Input(std::io::Result<Input<'b>>),
    Shutdown,
    /// Evicted for a newcomer at the connection cap.
    Evicted,
}

/// Serves one connection until the machine closes it. On shutdown the
/// machine finishes the call in flight, then closes; `kick` is set when
/// the connection was evicted (the machine then closes at its next input).
pub(crate) async fn serve<R: Runtime>(
    rt: &R,
    io: BoxIo,
    peer: Option<String>,
    shared: &Shared,
    stop: &Stop,
    (ticket, kick): (Ticket, &Signal),
) {
    let mut on_kick = kick.listen();
    if kick.is_set() {
        return;
    }
    #[cfg(feature = "tls")]
    let io = match &shared.tls {
        Some(acceptor) => {
            let deadline =
                xmlrpc_proto::time::after(Instant::now(), shared.config.tls_handshake_timeout);
            // Evicted mid-handshake: nothing was asked yet, just drop it.
            let handshake = or(
                async { crate::runtime::until(rt, deadline, acceptor.accept(io)).await },
                async {
                    (&mut on_kick).await;
                    None
                },
            );
            match handshake.await {
                Some(Ok(tls)) => Box::new(tls) as BoxIo,
                Some(Err(e)) => {
                    tracing::debug!(?peer, error = %e, "TLS handshake failed");
                    return;
                }
                None => {
                    tracing::debug!(?peer, "TLS handshake timed out");
                    return;
                }
            }
        }
        None => io,
    };
    let mut io = io;
    let (config, now) = (shared.config.clone(), Instant::now());
    let mut conn = if shared.scgi {
        ServerConnection::admitted_scgi(config, ticket, peer, now)
    } else {
        ServerConnection::admitted(config, ticket, peer, now)
    };
    let mut buf = vec![0u8; READ_CHUNK];
    let mut sending: Vec<Bytes> = Vec::new();
    let mut stopping = false;
    let mut evicted = false;
    let mut alarm = Alarm::new();
    // Registered once for the connection's life, not once per wait: every
    // connection listening on the one shutdown event would contend for it
    // on every request. The flag is checked before each wait, so a
    // notification that came before this listener is not missed.
    let mut on_stop = stop.stopping.listen();
    loop {
        match conn.poll_output() {
            Output::Transmit(bytes) => sending.push(bytes),
            Output::Event(ServerEvent::Call { id, call, context }) => {
                // Answers to earlier pipelined calls go out before this one runs.
                if !flush(rt, &mut io, &mut sending, &mut conn).await {
                    continue;
                }
                let response = jobs::run(rt, shared.router.dispatch(call, context)).await;
                conn.respond(id, response, Instant::now());
            }
            Output::Event(ServerEvent::Answered(record)) => log::call(&record),
            Output::Wait {
                read: wants,
                deadline,
            } => {
                if !flush(rt, &mut io, &mut sending, &mut conn).await {
                    continue;
                }
                if !stopping && stop.stopping.is_set() {
                    stopping = true;
                    conn.shutdown(Instant::now());
                    continue;
                }
                let woke = or(
                    async {
                        Woke::Input(read(rt, &mut io, &mut buf, &mut alarm, wants, deadline).await)
                    },
                    or(
                        async {
                            if stopping {
                                pending::<()>().await;
                            }
                            (&mut on_stop).await;
                            Woke::Shutdown
                        },
                        async {
                            if evicted {
                                pending::<()>().await;
                            }
                            (&mut on_kick).await;
                            Woke::Evicted
                        },
                    ),
                )
                .await;
                match woke {
                    Woke::Input(Ok(input)) => conn.handle_input(input),
                    Woke::Input(Err(e)) => {
                        tracing::debug!(error = %e, "read failed");
                        conn.handle_input(Input::Eof(Instant::now()));
                    }
                    Woke::Shutdown => {
                        stopping = true;
                        conn.shutdown(Instant::now());
                    }
                    Woke::Evicted => {
                        evicted = true;
                        conn.handle_input(Input::Tick(Instant::now()));
                    }
                }
            }
            Output::Closed => {
                let _ = flush(rt, &mut io, &mut sending, &mut conn).await;
                break;
            }
        }
    }
    // Close politely (TLS close_notify, TCP FIN); the peer may be gone.
    let _ = io.close().await;
}

/// Writes what the machine queued within its write deadline; a failure is
/// the machine's input (it closes). False when the write failed.
async fn flush<R: Runtime>(
    rt: &R,
    io: &mut BoxIo,
    sending: &mut Vec<Bytes>,
    conn: &mut ServerConnection,
) -> bool {
    if sending.is_empty() {
        return true;
    }
    match write_all(rt, io, sending, conn.write_deadline()).await {
        Ok(()) => {
            conn.transmitted(Instant::now());
            true
        }
        Err(e) => {
            sending.clear();
            tracing::debug!(error = %e, "write failed");
            conn.handle_input(send_failed(&e));
            false
        }
    }
}
