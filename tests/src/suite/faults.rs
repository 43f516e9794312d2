//! Faults travel intact and never take the server down.

use xmlrpc_proto::{fault_code, Value};

use super::{assert_echo, client, expect_fault, serve};
use crate::{Adapter, ClientOpts, ServerOpts};

/// Unknown methods, bad params, application faults and handler panics all
/// come back as `ClientError::Fault` with the right code; serving goes on.
pub fn faults_keep_their_codes<A: Adapter>() {
    let fx = serve::<A>(ServerOpts::default());
    let client = client::<A>(&fx.server.url, &ClientOpts::default());

    let missing = expect_fault(client.call_value("no.such.method", vec![]));
    assert_eq!(missing.code, fault_code::METHOD_NOT_FOUND);

    let bad = expect_fault(client.call_value("factorial", vec![Value::String("x".into())]));
    assert_eq!(bad.code, fault_code::INVALID_PARAMS);

    let app = expect_fault(client.call_value(
        "suite.fault",
        vec![Value::Int(4242), Value::String("custom <fault>".into())],
    ));
    assert_eq!(app.code, 4242);
    assert_eq!(app.message, "custom <fault>");

    let panicked = expect_fault(client.call_value("suite.panic", vec![]));
    assert_eq!(panicked.code, fault_code::INTERNAL_ERROR);

    // The same client (and server) still work after all of that.
    assert_echo(client.as_ref(), Value::Int(9));
    let typed = client.call_i64("factorial", -3);
    assert!(
        matches!(typed, Err(ref e) if e.is_fault()),
        "typed call fault: {typed:?}"
    );
}
