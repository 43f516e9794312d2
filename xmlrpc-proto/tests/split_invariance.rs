//! Split-invariance: decoding a message whole, in random chunks and one byte
//! at a time gives the same events, or the same error at the same offset.
//! The whole-message functions (`decode_call_with`, `decode_response*`),
//! which try the whole-slice fast path first, must give the same too.
//!
//! Messages come from the encoder (arbitrary nested values), decorated with
//! comments, empty CDATA and whitespace where XML-RPC ignores them, and
//! then also mutated at random so the error paths are split too.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::prelude::*;
use xmlrpc_proto::decode::DecodeOptions;
use xmlrpc_proto::decode::{Decoder, Event, MessageKind};
use xmlrpc_proto::{
    encode_call, encode_response, Array, DateTime, Fault, Limits, MethodCall, MethodResponse,
    Struct, Value,
};

fn text() -> impl Strategy<Value = String> {
    "[ a-z<>&\"'\r\n\t\u{e9}\u{1F600}\u{4e2d}]{0,16}"
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::Int),
        any::<i64>().prop_map(Value::I8),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>()
            .prop_filter("finite", |d| d.is_finite())
            .prop_map(Value::Double),
        text().prop_map(Value::String),
        (0u16..=9999, 1u8..=12, 1u8..=28, 0u32..1_000_000_000).prop_map(|(y, m, d, n)| {
            let dt = DateTime::new(y, m, d, 1, 2, 3).and_then(|dt| dt.with_nanosecond(n));
            Value::DateTime(dt.expect("in range"))
        }),
        vec(any::<u8>(), 0..40).prop_map(|b| Value::Base64(Bytes::from(b))),
        Just(Value::Nil),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(5, 64, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(|v| Value::Array(Array::from(v))),
            vec(("[a-z]{0,6}", inner), 0..5).prop_map(|members| {
                let mut s = Struct::new();
                for (name, value) in members {
                    if !s.contains_key(&name) {
                        s.push(name, value);
                    }
                }
                Value::Struct(s)
            }),
        ]
    })
}

/// The encoded call, with `decorations` inserted at `><` boundaries
/// (chosen by index): comments and empty CDATA, which never change values.
fn message(params: Vec<Value>, decorations: &[(usize, u8)]) -> Vec<u8> {
    let mut out = BytesMut::new();
    encode_call(&MethodCall::new("some.method", params), &mut out).expect("encodable");
    let mut bytes = out.to_vec();
    // Inside the root only: CDATA outside it is an error.
    let root = bytes
        .windows(11)
        .position(|w| w == b"<methodCall")
        .unwrap_or(0);
    let boundaries: Vec<usize> = bytes
        .windows(2)
        .enumerate()
        .filter(|&(i, w)| w == b"><" && i > root)
        .map(|(i, _)| i + 1)
        .collect();
    if boundaries.is_empty() {
        return bytes;
    }
    let mut inserts: Vec<(usize, &[u8])> = decorations
        .iter()
        .map(|&(i, which)| {
            let piece: &[u8] = match which % 3 {
                0 => b"<!-- note -->",
                1 => b"<![CDATA[]]>",
                _ => b"<!---->",
            };
            (boundaries[i % boundaries.len()], piece)
        })
        .collect();
    inserts.sort_by_key(|&(at, _)| std::cmp::Reverse(at));
    for (at, piece) in inserts {
        bytes.splice(at..at, piece.iter().copied());
    }
    bytes
}

/// Events, or the error's kind and offset.
type Outcome = Result<Vec<Event>, (String, u64)>;

fn decode(input: &[u8], cuts: &[usize]) -> Outcome {
    decode_with(input, cuts, Limits::default())
}

fn decode_with(input: &[u8], cuts: &[usize], limits: Limits) -> Outcome {
    let mut decoder = Decoder::new(MessageKind::Call, limits);
    let mut events = Vec::new();
    let err = |e: xmlrpc_proto::DecodeError| (format!("{:?}", e.kind()), e.offset());
    let mut from = 0;
    let mut points: Vec<usize> = cuts.iter().map(|&c| c % (input.len() + 1)).collect();
    points.sort_unstable();
    points.push(input.len());
    for to in points {
        if to < from {
            continue;
        }
        decoder.feed(&input[from..to]).map_err(err)?;
        while let Some(e) = decoder.poll_event().map_err(err)? {
            events.push(e);
        }
        from = to;
    }
    decoder.finish().map_err(err)?;
    while let Some(e) = decoder.poll_event().map_err(err)? {
        events.push(e);
    }
    Ok(events)
}

/// `decode_call_with` (the whole-slice fast path, or the push decoder where
/// that gives up) as an outcome comparable with [`decode_with`]'s.
fn whole_call(input: &[u8], limits: Limits) -> Outcome {
    let call = xmlrpc_proto::decode::decode_call_with(input, limits)
        .map_err(|e| (format!("{:?}", e.kind()), e.offset()))?;
    Ok(std::iter::once(Event::MethodName(call.method))
        .chain(call.params.into_iter().map(Event::Param))
        .chain(std::iter::once(Event::End))
        .collect())
}

fn bytewise(input: &[u8]) -> Outcome {
    bytewise_with(input, Limits::default())
}

fn bytewise_with(input: &[u8], limits: Limits) -> Outcome {
    let cuts: Vec<usize> = (0..input.len()).collect();
    decode_with(input, &cuts, limits)
}

