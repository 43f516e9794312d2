//! Reading a request body into the core's [`Exchange`], frame by frame,
//! within its deadline.

// A `Reply` is the whole answer to send instead, as in the core's API.
#![allow(clippy::result_large_err)]

use std::pin::Pin;
use std::time::{Duration, Instant};

use std::task::{Context, Poll, Waker};

use bytes::Buf;
use http_body::Body;
use http_body::Frame;
use http_body_util::BodyExt;
use xmlrpc_proto::http::{Call, Exchange, Reply};
use xmlrpc_proto::time::after;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Pushes every data frame of `body` into `exchange` and finishes it: the
/// call to run, or the answer to send instead (a refusal the moment the
/// body breaks a limit, 408 when `body_timeout` passes first, a decode
/// fault). Nothing beyond the refusal is read.
pub(crate) async fn read_call<B>(
    mut exchange: Exchange,
    body: &mut Pin<Box<B>>,
) -> Result<Call, Reply>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    // The timer is made only when a frame is not ready at once: a body
    // that is already in costs no timer.
    let mut timer = None;
    while !body.is_end_stream() {
        let next = match frame_now(body) {
            Some(frame) => frame,
            None => {
                let deadline = exchange.deadline().into();
                let timer =
                    timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                tokio::select! {
                    biased;
                    frame = body.frame() => frame.map(|r| r.map_err(Into::into)),
                    () = timer => return Err(exchange.timed_out()),
                }
            }
        };
        let frame = match next {
            None => break,
            Some(Err(e)) => {
                tracing::debug!(error = %e, "request body failed");
                return Err(exchange.truncated());
            }
            Some(Ok(frame)) => frame,
        };
        push_frame(&mut exchange, frame)?;
    }
    exchange.finish(Instant::now())
}

/// How far [`read_ready`] got without waiting.
pub(crate) enum ReadNow {
    /// The body ended; the exchange has all of it.
    Ended,
    /// The rest is still on its way: [`read_call`] goes on from here.
    Waiting,
    /// The body stream failed (the peer went away mid-body).
    Failed,
}

/// Pushes the frames of `body` that are in already into `exchange`; `Err`
/// is the answer to send instead (a limit broken).
pub(crate) fn read_ready<B>(
    exchange: &mut Exchange,
    body: &mut Pin<Box<B>>,
) -> Result<ReadNow, Reply>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    while !body.is_end_stream() {
        match frame_now(body) {
            None => return Ok(ReadNow::Waiting),
            Some(None) => break,
            Some(Some(Err(e))) => {
                tracing::debug!(error = %e, "request body failed");
                return Ok(ReadNow::Failed);
            }
            Some(Some(Ok(frame))) => push_frame(exchange, frame)?,
        }
    }
    Ok(ReadNow::Ended)
}

/// A frame's data into `exchange` (trailers and other frames carry none).
fn push_frame<D: Buf>(exchange: &mut Exchange, frame: Frame<D>) -> Result<(), Reply> {
    if let Ok(mut data) = frame.into_data() {
        // A `Buf` may be in several pieces.
        while data.has_remaining() {
            let piece = data.chunk();
            let n = piece.len();
            exchange.push(piece)?;
            data.advance(n);
        }
    }
    Ok(())
}

/// After an early answer (a refusal before the body ended), reads and
/// drops what the client still sends for up to `linger`, in the
/// background: a client that writes its whole body before reading then
/// reads the refusal instead of a reset, as with our own servers.
pub(crate) fn linger<B>(mut body: Pin<Box<B>>, linger: Duration)
where
    B: Body + Send + 'static,
    B::Data: Send,
{
    if body.is_end_stream() || linger.is_zero() {
        return;
    }
    let deadline = tokio::time::Instant::from_std(after(std::time::Instant::now(), linger));
    tokio::spawn(async move {
        while let Ok(Some(Ok(_))) = tokio::time::timeout_at(deadline, body.frame()).await {}
    });
}

/// The body's next frame if it is there already (`None` when reading it
/// would wait), without a waker to be woken: the caller then waits with
/// the timer.
fn frame_now<B: Body>(body: &mut Pin<Box<B>>) -> Option<Option<Result<Frame<B::Data>, BoxError>>>
where
    B::Error: Into<BoxError>,
{
    let mut cx = Context::from_waker(Waker::noop());
    match body.as_mut().poll_frame(&mut cx) {
        Poll::Ready(frame) => Some(frame.map(|r| r.map_err(Into::into))),
        Poll::Pending => None,
    }
}
