//! One way to log an answered call, for every transport.

use xmlrpc_proto::http::CallRecord;

/// Emits `record` through `tracing` at `info` on the `xmlrpc::call` target,
/// with the same fields whichever transport served the call.
pub fn call(record: &CallRecord) {
    tracing::info!(
        target: "xmlrpc::call",
        peer = %record.peer.as_deref().unwrap_or("-"),
        method = %record.method.as_deref().unwrap_or("-"),
        status = record.status,
        fault = record.fault,
        micros = u64::try_from(record.elapsed.as_micros()).unwrap_or(u64::MAX),
        "xml-rpc call"
    );
}
