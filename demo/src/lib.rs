//! A demo service: `factorial`, `echo` and the classic validator1 suite.
//!
//! Used by `xrpc serve`, the benches and the tests; every method is a typed
//! handler with help text.
//!
//! # What this is not
//! Not part of the core's API and not published: an application registers
//! its own methods on an `xmlrpc_proto::service::Router`. `examples/cgi.rs`
//! serves this router as a CGI program (bytes in, bytes out, no transport).
//!
//! ```
//! use xmlrpc_proto::{decode_response, service::Context, MethodResponse, Value};
//!
//! let router = xmlrpc_demo::router();
//! let request = b"<?xml version=\"1.0\"?><methodCall><methodName>factorial</methodName>\
//!     <params><param><value><int>5</int></value></param></params></methodCall>";
//! let response = router.handle_body(request, Context::default());
//! assert_eq!(
//!     decode_response(&response).unwrap(),
//!     MethodResponse::Success(Value::Int(120))
//! );
//! ```

mod validator1;

use xmlrpc_proto::service::Router;
use xmlrpc_proto::{fault_code, Fault, Value};

/// Largest `n` whose factorial fits in an `i8` (64-bit) result.
pub const MAX_FACTORIAL: i64 = 20;

/// A router serving the demo methods (and the system methods).
pub fn router() -> Router {
    let mut router = Router::new();
    register(&mut router);
    router
}

/// Adds the demo methods to `router`.
pub fn register(router: &mut Router) {
    router
        .register("factorial", factorial)
        .help(
            "factorial(n): n! for 0 <= n <= 20, as an int, or an i8 when it exceeds \
             32 bits. Other n is fault -32602.",
        )
        .signature(["int", "int"])
        .add_signature(["i8", "int"]);
    router
        .register("echo", |x: Value| -> Result<Value, Fault> { Ok(x) })
        .help("echo(x): returns its single argument unchanged, whatever its type.");
    validator1::register(router);
}

/// `n!`, for `0 <= n <= 20`.
pub fn factorial(n: i64) -> Result<i64, Fault> {
    if !(0..=MAX_FACTORIAL).contains(&n) {
        return Err(Fault::new(
            fault_code::INVALID_PARAMS,
            format!("params[0]: expected 0 <= n <= {MAX_FACTORIAL}, found {n}"),
        ));
    }
    Ok((2..=n).product())
}
