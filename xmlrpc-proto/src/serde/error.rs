//! [`Error`]: a serde mapping failure with the path where it happened.

use std::fmt;

use ::serde::{de, ser};

/// Why a value could not be converted, and where (`params[0].user.age`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    path: String,
    message: String,
}

impl Error {
    /// An error at `path` (empty for the root).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Where the failure happened, e.g. `params[0].user.age`; empty at the root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong, e.g. `expected i32, found string`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// An error at the root of the value being converted.
    pub(crate) fn msg(message: impl Into<String>) -> Self {
        Error::new(String::new(), message)
    }

    /// `expected {expected}, found {what}` at the root.
    pub(crate) fn expected(expected: impl fmt::Display, found: impl fmt::Display) -> Self {
        Error::msg(format!("expected {expected}, found {found}"))
    }

    /// Nesting beyond [`MAX_NESTING`](super::MAX_NESTING): refused rather
    /// than risking the stack.
    pub(crate) fn too_deep() -> Self {
        Error::msg(format!(
            "values nested deeper than {} levels",
            super::MAX_NESTING
        ))
    }

    /// The same error seen from the enclosing array: `[index]` goes in front.
    pub(crate) fn in_element(mut self, index: usize) -> Self {
        self.path.insert_str(0, &format!("[{index}]"));
        self
    }

    /// The same error seen from the enclosing struct: `.name` goes in front.
    pub(crate) fn in_member(mut self, name: &str) -> Self {
        self.path.insert_str(0, name);
        self.path.insert(0, '.');
        self
    }

    /// Finishes the path at the top: `root` goes in front (`params`), or,
    /// with no root, the leading `.` of a member goes away (`user.age`).
    pub(crate) fn rooted(mut self, root: &str) -> Self {
        if root.is_empty() {
            if self.path.starts_with('.') {
                self.path.remove(0);
            }
        } else {
            self.path.insert_str(0, root);
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::msg(msg.to_string())
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::msg(msg.to_string())
    }

    /// Same wording as the mapping's own checks, with XML-RPC type names.
    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::expected(exp, unexpected_name(unexp))
    }
}

/// The XML-RPC name of what a visitor was handed, without echoing strings.
fn unexpected_name(unexp: de::Unexpected<'_>) -> String {
    use de::Unexpected as U;
    match unexp {
        U::Bool(_) => "boolean".into(),
        U::Signed(n) => format!("int {n}"),
        U::Unsigned(n) => format!("int {n}"),
        U::Float(_) => "double".into(),
        U::Char(_) | U::Str(_) => "string".into(),
        U::Bytes(_) => "base64".into(),
        U::Unit | U::Option => "nil".into(),
        U::Seq => "array".into(),
        U::Map => "struct".into(),
        U::Enum
        | U::UnitVariant
        | U::NewtypeVariant
        | U::TupleVariant
        | U::StructVariant
        | U::NewtypeStruct => unexp.to_string(),
        U::Other(other) => other.into(),
    }
}
