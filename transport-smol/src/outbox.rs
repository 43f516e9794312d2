//! [`Outbox`]: the bytes a machine asked to transmit, written in one go.
//!
//! A machine may hand out a response head and body as separate `Transmit`s;
//! writing them together keeps one segment per message with Nagle off.

use std::io;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use futures_lite::io::{AsyncWrite, AsyncWriteExt};

use crate::rt;

/// Pending `Output::Transmit` bytes, in order.
#[derive(Default)]
pub(crate) struct Outbox {
    parts: Vec<Bytes>,
}

impl Outbox {
    /// Queues bytes from `Output::Transmit`.
    pub(crate) fn push(&mut self, bytes: Bytes) {
        if !bytes.is_empty() {
            self.parts.push(bytes);
        }
    }

    /// Drops whatever is queued (the peer is gone).
    pub(crate) fn clear(&mut self) {
        self.parts.clear();
    }

    /// Writes and flushes everything queued, failing with `TimedOut` when
    /// `deadline` passes first.
    pub(crate) async fn flush<W: AsyncWrite + Unpin + ?Sized>(
        &mut self,
        io: &mut W,
        deadline: Instant,
    ) -> io::Result<()> {
        if self.parts.is_empty() {
            return Ok(());
        }
        let data = if self.parts.len() == 1 {
            self.parts.remove(0)
        } else {
            let len = self.parts.iter().map(Bytes::len).sum();
            let mut joined = BytesMut::with_capacity(len);
            for part in self.parts.drain(..) {
                joined.extend_from_slice(&part);
            }
            joined.freeze()
        };
        let write = async {
            io.write_all(&data).await?;
            io.flush().await
        };
        match rt::with_deadline(Some(deadline), write).await {
            Some(result) => result,
            None => Err(io::Error::new(io::ErrorKind::TimedOut, "write deadline")),
        }
    }
}
