//! [`CallRecord`]: what one answered request was, for the log.
//!
//! The server connection makes one record per answer (a call, a decode
//! fault, an HTTP refusal); every transport emits it the same way, so
//! logs read alike whichever runtime served the call.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// One answered request: who asked, what, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    /// The peer (as given when the connection was made), if known.
    pub peer: Option<Arc<str>>,
    /// The method called; `None` when the request never got that far (an
    /// HTTP refusal, a body that does not decode).
    pub method: Option<String>,
    /// The HTTP status of the answer (200 for every XML-RPC answer).
    pub status: u16,
    /// The fault code when the answer was a fault.
    pub fault: Option<i32>,
    /// From the end of the request (or the refusal's cause) to the answer.
    pub elapsed: Duration,
}

impl fmt::Display for CallRecord {
    /// `peer method status fault elapsed`, `-` for what is unknown:
    /// `127.0.0.1:5000 factorial 200 - 12us`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dash = |v: Option<&str>| v.unwrap_or("-").to_owned();
        write!(
            f,
            "{} {} {} {} {}us",
            dash(self.peer.as_deref()),
            dash(self.method.as_deref()),
            self.status,
            self.fault.map_or_else(|| "-".to_owned(), |c| c.to_string()),
            self.elapsed.as_micros()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_with_dashes_for_the_unknown() {
        let record = CallRecord {
            peer: Some("127.0.0.1:5000".into()),
            method: Some("factorial".into()),
            status: 200,
            fault: None,
            elapsed: Duration::from_micros(12),
        };
        assert_eq!(record.to_string(), "127.0.0.1:5000 factorial 200 - 12us");
        let refused = CallRecord {
            peer: None,
            method: None,
            status: 413,
            fault: None,
            elapsed: Duration::ZERO,
        };
        assert_eq!(refused.to_string(), "- - 413 - 0us");
    }
}
