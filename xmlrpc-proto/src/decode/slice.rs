//! The whole-slice fast path: a message held in one slice, read by
//! recursive descent over the tags XML-RPC expects, in place of lexing
//! every tag and running the grammar's state machine on it.
//!
//! [`decode_call_with`](super::decode_call_with) and the
//! `decode_response*` functions try it first. It reads a strict subset of
//! what the push decoder reads: UTF-8 (no byte-order mark, no declaration
//! but the canonical ones), tags written exactly as the encoder writes them
//! (no attributes, no whitespace inside tags, no self-closing tags but
//! `<nil/>`), whitespace between elements, references only in string text.
//! For anything else (a comment, CDATA, another encoding, a reference in a
//! number, nesting deeper than [`MAX_NESTING`], any limit reached, any
//! error) it gives up with `None`, and the caller decodes the same bytes
//! with the push decoder from the start. So every error, with its kind and
//! position, comes from the push decoder, and whatever this path returns is
//! what the push decoder returns for the same bytes (the `fast_path` tests
//! and the `decode_whole` fuzz target compare the two).
//!
//! No scratch memory comes from the heap: each container stages its first
//! [`STAGED`] values on the stack and moves them into one allocation of
//! exact size when it closes. A message whose arrays, structs and params
//! hold at most that many values each therefore allocates its decoded
//! values and nothing else, each once; a larger container takes one more,
//! growing, allocation for the rest while it is read (as do a `<base64>`
//! with whitespace inside and a struct of more than 16 members, checked for
//! duplicate names by sorting).

use memchr::memchr;

use super::encoding::CANONICAL;
use super::fault::fault_from;
use super::tag::{Kind, Tag};
use super::text::{all_ws, append_text, check_chars, is_ws, scalar, Scalar};
use super::{DecodeOptions, Limits};
use crate::{MethodCall, MethodResponse, Struct, Value};

/// Containers nest at most this deep on this path (it recurses once per
/// level); deeper messages go to the push decoder, which does not recurse.
pub(crate) const MAX_NESTING: usize = 32;

/// Values of one container staged on the stack before it closes.
pub(crate) const STAGED: usize = 8;

/// Struct members checked for duplicate names by a linear scan; larger
/// structs are checked by sorting their names.
const LINEAR_MEMBERS: usize = 16;

/// Reads a whole `<methodCall>`; `None` sends it to the push decoder.
pub(crate) fn call(bytes: &[u8], limits: Limits, options: DecodeOptions) -> Option<MethodCall> {
    let mut r = Reader::new(bytes, limits, options)?;
    r.expect_open(b"<methodCall>")?;
    r.ws();
    r.expect_open(b"<methodName>")?;
    let raw = r.raw_text()?;
    if raw.is_empty() {
        return None;
    }
    let method = r.string(raw)?;
    r.expect(b"</methodName>")?;
    r.ws();
    let mut params = Staged::new();
    if r.open(b"<params>")? {
        loop {
            r.ws();
            if !r.open(b"<param>")? {
                break;
            }
            if params.len >= limits.max_params {
                return None;
            }
            params.push(r.param()?);
        }
        r.expect(b"</params>")?;
        r.ws();
    }
    r.expect(b"</methodCall>")?;
    r.end()?;
    Some(MethodCall::new(method, params.into_vec()))
}

/// Reads a whole `<methodResponse>`; `None` sends it to the push decoder.
pub(crate) fn response(
    bytes: &[u8],
    limits: Limits,
    options: DecodeOptions,
) -> Option<MethodResponse> {
    let mut r = Reader::new(bytes, limits, options)?;
    r.expect_open(b"<methodResponse>")?;
    r.ws();
    let response = if r.open(b"<params>")? {
        r.ws();
        r.expect_open(b"<param>")?;
        if limits.max_params == 0 {
            return None;
        }
        let value = r.param()?;
        r.ws();
        r.expect(b"</params>")?;
        MethodResponse::Success(value)
    } else {
        r.expect_open(b"<fault>")?;
        r.ws();
        r.expect_open(b"<value>")?;
        let value = r.value(0)?;
        r.ws();
        r.expect(b"</fault>")?;
        MethodResponse::Fault(fault_from(value, 0).ok()?)
    };
    r.ws();
    r.expect(b"</methodResponse>")?;
    r.end()?;
    Some(response)
}

/// True when `s` holds `&` or CR: text that needs more than a copy.
#[inline]
fn needs_resolving(s: &[u8]) -> bool {
    if s.len() > 64 {
        return memchr::memchr2(b'&', b'\r', s).is_some();
    }
    s.iter().any(|&b| b == b'&' || b == b'\r')
}

