//! The demo service as a CGI program: one call per process, no transport
//! crate, just the router's bytes-in, bytes-out call.
//!
//! The web server passes the request body on stdin (`CONTENT_LENGTH` bytes)
//! and reads the response, headers first, from stdout. Try it by hand:
//!
//! ```text
//! BODY='<?xml version="1.0"?><methodCall><methodName>factorial</methodName><params><param><value><int>5</int></value></param></params></methodCall>'
//! printf %s "$BODY" | REQUEST_METHOD=POST CONTENT_LENGTH=${#BODY} cargo run -q -p xmlrpc-proto --example cgi
//! ```

use std::io::{self, Read, Write};

use xmlrpc_proto::service::{Context, Router};
use xmlrpc_proto::Limits;

fn main() -> io::Result<()> {
    let var = |name: &str| std::env::var(name).ok();
    let ctx = Context {
        peer: var("REMOTE_ADDR").map(Into::into),
        user: var("REMOTE_USER"),
        ..Context::default()
    };
    let request = Request {
        method: var("REQUEST_METHOD"),
        content_length: var("CONTENT_LENGTH"),
    };
    let router = xmlrpc_demo::router();
    serve(
        &router,
        &request,
        ctx,
        io::stdin().lock(),
        io::stdout().lock(),
    )
}

/// What CGI says about the request, from the environment.
pub struct Request {
    /// `REQUEST_METHOD`.
    pub method: Option<String>,
    /// `CONTENT_LENGTH`.
    pub content_length: Option<String>,
}

/// Reads the body from `input`, answers on `output`.
pub fn serve(
    router: &Router,
    request: &Request,
    ctx: Context,
    input: impl Read,
    mut output: impl Write,
) -> io::Result<()> {
    if request.method.as_deref() != Some("POST") {
        return output.write_all(b"Status: 405 Method Not Allowed\r\nAllow: POST\r\n\r\n");
    }
    let length = match request
        .content_length
        .as_deref()
        .map(str::trim)
        .map(str::parse::<u64>)
    {
        Some(Ok(length)) => length,
        _ => return output.write_all(b"Status: 411 Length Required\r\n\r\n"),
    };
    // Refuse before reading, as an HTTP server would (SPEC: 413).
    if length > Limits::server().max_message_size as u64 {
        return output.write_all(b"Status: 413 Content Too Large\r\n\r\n");
    }
    let mut body = Vec::new();
    input.take(length).read_to_end(&mut body)?;
    let response = router.handle_body(&body, ctx);
    write!(
        output,
        "Content-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        response.len()
    )?;
    output.write_all(&response)?;
    output.flush()
}