/// Applies `edits` to `input`: at each position (taken modulo the length),
/// op 0 overwrites a byte, op 1 inserts one, op 2 removes one.
fn mutate(input: &mut Vec<u8>, edits: Vec<(usize, u8, u8)>) {
    for (at, byte, op) in edits {
        let at = at % (input.len() + 1);
        match op {
            0 if at < input.len() => input[at] = byte,
            1 => input.insert(at, byte),
            _ if at < input.len() => {
                input.remove(at);
            }
            _ => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn whole_chunked_and_bytewise_agree(
        params in vec(value(), 0..4),
        decorations in vec((any::<usize>(), any::<u8>()), 0..6),
        cuts in vec(any::<usize>(), 0..12),
    ) {
        let input = message(params.clone(), &decorations);
        let whole = decode(&input, &[]);
        // Decorations change nothing: the values are what was encoded
        // (an `I8` within 32 bits is written as `<int>`).
        let expected: Vec<Event> = std::iter::once(Event::MethodName("some.method".into()))
            .chain(params.into_iter().map(|v| Event::Param(narrow(v))))
            .chain(std::iter::once(Event::End))
            .collect();
        prop_assert_eq!(&whole, &Ok(expected));
        prop_assert_eq!(&whole_call(&input, Limits::default()), &whole);
        prop_assert_eq!(&decode(&input, &cuts), &whole);
        prop_assert_eq!(&bytewise(&input), &whole);
    }

    #[test]
    fn mutated_messages_fail_the_same_way_in_any_split(
        params in vec(value(), 0..3),
        edits in vec((any::<usize>(), any::<u8>(), 0u8..3), 1..4),
        cuts in vec(any::<usize>(), 0..12),
    ) {
        let mut input = message(params, &[]);
        mutate(&mut input, edits);
        let whole = decode(&input, &[]);
        prop_assert_eq!(&whole_call(&input, Limits::default()), &whole);
        prop_assert_eq!(&decode(&input, &cuts), &whole);
        prop_assert_eq!(&bytewise(&input), &whole);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every limit fails at the same offset whatever the split.
    #[test]
    fn limits_fail_the_same_way_in_any_split(
        params in vec(value(), 0..4),
        cuts in vec(any::<usize>(), 0..12),
        (depth, size, text, count, elements) in (0usize..4, 60usize..600, 0usize..24, 0usize..4, 4usize..60),
    ) {
        let input = message(params, &[]);
        let limits = Limits {
            max_depth: depth,
            max_message_size: size,
            max_text_size: text,
            max_params: count,
            max_elements: elements,
        };
        let whole = decode_with(&input, &[], limits);
        prop_assert_eq!(&whole_call(&input, limits), &whole);
        prop_assert_eq!(&decode_with(&input, &cuts, limits), &whole);
        prop_assert_eq!(&bytewise_with(&input, limits), &whole);
    }
}

/// The push decoder's outcome for a whole response.
fn push_response(input: &[u8], limits: Limits, options: DecodeOptions) -> Outcome {
    let err = |e: xmlrpc_proto::DecodeError| (format!("{:?}", e.kind()), e.offset());
    let mut decoder = Decoder::with_options(MessageKind::Response, limits, options);
    decoder.feed(input).map_err(err)?;
    decoder.finish().map_err(err)?;
    let mut events = Vec::new();
    while let Some(e) = decoder.poll_event().map_err(err)? {
        events.push(e);
    }
    Ok(events)
}

/// `decode_response_with_options` (the whole-slice fast path first) as the
/// same outcome.
fn whole_response(input: &[u8], limits: Limits, options: DecodeOptions) -> Outcome {
    let response = xmlrpc_proto::decode::decode_response_with_options(input, limits, options)
        .map_err(|e| (format!("{:?}", e.kind()), e.offset()))?;
    Ok(vec![
        match response {
            MethodResponse::Success(value) => Event::Param(value),
            MethodResponse::Fault(fault) => Event::Fault(fault),
        },
        Event::End,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Responses, whole or mutated, under tight limits or not: the
    /// whole-message function gives what the push decoder gives.
    #[test]
    fn whole_responses_agree_with_the_push_decoder(
        value in value(),
        fault in proptest::option::of((any::<i32>(), text())),
        edits in vec((any::<usize>(), any::<u8>(), 0u8..3), 0..3),
        tight in any::<bool>(),
        lenient in any::<bool>(),
    ) {
        let response = match fault {
            Some((code, message)) => MethodResponse::Fault(Fault::new(code, message)),
            None => MethodResponse::Success(value),
        };
        let mut out = BytesMut::new();
        encode_response(&response, &mut out).expect("encodable");
        let mut input = out.to_vec();
        mutate(&mut input, edits);
        let limits = if tight {
            Limits { max_depth: 2, max_message_size: 300, max_text_size: 8, max_params: 1, max_elements: 30 }
        } else {
            Limits::client()
        };
        let options = if lenient { DecodeOptions::lenient() } else { DecodeOptions::strict() };
        prop_assert_eq!(
            whole_response(&input, limits, options),
            push_response(&input, limits, options)
        );
    }
}

/// What the encoder's output of `v` reads back as: `I8` within 32 bits is `Int`.
fn narrow(v: Value) -> Value {
    match v {
        Value::I8(i) => i32::try_from(i).map_or(Value::I8(i), Value::Int),
        Value::Array(a) => Value::Array(a.into_iter().map(narrow).collect()),
        Value::Struct(s) => Value::Struct(s.into_iter().map(|(k, v)| (k, narrow(v))).collect()),
        other => other,
    }
}
