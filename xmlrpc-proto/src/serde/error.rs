//! [`Error`]: a serde mapping failure with the path where it happened.

use std::fmt;

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
