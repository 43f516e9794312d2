//! Walks a [`Value`] tree with an explicit stack, so nesting depth never
//! touches the call stack, and names the path of whatever cannot be encoded.

use std::fmt::Write as _;

use bytes::BytesMut;

use super::scalar::{write_base64, write_datetime, write_double};
use super::text::write_text;
use super::EncodeError;
use crate::Value;

/// Where the walked value sits in its message; the first part of error paths.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Root<'a> {
    /// `params[i]` of a call or a response.
    Param(usize),
    /// A fixed name, such as `value` for [`super::encode_value`].
    Named(&'a str),
}

/// One open container. `S` is `Struct::iter`'s (unnameable) iterator type.
enum Frame<'a, S> {
    Array {
        items: std::slice::Iter<'a, Value>,
        /// Index of the item being written; `usize::MAX` before the first.
        index: usize,
    },
    Struct {
        members: S,
        /// Name of the member being written, `None` before the first.
        name: Option<&'a str>,
    },
}

/// What went wrong at the current position.
enum Problem {
    Character(char),
    NonFinite,
}

/// Appends `value` as one `<value>` element.
pub(crate) fn write_value(
    value: &Value,
    root: Root<'_>,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    let mut stack = Vec::new();
    let mut next = Some(value);
    loop {
        if let Some(value) = next.take() {
            let written = match value {
                Value::Array(array) => {
                    out.extend_from_slice(b"<value><array><data>");
                    stack.push(Frame::Array {
                        items: array.iter(),
                        index: usize::MAX,
                    });
                    Ok(())
                }
                Value::Struct(members) => {
                    out.extend_from_slice(b"<value><struct>");
                    stack.push(Frame::Struct {
                        members: members.iter(),
                        name: None,
                    });
                    Ok(())
                }
                Value::Int(i) => {
                    write_int(i64::from(*i), out);
                    Ok(())
                }
                Value::I8(i) => {
                    write_int(*i, out);
                    Ok(())
                }
                Value::Bool(b) => {
                    let element: &[u8] = if *b {
                        b"<value><boolean>1</boolean></value>"
                    } else {
                        b"<value><boolean>0</boolean></value>"
                    };
                    out.extend_from_slice(element);
                    Ok(())
                }
                Value::Double(d) => {
                    write_wrapped(b"<value><double>", b"</double></value>", out, |out| {
                        write_double(*d, out).ok_or(Problem::NonFinite)
                    })
                }
                Value::String(text) => {
                    write_wrapped(b"<value><string>", b"</string></value>", out, |out| {
                        write_text(text, out).map_err(Problem::Character)
                    })
                }
                Value::DateTime(dt) => {
                    out.extend_from_slice(b"<value><dateTime.iso8601>");
                    write_datetime(dt, out);
                    out.extend_from_slice(b"</dateTime.iso8601></value>");
                    Ok(())
                }
                Value::Base64(data) => {
                    out.extend_from_slice(b"<value><base64>");
                    write_base64(data, out);
                    out.extend_from_slice(b"</base64></value>");
                    Ok(())
                }
                Value::Nil => {
                    out.extend_from_slice(b"<value><nil/></value>");
                    Ok(())
                }
            };
            if let Err(problem) = written {
                return Err(error_at(problem, root, &stack));
            }
        }
        // The last value is complete: move to the next sibling, or close parents.
        let Some(frame) = stack.last_mut() else {
            return Ok(());
        };
        match frame {
            Frame::Array { items, index } => match items.next() {
                Some(item) => {
                    *index = index.wrapping_add(1);
                    next = Some(item);
                }
                None => {
                    out.extend_from_slice(b"</data></array></value>");
                    stack.pop();
                }
            },
            Frame::Struct { members, name } => {
                if name.is_some() {
                    out.extend_from_slice(b"</member>");
                }
                match members.next() {
                    Some((member, item)) => {
                        *name = Some(member);
                        out.extend_from_slice(b"<member><name>");
                        if let Err(c) = write_text(member, out) {
                            return Err(error_at(Problem::Character(c), root, &stack));
                        }
                        out.extend_from_slice(b"</name>");
                        next = Some(item);
                    }
                    None => {
                        out.extend_from_slice(b"</struct></value>");
                        stack.pop();
                    }
                }
            }
        }
    }
}

/// Writes `open`, the content, then `close`.
fn write_wrapped(
    open: &[u8],
    close: &[u8],
    out: &mut BytesMut,
    content: impl FnOnce(&mut BytesMut) -> Result<(), Problem>,
) -> Result<(), Problem> {
    out.extend_from_slice(open);
    content(out)?;
    out.extend_from_slice(close);
    Ok(())
}

/// `<int>` when the value fits 32 bits, `<i8>` only beyond (rule 9).
pub(crate) fn write_int(value: i64, out: &mut BytesMut) {
    let mut buffer = itoa::Buffer::new();
    if i32::try_from(value).is_ok() {
        out.extend_from_slice(b"<value><int>");
        out.extend_from_slice(buffer.format(value).as_bytes());
        out.extend_from_slice(b"</int></value>");
    } else {
        out.extend_from_slice(b"<value><i8>");
        out.extend_from_slice(buffer.format(value).as_bytes());
        out.extend_from_slice(b"</i8></value>");
    }
}

fn error_at<S>(problem: Problem, root: Root<'_>, stack: &[Frame<'_, S>]) -> EncodeError {
    let mut path = String::new();
    match root {
        Root::Param(i) => {
            let _ = write!(path, "params[{i}]");
        }
        Root::Named(name) => path.push_str(name),
    }
    for frame in stack {
        match frame {
            Frame::Array { index, .. } => {
                let _ = write!(path, "[{index}]");
            }
            Frame::Struct {
                name: Some(name), ..
            } => {
                path.push('.');
                path.push_str(name);
            }
            Frame::Struct { name: None, .. } => {}
        }
    }
    match problem {
        Problem::Character(character) => EncodeError::InvalidCharacter { path, character },
        Problem::NonFinite => EncodeError::NonFiniteDouble { path },
    }
}
