//! Any bytes: `decode_response` never panics, strict or with every
//! leniency on; what it accepts re-encodes and decodes back to the same
//! response.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmlrpc_proto::decode::{decode_response_with_options, DecodeOptions};
use xmlrpc_proto::Limits;

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = xmlrpc_proto::decode_response(data) {
        xmlrpc_fuzz::check_response_roundtrip(&response);
    }
    let lenient = DecodeOptions::lenient();
    if let Ok(response) = decode_response_with_options(data, Limits::client(), lenient) {
        xmlrpc_fuzz::check_response_roundtrip_with(&response, lenient);
    }
});
