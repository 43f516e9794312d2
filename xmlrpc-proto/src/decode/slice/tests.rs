//! The fast path's own cases: what it takes (and then agrees with the push
//! decoder on), what it leaves to the push decoder, and every limit.

use super::*;
use crate::decode::{Decoder, Event, MessageKind};

/// The push decoder's reading of a whole call.
fn push_call(bytes: &[u8], limits: Limits) -> Option<MethodCall> {
    let mut decoder = Decoder::new(MessageKind::Call, limits);
    decoder.feed(bytes).ok()?;
    decoder.finish().ok()?;
    let mut call = MethodCall::new(String::new(), Vec::new());
    while let Some(event) = decoder.poll_event().ok()? {
        match event {
            Event::MethodName(name) => call.method = name,
            Event::Param(value) => call.params.push(value),
            Event::Fault(_) | Event::End => {}
        }
    }
    Some(call)
}

fn push_response(bytes: &[u8], options: DecodeOptions) -> Option<MethodResponse> {
    let mut decoder = Decoder::with_options(MessageKind::Response, Limits::client(), options);
    decoder.feed(bytes).ok()?;
    decoder.finish().ok()?;
    let mut response = None;
    while let Some(event) = decoder.poll_event().ok()? {
        match event {
            Event::Param(value) => response = Some(MethodResponse::Success(value)),
            Event::Fault(fault) => response = Some(MethodResponse::Fault(fault)),
            Event::MethodName(_) | Event::End => {}
        }
    }
    response
}

fn call_of(params: &str) -> Vec<u8> {
    format!("<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params>{params}</params></methodCall>").into_bytes()
}

fn param(value: &str) -> String {
    format!("<param><value>{value}</value></param>")
}

