//! Helpers shared by the fuzz targets.

use bytes::BytesMut;
use xmlrpc_proto::decode::{DecodeOptions, Decoder, Event, MessageKind};
use xmlrpc_proto::{encode_call, encode_response, Limits, MethodCall, MethodResponse, Value};

/// What decoding gave: the events, or the error's kind and offset.
pub type Outcome = Result<Vec<Event>, (String, u64)>;

/// Decodes `input` fed in pieces ending at `cuts` (sorted, in range).
pub fn decode_split(
    input: &[u8],
    kind: MessageKind,
    (limits, options): (Limits, DecodeOptions),
    cuts: &[usize],
) -> Outcome {
    let mut decoder = Decoder::with_options(kind, limits, options);
    let mut events = Vec::new();
    let err = |e: xmlrpc_proto::DecodeError| (format!("{:?}", e.kind()), e.offset());
    let mut from = 0;
    for &to in cuts.iter().chain(std::iter::once(&input.len())) {
        if to < from || to > input.len() {
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

/// The whole-message functions (`decode_call_with`,
/// `decode_response_with_options`), which try the whole-slice fast path
/// before the push decoder, as the same outcome as [`decode_split`].
pub fn decode_whole(
    input: &[u8],
    kind: MessageKind,
    (limits, options): (Limits, DecodeOptions),
) -> Outcome {
    let err = |e: xmlrpc_proto::DecodeError| (format!("{:?}", e.kind()), e.offset());
    let mut events = Vec::new();
    match kind {
        MessageKind::Call => {
            // The call functions take no options: they decode strictly.
            if options != DecodeOptions::default() {
                return decode_split(input, kind, (limits, options), &[]);
            }
            let call = xmlrpc_proto::decode::decode_call_with(input, limits).map_err(err)?;
            events.push(Event::MethodName(call.method));
            events.extend(call.params.into_iter().map(Event::Param));
        }
        MessageKind::Response => {
            match xmlrpc_proto::decode::decode_response_with_options(input, limits, options)
                .map_err(err)?
            {
                MethodResponse::Success(value) => events.push(Event::Param(value)),
                MethodResponse::Fault(fault) => events.push(Event::Fault(fault)),
            }
        }
    }
    events.push(Event::End);
    Ok(events)
}

/// What the encoder's output of `v` reads back as: an `I8` within 32 bits
/// is written `<int>` (SPEC rule 9).
pub fn narrow(v: &Value) -> Value {
    // Iterative would be nicer, but decoded values are at most 64 deep.
    match v {
        Value::I8(i) => i32::try_from(*i).map_or(Value::I8(*i), Value::Int),
        Value::Array(a) => Value::Array(a.iter().map(narrow).collect()),
        Value::Struct(s) => Value::Struct(s.iter().map(|(k, v)| (k, narrow(v))).collect()),
        other => other.clone(),
    }
}

/// A decoded call re-encodes, and decodes back to itself.
pub fn check_call_roundtrip(call: &MethodCall) {
    let mut out = BytesMut::new();
    encode_call(call, &mut out).expect("a decoded call always encodes");
    let back = xmlrpc_proto::decode_call(&out).expect("our own output decodes");
    let expected = MethodCall::new(
        call.method.clone(),
        call.params.iter().map(narrow).collect(),
    );
    assert_eq!(back, expected);
}

/// A decoded response re-encodes, and decodes back to itself.
pub fn check_response_roundtrip(response: &MethodResponse) {
    check_response_roundtrip_with(response, xmlrpc_proto::decode::DecodeOptions::strict());
}

/// As [`check_response_roundtrip`], decoding our output with `options`
/// (what a lenient read accepted, a lenient read gets back).
pub fn check_response_roundtrip_with(
    response: &MethodResponse,
    options: xmlrpc_proto::decode::DecodeOptions,
) {
    let mut out = BytesMut::new();
    encode_response(response, &mut out).expect("a decoded response always encodes");
    let back = xmlrpc_proto::decode::decode_response_with_options(
        &out,
        xmlrpc_proto::Limits::client(),
        options,
    )
    .expect("our own output decodes");
    let expected = match response {
        MethodResponse::Success(v) => MethodResponse::Success(narrow(v)),
        fault => fault.clone(),
    };
    assert_eq!(back, expected);
}
