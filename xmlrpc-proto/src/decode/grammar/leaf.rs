//! The leaf fast path: a text token and the end tag after it, taken
//! together, so the common `<int>42</int>` is parsed straight from the input.

use super::{same, structure, Frame, Grammar};
use crate::decode::error::Fail;
use crate::decode::text::{append_text, scalar, Scalar};
use crate::decode::Event;
use crate::Value;

/// True when `s` holds `&` or CR (text that needs more than a copy). Most
/// leaf texts are short, where an inline loop beats a memchr call.
#[inline]
fn has_reference_or_cr(s: &[u8]) -> bool {
    if s.len() > 64 {
        return memchr::memchr2(b'&', b'\r', s).is_some();
    }
    s.iter().any(|&b| b == b'&' || b == b'\r')
}

impl Grammar {
    /// A text token directly followed by an end tag. When the end tag
    /// closes the element, the value is made straight from `raw` (for
    /// string values, with references and line ends resolved into one
    /// exact allocation); otherwise this is the same as the two tokens one
    /// after the other.
    #[inline(always)]
    pub(crate) fn leaf(
        &mut self,
        raw: &str,
        at: usize,
        end: &[u8],
        end_at: usize,
    ) -> Result<(), Fail> {
        let fits = self.text.is_empty() && raw.len() <= self.limits.max_text_size;
        let closes = self
            .frames
            .last()
            .is_some_and(|f| f.collects_text() && same(f.tag().name().as_bytes(), end));
        if !(fits && closes) {
            self.text(raw, true, at)?;
            return self.end(end, end_at);
        }
        let mut resolved = None;
        if has_reference_or_cr(raw.as_bytes()) {
            let string_valued = matches!(
                self.frames.last(),
                Some(
                    Frame::Scalar(_, Scalar::String) | Frame::Value { typed: false } | Frame::Name
                )
            );
            if !string_valued {
                self.text(raw, true, at)?;
                return self.end(end, end_at);
            }
            // Resolving only shrinks text, so this fits and is allocated
            // once, straight into the value (no collect-then-copy).
            let mut s = String::with_capacity(raw.len());
            append_text(raw, true, &mut s, self.limits.max_text_size, at)?;
            resolved = Some(s);
        }
        let mut owned = || resolved.take().unwrap_or_else(|| raw.to_owned());
        match self.frames.pop() {
            Some(Frame::Scalar(_, Scalar::String)) => {
                self.pending = Some(Value::String(owned()));
            }
            Some(Frame::Scalar(_, kind)) => {
                self.pending = Some(scalar(kind, raw, &mut self.scratch, self.options, end_at)?);
            }
            Some(Frame::Value { typed: false }) => {
                self.deliver(Value::String(owned()), end_at)?;
            }
            Some(Frame::Name) => {
                if let Some(Frame::Member { name, .. }) = self.frames.last_mut() {
                    *name = Some(owned());
                }
            }
            Some(Frame::MethodName) => {
                // Never empty: a text token holds at least one byte.
                self.events.push_back(Event::MethodName(owned()));
            }
            other => {
                return Err(structure(
                    end_at,
                    format!("internal: leaf fast path on {other:?}"),
                ));
            }
        }
        Ok(())
    }
}
