//! Any bytes: `decode_response` never panics; what it accepts re-encodes
//! and decodes back to the same response.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = xmlrpc_proto::decode_response(data) {
        xmlrpc_fuzz::check_response_roundtrip(&response);
    }
});
