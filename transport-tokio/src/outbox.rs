//! [`Outbox`]: gathers the `Transmit` chunks of one drain pass into one write.

use std::io;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// Bytes the machine asked us to send, not yet written. A head and a body
/// come out as two chunks; writing them as one keeps it to one syscall and
/// one TCP segment where they fit.
#[derive(Default)]
pub(crate) struct Outbox {
    first: Option<Bytes>,
    joined: BytesMut,
}

impl Outbox {
    /// Queues a chunk.
    pub(crate) fn push(&mut self, chunk: Bytes) {
        if chunk.is_empty() {
            return;
        }
        match self.first.take() {
            None if self.joined.is_empty() => self.first = Some(chunk),
            None => self.joined.extend_from_slice(&chunk),
            Some(first) => {
                self.joined.reserve(first.len() + chunk.len());
                self.joined.extend_from_slice(&first);
                self.joined.extend_from_slice(&chunk);
            }
        }
    }

    /// True when nothing waits to be written.
    pub(crate) fn is_empty(&self) -> bool {
        self.first.is_none() && self.joined.is_empty()
    }

    /// Writes everything queued, then flushes (TLS buffers internally).
    pub(crate) async fn flush<W: AsyncWrite + Unpin>(&mut self, io: &mut W) -> io::Result<()> {
        if self.is_empty() {
            return Ok(());
        }
        if let Some(first) = self.first.take() {
            io.write_all(&first).await?;
        } else {
            io.write_all(&self.joined).await?;
            self.joined.clear();
        }
        io.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn chunks_arrive_in_order_as_one_write() {
        let mut outbox = Outbox::default();
        outbox.push(Bytes::from_static(b"head "));
        outbox.push(Bytes::new());
        outbox.push(Bytes::from_static(b"body "));
        outbox.push(Bytes::from_static(b"tail"));
        let mut sink = Vec::new();
        outbox.flush(&mut sink).await.unwrap();
        assert_eq!(sink, b"head body tail");
        assert!(outbox.is_empty());
        outbox.push(Bytes::from_static(b"again"));
        outbox.flush(&mut sink).await.unwrap();
        assert_eq!(sink, b"head body tailagain");
    }
}
