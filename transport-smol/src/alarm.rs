//! [`Alarm`]: async-io's movable timer as the driver wants it. smol and
//! async-std both run their timers on async-io.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

/// A movable timer that completes with `()` (async-io's yields the instant).
#[derive(Debug)]
pub struct Alarm(async_io::Timer);

impl Alarm {
    /// An alarm that goes off at `deadline`.
    pub(crate) fn at(deadline: Instant) -> Alarm {
        Alarm(async_io::Timer::at(deadline))
    }

    /// Moves the alarm to `deadline` (also after it went off).
    pub(crate) fn set_at(&mut self, deadline: Instant) {
        self.0.set_at(deadline);
    }
}

impl Future for Alarm {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(drop)
    }
}
