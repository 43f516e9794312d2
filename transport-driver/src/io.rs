//! Reads and writes within the machines' deadlines.

use std::io;
use std::time::Instant;

use bytes::Bytes;
use futures_lite::io::{AsyncReadExt, AsyncWriteExt};
use xmlrpc_proto::http::{Input, SendFailure};

use crate::runtime::until;
use crate::{BoxIo, Runtime};

/// Size of one socket read.
pub(crate) const READ_CHUNK: usize = 16 * 1024;

/// Writes `chunks` and flushes (TLS holds records back until flushed),
/// all before `deadline`; a timeout is an `io::ErrorKind::TimedOut`.
pub(crate) async fn write_all<R: Runtime>(
    rt: &R,
    io: &mut BoxIo,
    chunks: &mut Vec<Bytes>,
    deadline: Option<Instant>,
) -> io::Result<()> {
    let write = async {
        for chunk in chunks.drain(..) {
            io.write_all(&chunk).await?;
        }
        io.flush().await
    };
    match deadline {
        None => write.await,
        Some(at) => until(rt, at, write).await.unwrap_or_else(|| {
            Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "write deadline passed",
            ))
        }),
    }
}

/// A failed write as the machine's input.
pub(crate) fn send_failed(e: &io::Error) -> Input<'static> {
    Input::SendFailed(Instant::now(), SendFailure::of(e))
}

/// Reads once, or waits for `deadline`; what happened as the machine's
/// input (`Tick` when the deadline came first, `Eof` for a peer that hung
/// up). An I/O error other than a disconnect is returned.
pub(crate) async fn read<'b, R: Runtime>(
    rt: &R,
    io: &mut BoxIo,
    buf: &'b mut [u8],
    read: bool,
    deadline: Option<Instant>,
) -> io::Result<Input<'b>> {
    let outcome = match (read, deadline) {
        (true, Some(at)) => until(rt, at, io.read(buf)).await,
        (true, None) => Some(io.read(buf).await),
        (false, Some(at)) => {
            rt.sleep_until(at).await;
            None
        }
        (false, None) => Some(Ok(0)),
    };
    let now = Instant::now();
    match outcome {
        None => Ok(Input::Tick(now)),
        Some(Ok(0)) => Ok(Input::Eof(now)),
        Some(Ok(n)) => Ok(Input::Data(now, &buf[..n])),
        Some(Err(e)) if xmlrpc_proto::http::is_disconnect(&e) => Ok(Input::Eof(now)),
        Some(Err(e)) => Err(e),
    }
}
