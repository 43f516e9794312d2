//! Any bytes: `decode_call` never panics; what it accepts re-encodes and
//! decodes back to the same call. Memory is bounded by the default limits
//! (libFuzzer's -rss_limit_mb catches growth).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(call) = xmlrpc_proto::decode_call(data) {
        xmlrpc_fuzz::check_call_roundtrip(&call);
    }
});
