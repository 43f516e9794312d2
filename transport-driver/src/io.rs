//! Reads and writes within the machines' deadlines.

use std::io;
use std::time::Instant;

use bytes::Bytes;
use futures_lite::future::{or, pending};
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

/// A connection's one timer. The deadline a machine reports moves with
/// every request; registering a timer for each would cost two timer
/// operations per call, so the alarm is only ever moved earlier. Firing
/// early is harmless: the machine checks its own deadlines on `Tick` and
/// reports the real one, which the alarm then takes.
pub(crate) struct Alarm<R: Runtime> {
    timer: Option<R::Timer>,
    /// Where the timer is set; `None` once it fired.
    armed: Option<Instant>,
}

impl<R: Runtime> Alarm<R> {
    pub(crate) fn new() -> Self {
        Alarm {
            timer: None,
            armed: None,
        }
    }

    /// Makes sure the alarm goes off no later than `at`.
    fn arm(&mut self, rt: &R, at: Instant) {
        if self.armed.is_some_and(|armed| armed <= at) {
            return;
        }
        self.armed = Some(at);
        match &mut self.timer {
            Some(timer) => R::reset(timer, at),
            None => self.timer = Some(rt.timer(at)),
        }
    }

    /// Completes when the armed time passes.
    async fn rings(&mut self) {
        match (&mut self.timer, self.armed) {
            (Some(timer), Some(_)) => {
                timer.await;
                self.armed = None;
            }
            _ => pending().await,
        }
    }
}

/// Reads once, or waits for `deadline` (on `alarm`); what happened as the
/// machine's input (`Tick` when the alarm came first, `Eof` for a peer that
/// hung up). An I/O error other than a disconnect is returned.
pub(crate) async fn read<'b, R: Runtime>(
    rt: &R,
    io: &mut BoxIo,
    buf: &'b mut [u8],
    alarm: &mut Alarm<R>,
    read: bool,
    deadline: Option<Instant>,
) -> io::Result<Input<'b>> {
    if let Some(at) = deadline {
        alarm.arm(rt, at);
    }
    let outcome = match (read, deadline) {
        (true, Some(_)) => {
            or(async { Some(io.read(buf).await) }, async {
                alarm.rings().await;
                None
            })
            .await
        }
        (true, None) => Some(io.read(buf).await),
        (false, Some(_)) => {
            alarm.rings().await;
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