/// The recursive-descent reader over one message.
struct Reader<'a> {
    /// The whole message, checked once for UTF-8 and XML's characters.
    text: &'a str,
    pos: usize,
    limits: Limits,
    options: DecodeOptions,
    /// Start tags read so far (`Limits::max_elements`).
    elements: usize,
}

impl<'a> Reader<'a> {
    /// A reader past the prolog (a canonical declaration and whitespace).
    fn new(bytes: &'a [u8], limits: Limits, options: DecodeOptions) -> Option<Self> {
        if bytes.len() > limits.max_message_size {
            return None;
        }
        let text = check_chars(bytes, 0).ok()?;
        let mut r = Reader {
            text,
            pos: 0,
            limits,
            options,
            elements: 0,
        };
        if bytes.starts_with(b"<?") {
            r.pos = CANONICAL.iter().find(|d| bytes.starts_with(d))?.len();
        }
        r.ws();
        Some(r)
    }

    #[inline(always)]
    fn rest(&self) -> &'a [u8] {
        self.text.as_bytes().get(self.pos..).unwrap_or_default()
    }

    /// Skips XML whitespace.
    #[inline(always)]
    fn ws(&mut self) {
        let skipped = self.rest().iter().take_while(|&&b| is_ws(b)).count();
        self.pos += skipped;
    }

    /// Consumes `lit` if the input goes on with it.
    #[inline(always)]
    fn eat(&mut self, lit: &[u8]) -> bool {
        let found = self.rest().starts_with(lit);
        if found {
            self.pos += lit.len();
        }
        found
    }

    /// Consumes `lit` or gives up.
    #[inline(always)]
    fn expect(&mut self, lit: &[u8]) -> Option<()> {
        self.eat(lit).then_some(())
    }

    /// Counts a start tag against `max_elements`.
    #[inline(always)]
    fn count(&mut self) -> Option<()> {
        self.elements += 1;
        (self.elements <= self.limits.max_elements).then_some(())
    }

    /// Consumes the start tag `tag` if it comes next (`Some(false)` if
    /// not); `None` past `max_elements`.
    #[inline(always)]
    fn open(&mut self, tag: &[u8]) -> Option<bool> {
        if !self.eat(tag) {
            return Some(false);
        }
        self.count()?;
        Some(true)
    }

    /// Consumes the start tag `tag` or gives up.
    #[inline(always)]
    fn expect_open(&mut self, tag: &[u8]) -> Option<()> {
        self.open(tag)?.then_some(())
    }

    /// Only whitespace may follow the root.
    fn end(&mut self) -> Option<()> {
        self.ws();
        (self.pos == self.text.len()).then_some(())
    }

    /// The raw text up to the next `<`, which must come.
    #[inline(always)]
    fn raw_text(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        // Most texts are short: an inline loop beats a memchr call.
        let len = match rest.iter().take(32).position(|&b| b == b'<') {
            Some(i) => i,
            None => memchr(b'<', rest)?,
        };
        let start = self.pos;
        self.pos += len;
        // Both ends are at ASCII bytes, so on character boundaries.
        self.text.get(start..self.pos)
    }

    /// String text, references and line ends resolved, in one allocation.
    #[inline]
    fn string(&self, raw: &str) -> Option<String> {
        if raw.len() > self.limits.max_text_size {
            return None;
        }
        if !needs_resolving(raw.as_bytes()) {
            return Some(raw.to_owned());
        }
        // Resolving only shrinks text, so this capacity suffices.
        let mut s = String::with_capacity(raw.len());
        append_text(raw, true, &mut s, self.limits.max_text_size, 0).ok()?;
        Some(s)
    }

    /// After `<param>`: its value, through `</param>`.
    fn param(&mut self) -> Option<Value> {
        self.ws();
        self.expect_open(b"<value>")?;
        let value = self.value(0)?;
        self.ws();
        self.expect(b"</param>")?;
        Some(value)
    }

    /// After `<value>`: the value, through `</value>`. `depth` counts the
    /// containers around it.
    fn value(&mut self, depth: usize) -> Option<Value> {
        let raw = self.raw_text()?;
        if self.eat(b"</value>") {
            return Some(Value::String(self.string(raw)?));
        }
        if !all_ws(raw.as_bytes()) {
            return None;
        }
        let value = self.typed(depth)?;
        self.ws();
        self.expect(b"</value>")?;
        Some(value)
    }

    /// The typed element that starts here, through its end tag.
    fn typed(&mut self, depth: usize) -> Option<Value> {
        let rest = self.rest();
        let name_len = rest
            .iter()
            .skip(1)
            .take(20)
            .position(|&b| b == b'>' || b == b'/')?;
        let tag = Tag::parse(rest.get(1..1 + name_len)?, 0).ok()?;
        let kind = tag.kind();
        self.count()?;
        if rest.get(1 + name_len) == Some(&b'/') {
            // Only `<nil/>` is read here.
            if !matches!(kind, Kind::Nil) || rest.get(2 + name_len) != Some(&b'>') {
                return None;
            }
            self.pos += name_len + 3;
            return Some(Value::Nil);
        }
        self.pos += name_len + 2;
        let value = match kind {
            Kind::Scalar(Scalar::String) => {
                let raw = self.raw_text()?;
                Value::String(self.string(raw)?)
            }
            Kind::Scalar(kind) => {
                let raw = self.raw_text()?;
                if raw.len() > self.limits.max_text_size || needs_resolving(raw.as_bytes()) {
                    return None;
                }
                // Stays empty (no allocation) unless base64 holds whitespace.
                let mut scratch = Vec::new();
                scalar(kind, raw, &mut scratch, self.options, 0).ok()?
            }
            Kind::Nil => Value::Nil,
            Kind::Struct => {
                self.nest(depth)?;
                self.members(depth + 1)?
            }
            Kind::Array => {
                self.nest(depth)?;
                self.items(depth + 1)?
            }
            Kind::Other => return None,
        };
        // `</name>`
        let name = tag.name().as_bytes();
        let rest = self.rest();
        let closes = rest.starts_with(b"</")
            && rest.get(2..2 + name.len()) == Some(name)
            && rest.get(2 + name.len()) == Some(&b'>');
        if !closes {
            return None;
        }
        self.pos += name.len() + 3;
        Some(value)
    }

    /// May a container open inside `depth` others?
    #[inline]
    fn nest(&self, depth: usize) -> Option<()> {
        (depth < self.limits.max_depth && depth < MAX_NESTING).then_some(())
    }

    /// After `<struct>`: its members, up to `</struct>`.
    fn members(&mut self, depth: usize) -> Option<Value> {
        let mut staged: Staged<(String, Value)> = Staged::new();
        loop {
            self.ws();
            if !self.open(b"<member>")? {
                break;
            }
            self.ws();
            self.expect_open(b"<name>")?;
            let raw = self.raw_text()?;
            let name = self.string(raw)?;
            self.expect(b"</name>")?;
            self.ws();
            self.expect_open(b"<value>")?;
            let value = self.value(depth)?;
            self.ws();
            self.expect(b"</member>")?;
            if staged.len < LINEAR_MEMBERS && staged.iter().any(|(n, _)| *n == name) {
                return None;
            }
            staged.push((name, value));
        }
        let members = staged.into_vec();
        if members.len() > LINEAR_MEMBERS {
            let mut names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
            names.sort_unstable();
            if names.windows(2).any(|w| w.first() == w.get(1)) {
                return None;
            }
        }
        Some(Value::Struct(Struct::from_unique(members)))
    }

    /// After `<array>`: `<data>` and its values, up to `</array>`.
    fn items(&mut self, depth: usize) -> Option<Value> {
        self.ws();
        self.expect_open(b"<data>")?;
        let mut staged = Staged::new();
        loop {
            self.ws();
            if !self.open(b"<value>")? {
                break;
            }
            staged.push(self.value(depth)?);
        }
        self.expect(b"</data>")?;
        self.ws();
        Some(Value::Array(staged.into_vec().into()))
    }
}

/// A container's values while it is read: the first [`STAGED`] on the
/// stack, the rest in a vector that grows.
struct Staged<T> {
    inline: [Option<T>; STAGED],
    len: usize,
    spill: Vec<T>,
}

impl<T> Staged<T> {
    #[inline(always)]
    fn new() -> Self {
        Staged {
            inline: Default::default(),
            len: 0,
            spill: Vec::new(),
        }
    }

    #[inline(always)]
    fn push(&mut self, value: T) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = Some(value),
            None => self.spill.push(value),
        }
        self.len += 1;
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.inline.iter().flatten().chain(&self.spill)
    }

    /// The values in order, in one allocation of exact size.
    #[inline(always)]
    fn into_vec(mut self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len);
        // Moves the used slots only, not the whole array.
        let used = self.len.min(STAGED);
        out.extend(self.inline.iter_mut().take(used).filter_map(Option::take));
        out.extend(self.spill);
        out
    }
}

#[cfg(test)]
mod tests;
