//! Whole vs. chunked vs. byte-by-byte decoding give identical results:
//! the same events, or the same error kind at the same offset; and so do
//! the whole-message functions, which try the whole-slice fast path first.
//!
//! Input: byte 0 picks the message kind (bit 0) and tight limits (bit 1);
//! byte 1 seeds the chunk sizes; the rest is the message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmlrpc_fuzz::{decode_split, decode_whole};
use xmlrpc_proto::decode::{DecodeOptions, MessageKind};
use xmlrpc_proto::Limits;

fuzz_target!(|data: &[u8]| {
    let [flags, seed, input @ ..] = data else {
        return;
    };
    let kind = if flags & 1 == 0 {
        MessageKind::Call
    } else {
        MessageKind::Response
    };
    let limits = if flags & 2 == 0 {
        Limits::default()
    } else {
        Limits {
            max_depth: 3,
            max_message_size: 400,
            max_text_size: 16,
            max_params: 3,
            max_elements: 40,
        }
    };
    let options = DecodeOptions::strict().lenient_empty_response(flags & 4 != 0);
    let limits = (limits, options);
    let whole = decode_split(input, kind, limits, &[]);
    assert_eq!(decode_whole(input, kind, limits), whole, "whole-slice path");
    // Chunks of 1..=16 bytes, sized by a tiny generator seeded from `seed`.
    let mut cuts = Vec::new();
    let (mut at, mut state) = (0usize, u32::from(*seed) | 1);
    while at < input.len() {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        at += 1 + (state >> 16) as usize % 16;
        cuts.push(at.min(input.len()));
    }
    assert_eq!(decode_split(input, kind, limits, &cuts), whole, "chunked");
    let bytes: Vec<usize> = (1..input.len()).collect();
    assert_eq!(
        decode_split(input, kind, limits, &bytes),
        whole,
        "byte by byte"
    );
});