/// The fast path either gives up or agrees with the push decoder.
fn agrees(bytes: &[u8], limits: Limits) -> bool {
    let fast = call(bytes, limits, DecodeOptions::default());
    if let Some(fast) = &fast {
        assert_eq!(
            Some(fast),
            push_call(bytes, limits).as_ref(),
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
    fast.is_some()
}

#[test]
fn takes_what_the_encoder_writes() {
    let many_members: String = (0..20)
        .map(|i| format!("<member><name>m{i}</name><value><int>{i}</int></value></member>"))
        .collect();
    let many_items: String = (0..20).map(|i| format!("<value>{i}</value>")).collect();
    for value in [
        "<int>-7</int>",
        "<i4>7</i4>",
        "<i8>-9223372036854775808</i8>",
        "<ex:i8>5</ex:i8>",
        "<ex:i1>-5</ex:i1>",
        "<boolean>1</boolean>",
        "<double>-0.5e3</double>",
        "<ex:float>1.5</ex:float>",
        "<string>a &lt;b&gt; &amp;&#x1F600;\r\nc\rd</string>",
        "<string></string>",
        "bare &quot;text&quot;",
        "",
        "  ",
        " <int>1</int>\n",
        "<dateTime.iso8601>20240229T12:34:56</dateTime.iso8601>",
        "<base64>aGVsbG8=</base64>",
        "<base64>aGVs\nbG8=</base64>",
        "<nil/>",
        "<ex:nil/>",
        "<nil></nil>",
        "<struct></struct>",
        "<struct>\n <member> <name>a b</name> <value>x</value> </member>\n</struct>",
        "<struct><member><name></name><value/></member></struct>",
        "<array><data></data></array>",
        "<array> <data> <value>1</value> <value><array><data><value/></data></array></value> </data> </array>",
    ] {
        let bytes = call_of(&param(value));
        // `<value/>` is left to the push decoder.
        assert_eq!(agrees(&bytes, Limits::default()), !value.contains("<value/>"), "{value}");
    }
    for value in [
        format!("<struct>{many_members}</struct>"),
        format!("<array><data>{many_items}</data></array>"),
    ] {
        assert!(agrees(&call_of(&param(&value)), Limits::default()));
    }
    let params: String = (0..12).map(|i| param(&i.to_string())).collect();
    assert!(agrees(&call_of(&params), Limits::default()));
    for whole in [
        &b"<methodCall><methodName>m</methodName></methodCall>"[..],
        b"<methodCall><methodName> m </methodName><params/></methodCall>",
        b"<?xml version='1.0' encoding='UTF-8'?>\n<methodCall>\n<methodName>a&amp;b</methodName>\n<params>\n</params>\n</methodCall>\n\n",
    ] {
        assert_eq!(agrees(whole, Limits::default()), !whole.ends_with(b"<params/></methodCall>"));
    }
}

#[test]
fn gives_up_on_the_rest() {
    let dup: String = (0..20)
        .map(|i| format!("<member><name>m{}</name><value/></member>", i.min(18)))
        .collect();
    let cases = [
        call_of(&param("<int>&#52;2</int>")),
        call_of(&param("<int>1</int>x")),
        call_of(&param("x<int>1</int>")),
        call_of(&param("<int >1</int>")),
        call_of(&param("<int>1</int >")),
        call_of(&param("<nil> </nil>")),
        call_of(&param("<int></int>")),
        call_of(&param("<int>x</int>")),
        call_of(&param("<string>a<!-- c -->b</string>")),
        call_of(&param("<![CDATA[x]]>")),
        call_of(&param("<struct><member><name>a</name><value/></member><member><name>a</name><value>1</value></member></struct>")),
        call_of(&param("<struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct>")),
        call_of(&param(&format!("<struct>{dup}</struct>"))),
        call_of(&param("<struct><member><value>1</value><name>a</name></member></struct>")),
        call_of(&param("<array><value>1</value></array>")),
        call_of(&param("<dateTime.iso8601>00000000T00:00:00</dateTime.iso8601>")),
        call_of(&param("<ex:serializable>x</ex:serializable>")),
        call_of(&param("<foo>1</foo>")),
        call_of(&param("<value>1</value>")),
        call_of("<param><value>1</value></param> x"),
        call_of("<param></param>"),
        b"\xEF\xBB\xBF<methodCall><methodName>m</methodName></methodCall>".to_vec(),
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodCall><methodName>m</methodName></methodCall>".to_vec(),
        b" <?xml version=\"1.0\"?><methodCall><methodName>m</methodName></methodCall>".to_vec(),
        b"<methodCall><methodName></methodName></methodCall>".to_vec(),
        b"<methodCall><methodName>m</methodName></methodCall><!-- c -->".to_vec(),
        b"<methodCall><methodName>m</methodName></methodCall>x".to_vec(),
        b"<methodCall><methodName>m</methodName>".to_vec(),
        b"<methodCall xmlns:ex='u'><methodName>m</methodName></methodCall>".to_vec(),
        b"<methodCall><methodName>m\x01</methodName></methodCall>".to_vec(),
        b"<methodCall><methodName>m\xff</methodName></methodCall>".to_vec(),
        b"<methodResponse><params></params></methodResponse>".to_vec(),
    ];
    for bytes in &cases {
        assert!(
            !agrees(bytes, Limits::default()),
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn limits_send_the_message_to_the_push_decoder() {
    let nested = call_of(&param("<array><data><value><struct><member><name>a</name><value><array><data><value>1</value></data></array></value></member></struct></value></data></array>"));
    let limits = Limits::default();
    assert!(agrees(&nested, limits));
    for tight in [
        Limits {
            max_depth: 2,
            ..limits
        },
        Limits {
            max_message_size: nested.len() - 1,
            ..limits
        },
        Limits {
            max_text_size: 0,
            ..limits
        },
        Limits {
            max_params: 0,
            ..limits
        },
        Limits {
            max_elements: 14,
            ..limits
        },
    ] {
        assert!(!agrees(&nested, tight), "{tight:?}");
    }
    assert!(agrees(
        &nested,
        Limits {
            max_depth: 3,
            max_message_size: nested.len(),
            max_text_size: 1,
            max_params: 1,
            max_elements: 15
        }
    ));
    // Deeper than MAX_NESTING: the push decoder, which does not recurse.
    let deep = format!(
        "{}1{}",
        "<array><data><value>".repeat(MAX_NESTING + 1),
        "</value></data></array>".repeat(MAX_NESTING + 1)
    );
    let deep = call_of(&param(&deep));
    assert!(!agrees(&deep, limits));
    assert!(push_call(&deep, limits).is_some());
}

#[test]
fn responses() {
    let strict = DecodeOptions::strict();
    let taken = [
        &b"<?xml version=\"1.0\"?><methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>"[..],
        b"<methodResponse>\n<fault>\n<value><struct><member><name>faultString</name><value>no</value></member><member><name>faultCode</name><value><int>4</int></value></member><member><name>x</name><value></value></member></struct></value>\n</fault>\n</methodResponse>",
    ];
    for bytes in taken {
        let fast = response(bytes, Limits::client(), strict);
        assert!(fast.is_some());
        assert_eq!(fast, push_response(bytes, strict));
    }
    let refused = [
        &b"<methodResponse><params></params></methodResponse>"[..],
        b"<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>",
        b"<methodResponse><fault><value><struct></struct></value></fault></methodResponse>",
        b"<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>4</int></value></member><member><name>faultString</name><value>x</value></member><member><name>faultCause</name><value><ex:serializable>x</ex:serializable></value></member></struct></value></fault></methodResponse>",
        b"<methodCall><methodName>m</methodName></methodCall>",
    ];
    for bytes in refused {
        assert!(response(bytes, Limits::client(), DecodeOptions::lenient()).is_none());
    }
}
