//! Sans-IO SCGI, both ways: the framing rTorrent speaks, and that web
//! servers use towards an application (`scgi_pass` in nginx).
//!
//! A request is a netstring header block, `LEN:NAME\0VALUE\0...,`, whose
//! first variable is `CONTENT_LENGTH` and which holds `SCGI=1`, then
//! exactly `CONTENT_LENGTH` bytes of body. The answer is a CGI response:
//! header lines (CRLF or LF), `Status: 200 OK` or none (meaning 200), a
//! blank line, the body; then the server closes. One request per
//! connection, so there is no keep-alive and no pooling.
//!
//! There are no SCGI connection types to learn: the HTTP machines speak
//! SCGI when asked. A [`ClientConnection`](crate::http::ClientConnection)
//! whose address is `scgi://host:port[/path]` or
//! `scgi+unix:///path/to.sock` sends SCGI requests, and
//! [`ServerConnection::scgi`](crate::http::ServerConnection::scgi) (or
//! [`ServerConnection::admitted_scgi`](crate::http::ServerConnection::admitted_scgi))
//! makes a server connection that reads them. Both have the same
//! `handle_input` / `poll_output` / `respond` flow, deadlines, limits and
//! overload rules as HTTP, so a transport serves SCGI by choosing the
//! constructor.
//!
//! # Server rules
//!
//! | what | rule |
//! |---|---|
//! | header block | at most `ServerConfig::max_head_size` bytes and `max_headers` variables; refused as soon as its length prefix says it is larger (431) |
//! | netstring length | decimal digits, no sign, no leading zero, then `:`; the block ends with `,` (else 400) |
//! | `CONTENT_LENGTH` | the first variable, decimal digits only (else 400) |
//! | `SCGI` | must be `1` (else 400) |
//! | body | `CONTENT_LENGTH` over `Limits::max_message_size` is 413 before any body byte; reserved in the [`BodyBudget`](crate::http::BodyBudget) first (503 when it does not fit) |
//! | deadlines | `idle_timeout` for the first byte (then closed without an answer), `head_timeout` from the first byte to the end of the block, `body_timeout` for the body (408) |
//! | path | not checked (the front web server routes); `REQUEST_URI` (or `SCRIPT_NAME` + `PATH_INFO`) becomes the call's `Context::path` |
//! | auth | when `ServerConfig::auth` is set, `HTTP_AUTHORIZATION` must pass it (401) |
//! | headers | every `HTTP_*` variable, plus `CONTENT_TYPE`, becomes a header of the call's `Context` |
//!
//! Every refusal is a CGI response, `Status: 400 Bad Request` and a
//! one-line `text/plain` body, then the connection lingers and closes like
//! an HTTP refusal. A body that does not decode is answered with its fault
//! (`Status: 200 OK`).

pub(crate) mod client;
pub(crate) mod header;
pub(crate) mod server;

use std::fmt;

use http::StatusCode;

use crate::http::status::Reject;

/// Why an SCGI request's header block was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScgiError {
    /// The netstring length is not decimal digits followed by `:`.
    BadLength,
    /// The header block is over `ServerConfig::max_head_size`.
    HeaderBlockTooLarge,
    /// The block does not end with `,`.
    Unterminated,
    /// The block is not `NAME\0VALUE\0` pairs (or a name is empty).
    Malformed,
    /// `CONTENT_LENGTH` is missing or not the first variable.
    MissingContentLength,
    /// `CONTENT_LENGTH` is not a decimal number.
    BadContentLength,
    /// `SCGI=1` is missing.
    MissingScgi,
    /// A variable appears twice.
    DuplicateVariable,
    /// More variables than `ServerConfig::max_headers`.
    TooManyVariables,
}

impl ScgiError {
    /// A short description (the refusal's body).
    pub fn describe(self) -> &'static str {
        match self {
            ScgiError::BadLength => "SCGI netstring length is not decimal digits followed by ':'",
            ScgiError::HeaderBlockTooLarge => "SCGI header block too large",
            ScgiError::Unterminated => "SCGI header netstring does not end with ','",
            ScgiError::Malformed => "SCGI header block is not NAME\\0VALUE\\0 pairs",
            ScgiError::MissingContentLength => "SCGI CONTENT_LENGTH missing or not first",
            ScgiError::BadContentLength => "SCGI CONTENT_LENGTH is not a decimal number",
            ScgiError::MissingScgi => "SCGI=1 missing from the header block",
            ScgiError::DuplicateVariable => "SCGI header variable given twice",
            ScgiError::TooManyVariables => "too many SCGI header variables",
        }
    }

    /// The status a server answers it with: 431 for a block over the
    /// limits, 400 for the rest.
    pub fn status(self) -> u16 {
        self.reject().status.as_u16()
    }

    pub(crate) fn reject(self) -> Reject {
        match self {
            ScgiError::HeaderBlockTooLarge | ScgiError::TooManyVariables => {
                Reject::new(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, self.describe())
            }
            _ => Reject::bad_request(self.describe()),
        }
    }
}

impl fmt::Display for ScgiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

impl std::error::Error for ScgiError {}
