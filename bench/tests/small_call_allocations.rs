//! Decoding the small call (bench/benches/codec.rs's 428-byte `methodCall`
//! with 5 params) allocates the decoded values and nothing else: issue 14's
//! "no allocation per small call beyond the decoded values themselves".
//!
//! `cargo test -p xmlrpc-bench --test small_call_allocations -- --nocapture`
//!
//! A counting global allocator counts every call that asks for memory
//! (`alloc`, `alloc_zeroed`, `realloc`). The decoded call owns one heap
//! block per non-empty `String`, `Vec` (params, array items, struct
//! members) and `Bytes`; each must be allocated once, at its final size,
//! and no scratch block (a lexer buffer, a frame stack, an event queue, a
//! growing vector copied at the end) may be allocated besides. This file
//! holds a single test so no other thread allocates while it counts.

use heap_counter::allocations;
use xmlrpc_bench::{small_call, small_call_xml};
use xmlrpc_proto::decode::{Decoder, MessageKind};
use xmlrpc_proto::{decode_call, Limits, MethodCall, Value};

#[global_allocator]
static ALLOCATOR: heap_counter::Counting = heap_counter::Counting;

/// Heap blocks `value` owns: one per non-empty string, byte string and
/// container (an empty one allocates nothing), its children's included.
fn blocks(value: &Value) -> usize {
    match value {
        Value::String(s) => usize::from(!s.is_empty()),
        Value::Base64(b) => usize::from(!b.is_empty()),
        Value::Array(items) => {
            usize::from(!items.is_empty()) + items.iter().map(blocks).sum::<usize>()
        }
        Value::Struct(members) => {
            usize::from(!members.is_empty())
                + members
                    .iter()
                    .map(|(name, v)| usize::from(!name.is_empty()) + blocks(v))
                    .sum::<usize>()
        }
        Value::Int(_)
        | Value::I8(_)
        | Value::Bool(_)
        | Value::Double(_)
        | Value::DateTime(_)
        | Value::Nil => 0,
    }
}

/// Heap blocks a decoded call owns: its method name, its params vector and
/// what the params own.
fn call_blocks(call: &MethodCall) -> usize {
    usize::from(!call.method.is_empty())
        + usize::from(!call.params.is_empty())
        + call.params.iter().map(blocks).sum::<usize>()
}

#[test]
fn small_call_allocates_only_its_values() {
    let payload = small_call_xml();
    let expected = small_call();
    // The small call is `items.search(20240229, "shelf-17 & annex", 0.875,
    // false, {limit: 50})`. Its blocks: the method name (1), the params
    // vector (1), the string param (1), the struct's member vector (1) and
    // the member name "limit" (1); the int, double, boolean and the
    // member's int live inline in their `Value`s.
    assert_eq!(call_blocks(&expected), 5);

    // The first call, and then many more: none may allocate anything else
    // (no lazily created state on the first call, no cache that grows).
    for round in 0..100 {
        let (decoded, count) = allocations(|| decode_call(&payload));
        let decoded = decoded.expect("the small call decodes");
        assert_eq!(decoded, expected);
        // Allocated once at its final size, not grown by doubling.
        assert_eq!(decoded.params.capacity(), decoded.params.len());
        if round == 0 {
            // For comparison (not asserted): the push decoder, fed the same
            // bytes in one piece, allocates its stacks and queue besides.
            let (_, push) = allocations(|| {
                let mut decoder = Decoder::new(MessageKind::Call, Limits::server());
                decoder.feed(&payload).and_then(|()| decoder.finish())
            });
            println!(
                "decode_call of the {}-byte small call: {count} allocations, {} decoded blocks \
                 (the push decoder: {push}, its events included)",
                payload.len(),
                call_blocks(&decoded)
            );
        }
        assert_eq!(
            count,
            call_blocks(&decoded),
            "round {round}: {count} allocations for 5 decoded blocks; an extra one is scratch"
        );
    }
}
