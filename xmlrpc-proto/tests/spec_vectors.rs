//! SPEC.md rules 1-19 as data tables of accepting and refusing vectors.
//!
//! Every vector runs three ways: whole, in chunks of 7 bytes, and one byte
//! at a time; all three must give the same events or the same error kind.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use xmlrpc_proto::decode::{
    DecodeErrorKind as K, DecodeOptions, Decoder, Event, LimitKind, MessageKind,
};
use xmlrpc_proto::{Array, DateTime, Fault, Limits, Struct, Value};

/// What a vector must decode to.
enum Expect {
    /// A call: method name and params.
    Call(&'static str, Vec<Value>),
    /// A successful response.
    Ok(Value),
    /// A fault response.
    Fault(i32, &'static str),
    /// A refusal of this kind.
    Err(K),
}

/// One row: the rule, a label, the message kind, the input.
struct Vector {
    rule: u8,
    label: &'static str,
    kind: MessageKind,
    input: Vec<u8>,
    expect: Expect,
    limits: Limits,
    options: DecodeOptions,
    charset: Option<&'static str>,
}

fn call_of(params: &str) -> String {
    format!("<methodCall><methodName>m</methodName><params>{params}</params></methodCall>")
}

fn value_of(value: &str) -> String {
    call_of(&format!("<param><value>{value}</value></param>"))
}

fn response_of(value: &str) -> String {
    format!(
        "<methodResponse><params><param><value>{value}</value></param></params></methodResponse>"
    )
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn st(members: &[(&str, Value)]) -> Value {
    let mut s = Struct::new();
    for (k, v) in members {
        s.push(*k, v.clone());
    }
    Value::Struct(s)
}

fn arr(values: Vec<Value>) -> Value {
    Value::Array(Array::from(values))
}

fn dt(text: &str) -> Value {
    Value::DateTime(text.parse::<DateTime>().unwrap())
}

fn run(v: &Vector, chunk: usize) -> Result<Vec<Event>, K> {
    let mut decoder = Decoder::with_options(v.kind, v.limits, v.options);
    if let Some(charset) = v.charset {
        decoder
            .set_transport_charset(charset)
            .map_err(|e| e.kind().clone())?;
    }
    let mut events = Vec::new();
    let mut drain = |d: &mut Decoder| -> Result<(), K> {
        while let Some(e) = d.poll_event().map_err(|e| e.kind().clone())? {
            events.push(e);
        }
        Ok(())
    };
    for piece in v.input.chunks(chunk.max(1)) {
        decoder.feed(piece).map_err(|e| e.kind().clone())?;
        drain(&mut decoder)?;
    }
    decoder.finish().map_err(|e| e.kind().clone())?;
    drain(&mut decoder)?;
    Ok(events)
}

fn expected_events(expect: &Expect) -> Option<Vec<Event>> {
    let mut out = Vec::new();
    match expect {
        Expect::Call(name, params) => {
            out.push(Event::MethodName(name.to_string()));
            out.extend(params.iter().cloned().map(Event::Param));
        }
        Expect::Ok(v) => out.push(Event::Param(v.clone())),
        Expect::Fault(code, msg) => out.push(Event::Fault(Fault::new(*code, *msg))),
        Expect::Err(_) => return None,
    }
    out.push(Event::End);
    Some(out)
}

/// With `XMLRPC_SEED_DIR` set, writes every vector's input there
/// (`call-*.xml`, `response-*.xml`) for the fuzz seed corpora.
fn dump_seeds(vectors: &[Vector]) {
    let Some(dir) = std::env::var_os("XMLRPC_SEED_DIR") else {
        return;
    };
    for v in vectors {
        let kind = if v.kind == MessageKind::Call {
            "call"
        } else {
            "response"
        };
        let slug: String = v
            .label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let name = format!("{kind}-rule{:02}-{slug}.xml", v.rule);
        std::fs::write(std::path::Path::new(&dir).join(name), &v.input).expect("seed written");
    }
}

fn check(vectors: Vec<Vector>) {
    dump_seeds(&vectors);
    let mut failures = Vec::new();
    for v in &vectors {
        for chunk in [usize::MAX, 7, 1] {
            let got = run(v, chunk);
            let ok = match (&v.expect, &got) {
                (Expect::Err(kind), Err(got)) => kind == got,
                (expect, Ok(events)) => expected_events(expect).as_ref() == Some(events),
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "rule {} `{}` (chunk {chunk}): got {got:?}",
                    v.rule, v.label
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Builds a table row; `c` for calls, `r` for responses.
macro_rules! vectors {
    ($( $rule:literal $kind:ident $label:literal : $input:expr => $expect:expr ),* $(,)?) => {
        vec![$( Vector {
            rule: $rule,
            label: $label,
            kind: vectors!(@kind $kind),
            input: Vec::from(AsRef::<[u8]>::as_ref(&$input)),
            expect: $expect,
            limits: Limits::default(),
            options: DecodeOptions::strict(),
            charset: None,
        } ),*]
    };
    (@kind c) => { MessageKind::Call };
    (@kind r) => { MessageKind::Response };
}

use Expect::{Call, Err as E, Fault as F, Ok as R};

#[test]
fn rules_1_to_6_messages() {
    check(vectors![
        1 c "params absent": "<methodCall><methodName>m</methodName></methodCall>" => Call("m", vec![]),
        1 c "params empty": "<methodCall><methodName>m</methodName><params/></methodCall>" => Call("m", vec![]),
        1 c "params open-close": "<methodCall><methodName>m</methodName><params></params></methodCall>" => Call("m", vec![]),
        1 c "two params": call_of("<param><value><int>1</int></value></param><param><value>x</value></param>") => Call("m", vec![Value::Int(1), s("x")]),
        1 c "no methodName": "<methodCall><params/></methodCall>" => E(K::Structure),
        1 c "two methodNames": "<methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>" => E(K::Structure),
        1 c "params before methodName": "<methodCall><params/><methodName>a</methodName></methodCall>" => E(K::Structure),
        1 c "two params elements": "<methodCall><methodName>a</methodName><params/><params/></methodCall>" => E(K::Structure),
        1 c "param without value": call_of("<param/>") => E(K::Structure),
        1 c "param with two values": call_of("<param><value>a</value><value>b</value></param>") => E(K::Structure),
        2 c "spec characters": "<methodCall><methodName>a.b_C:9/x</methodName></methodCall>" => Call("a.b_C:9/x", vec![]),
        2 c "any XML text": "<methodCall><methodName>caf\u{e9} &amp; co</methodName></methodCall>" => Call("caf\u{e9} & co", vec![]),
        2 c "empty name": "<methodCall><methodName></methodName></methodCall>" => E(K::Structure),
        2 c "empty name tag": "<methodCall><methodName/></methodCall>" => E(K::Structure),
        2 c "element in name": "<methodCall><methodName>a<b/></methodName></methodCall>" => E(K::Structure),
        3 r "one param": response_of("<int>7</int>") => R(Value::Int(7)),
        3 r "two params": "<methodResponse><params><param><value>a</value></param><param><value>b</value></param></params></methodResponse>" => E(K::Structure),
        3 r "empty params (strict)": "<methodResponse><params/></methodResponse>" => E(K::Structure),
        3 r "empty params open-close": "<methodResponse><params></params></methodResponse>" => E(K::Structure),
        3 r "neither params nor fault": "<methodResponse></methodResponse>" => E(K::Structure),
        3 r "params and fault": "<methodResponse><params><param><value>a</value></param></params><fault/></methodResponse>" => E(K::Structure),
        3 r "call root in response": "<methodCall><methodName>m</methodName></methodCall>" => E(K::Structure),
        3 c "response root in call": response_of("x") => E(K::Structure),
        4 r "fault": "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>4</int></value></member><member><name>faultString</name><value><string>Too many</string></value></member></struct></value></fault></methodResponse>" => F(4, "Too many"),
        4 r "fault reversed, untyped string": "<methodResponse><fault><value><struct><member><name>faultString</name><value>boom</value></member><member><name>faultCode</name><value><i4>-1</i4></value></member></struct></value></fault></methodResponse>" => F(-1, "boom"),
        4 r "fault with faultCause": "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member><member><name>faultString</name><value>x</value></member><member><name>faultCause</name><value><base64>AAEC</base64></value></member></struct></value></fault></methodResponse>" => F(1, "x"),
        4 r "faultCause ex:serializable skipped unread": "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member><member><name>faultCause</name><value><ex:serializable>rO0AB<x><y/></x>&amp;</ex:serializable></value></member><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>" => F(1, "x"),
        4 r "faultString as ex:serializable refused": "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member><member><name>faultString</name><value><ex:serializable>rO0AB</ex:serializable></value></member></struct></value></fault></methodResponse>" => E(K::Structure),
        4 r "ex:dom deeper in a fault refused": "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member><member><name>faultString</name><value>x</value></member><member><name>more</name><value><array><data><value><ex:dom/></value></data></array></value></member></struct></value></fault></methodResponse>" => E(K::Structure),
        4 r "skipped content still well-formed": "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member><member><name>faultCause</name><value><ex:serializable><a></ex:serializable></value></member></struct></value></fault></methodResponse>" => E(K::Syntax),
        4 r "fault code not int": "<methodResponse><fault><value><struct><member><name>faultCode</name><value>1</value></member><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>" => E(K::Structure),
        4 r "fault without string": "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member></struct></value></fault></methodResponse>" => E(K::Structure),
        4 r "fault not struct": "<methodResponse><fault><value><int>1</int></value></fault></methodResponse>" => E(K::Structure),
        4 r "fault without value": "<methodResponse><fault></fault></methodResponse>" => E(K::Structure),
        5 c "declaration, comments, whitespace": "<?xml version=\"1.0\"?>\n<!-- hi -->\n<methodCall>\n  <methodName>m</methodName> <!-- x -->\n</methodCall>\n<!-- bye -->\n" => Call("m", vec![]),
        5 c "declaration with encoding and standalone": "<?xml version='1.0' encoding='UTF-8' standalone='yes'?><methodCall><methodName>m</methodName></methodCall>" => Call("m", vec![]),
        5 c "declaration not at start": " <?xml version=\"1.0\"?><methodCall><methodName>m</methodName></methodCall>" => E(K::Syntax),
        5 c "declaration after root": "<methodCall><methodName>m</methodName></methodCall><?xml version=\"1.0\"?>" => E(K::Syntax),
        5 c "declaration longer than 1 KiB": format!("<?xml version=\"1.0\"{}?><methodCall><methodName>m</methodName></methodCall>", " ".repeat(1100)) => E(K::Syntax),
        5 c "DOCTYPE": "<!DOCTYPE methodCall [<!ENTITY x \"y\">]><methodCall><methodName>&x;</methodName></methodCall>" => E(K::Syntax),
        5 c "billion laughs": "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><methodCall><methodName>&lol2;</methodName></methodCall>" => E(K::Syntax),
        5 c "processing instruction": "<methodCall><?php echo 1 ?><methodName>m</methodName></methodCall>" => E(K::Syntax),
        5 c "two roots": "<methodCall><methodName>m</methodName></methodCall><methodCall/>" => E(K::Syntax),
        5 c "text after root": "<methodCall><methodName>m</methodName></methodCall>x" => E(K::Syntax),
        5 c "text before root": "x<methodCall><methodName>m</methodName></methodCall>" => E(K::Syntax),
        5 c "text between elements": "<methodCall>x<methodName>m</methodName></methodCall>" => E(K::Structure),
        5 c "truncated": "<methodCall><methodName>m</methodName>" => E(K::Syntax),
        5 c "truncated tag": "<methodCall><methodName>m</methodName></methodCa" => E(K::Syntax),
        5 c "empty input": "" => E(K::Syntax),
        5 c "mismatched end tag": "<methodCall><methodName>m</methodCall></methodName>" => E(K::Syntax),
        5 c "unterminated comment": "<methodCall><methodName>m</methodName></methodCall><!--" => E(K::Syntax),
        5 c "double dash in comment": "<methodCall><!-- a -- b --><methodName>m</methodName></methodCall>" => E(K::Syntax),
        6 c "default namespace": "<methodCall xmlns=\"http://example.com/x\"><methodName>m</methodName></methodCall>" => Call("m", vec![]),
        6 c "ex namespace on root": "<methodCall xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\"><methodName>m</methodName></methodCall>" => Call("m", vec![]),
        6 c "other attribute": "<methodCall id=\"1\"><methodName>m</methodName></methodCall>" => E(K::Structure),
        6 c "other prefix": value_of("<foo:int xmlns:foo=\"u\">1</foo:int>") => E(K::Structure),
        6 c "unknown element": value_of("<integer>1</integer>") => E(K::Structure),
    ]);
}

#[test]
fn rules_7_to_12_scalars() {
    check(vectors![
        7 c "bare text verbatim": value_of("  two  words \n") => Call("m", vec![s("  two  words \n")]),
        7 c "empty value tag": call_of("<param><value/></param>") => Call("m", vec![s("")]),
        7 c "empty value": value_of("") => Call("m", vec![s("")]),
        7 c "whitespace around typed child": value_of("\n  <int>1</int>\n") => Call("m", vec![Value::Int(1)]),
        7 c "text and typed child": value_of("x<int>1</int>") => E(K::Structure),
        7 c "typed child then text": value_of("<int>1</int>x") => E(K::Structure),
        7 c "two typed children": value_of("<int>1</int><int>2</int>") => E(K::Structure),
        7 c "value in value": value_of("<value>1</value>") => E(K::Structure),
        8 c "int": value_of("<int>-42</int>") => Call("m", vec![Value::Int(-42)]),
        8 c "i4 with plus and zeros": value_of("<i4>+0007</i4>") => Call("m", vec![Value::Int(7)]),
        8 c "int bounds": call_of("<param><value><int>2147483647</int></value></param><param><value><int>-2147483648</int></value></param>") => Call("m", vec![Value::Int(i32::MAX), Value::Int(i32::MIN)]),
        8 c "int surrounding whitespace (documented)": value_of("<int> 5\n</int>") => Call("m", vec![Value::Int(5)]),
        8 c "int overflow": value_of("<int>2147483648</int>") => E(K::InvalidValue),
        8 c "int inner space": value_of("<int>1 2</int>") => E(K::InvalidValue),
        8 c "int empty": value_of("<int></int>") => E(K::InvalidValue),
        8 c "int decimal point": value_of("<int>1.0</int>") => E(K::InvalidValue),
        8 c "int hex": value_of("<int>0x10</int>") => E(K::InvalidValue),
        9 c "i8": value_of("<i8>-9223372036854775808</i8>") => Call("m", vec![Value::I8(i64::MIN)]),
        9 c "i8 small": value_of("<i8>5</i8>") => Call("m", vec![Value::I8(5)]),
        9 c "i8 overflow": value_of("<i8>9223372036854775808</i8>") => E(K::InvalidValue),
        10 c "boolean 1": value_of("<boolean>1</boolean>") => Call("m", vec![Value::Bool(true)]),
        10 c "boolean 0": value_of("<boolean>0</boolean>") => Call("m", vec![Value::Bool(false)]),
        10 c "boolean true": value_of("<boolean>true</boolean>") => E(K::InvalidValue),
        10 c "boolean 2": value_of("<boolean>2</boolean>") => E(K::InvalidValue),
        10 c "boolean empty": value_of("<boolean/>") => E(K::InvalidValue),
        11 c "string references": value_of("<string>&lt;a&gt; &amp; &quot;&apos; &#65;&#x42;</string>") => Call("m", vec![s("<a> & \"' AB")]),
        11 c "string CDATA": value_of("<string>a<![CDATA[<b>&amp;]]>c</string>") => Call("m", vec![s("a<b>&amp;c")]),
        11 c "string comment skipped": value_of("<string>a<!-- x -->b</string>") => Call("m", vec![s("ab")]),
        11 c "string CR reference survives": value_of("<string>a&#xD;&#13;\r\nb</string>") => Call("m", vec![s("a\r\r\nb")]),
        11 c "literal CR normalised": value_of("<string>a\r\nb\rc</string>") => Call("m", vec![s("a\nb\nc")]),
        11 c "string empty tag": value_of("<string/>") => Call("m", vec![s("")]),
        11 c "string whitespace kept": value_of("<string>  </string>") => Call("m", vec![s("  ")]),
        11 c "unicode": value_of("<string>\u{1F600}\u{e9}\u{4e2d}</string>") => Call("m", vec![s("\u{1F600}\u{e9}\u{4e2d}")]),
        11 c "unknown entity": value_of("<string>&nbsp;</string>") => E(K::Syntax),
        11 c "bare ampersand": value_of("<string>a & b</string>") => E(K::Syntax),
        11 c "control char": value_of("<string>a\u{1}b</string>") => E(K::InvalidCharacter),
        11 c "control char reference": value_of("<string>&#1;</string>") => E(K::Syntax),
        11 c "U+FFFE": value_of("<string>\u{FFFE}</string>") => E(K::InvalidCharacter),
        11 c "element in string": value_of("<string><b/></string>") => E(K::Structure),
        12 c "double": value_of("<double>-1.5</double>") => Call("m", vec![Value::Double(-1.5)]),
        12 c "double integer form": value_of("<double>3</double>") => Call("m", vec![Value::Double(3.0)]),
        12 c "double exponent": value_of("<double>1e+16</double>") => Call("m", vec![Value::Double(1e16)]),
        12 c "double exponent upper": value_of("<double>1.0E7</double>") => Call("m", vec![Value::Double(1e7)]),
        12 c "double NaN": value_of("<double>nan</double>") => E(K::InvalidValue),
        12 c "double inf": value_of("<double>inf</double>") => E(K::InvalidValue),
        12 c "double overflow": value_of("<double>1e400</double>") => E(K::InvalidValue),
        12 c "double leading dot": value_of("<double>.5</double>") => E(K::InvalidValue),
        12 c "double comma": value_of("<double>1,5</double>") => E(K::InvalidValue),
    ]);
}

#[test]
fn rules_13_to_17_values() {
    let big_struct: String = (0..100)
        .map(|i| format!("<member><name>k{i}</name><value><int>{i}</int></value></member>"))
        .collect();
    let big_members: Vec<(String, Value)> =
        (0..100).map(|i| (format!("k{i}"), Value::Int(i))).collect();
    let mut big = Struct::new();
    for (k, v) in big_members {
        big.push(k, v);
    }
    let mut rows = vectors![
        13 c "basic form": value_of("<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>") => Call("m", vec![dt("19980717T14:08:55")]),
        13 c "extended form": value_of("<dateTime.iso8601>1998-07-17T14:08:55</dateTime.iso8601>") => Call("m", vec![dt("19980717T14:08:55")]),
        13 c "fraction and Z": value_of("<dateTime.iso8601>19980717T14:08:55.123Z</dateTime.iso8601>") => Call("m", vec![dt("19980717T14:08:55.123Z")]),
        13 c "offset with colon": value_of("<dateTime.iso8601>19980717T14:08:55+05:30</dateTime.iso8601>") => Call("m", vec![dt("19980717T14:08:55+0530")]),
        13 c "offset without colon": value_of("<dateTime.iso8601>19980717T14:08:55-0800</dateTime.iso8601>") => Call("m", vec![dt("19980717T14:08:55-08:00")]),
        13 c "invalid date": value_of("<dateTime.iso8601>19990229T14:08:55</dateTime.iso8601>") => E(K::InvalidValue),
        13 c "invalid time": value_of("<dateTime.iso8601>19980717T25:08:55</dateTime.iso8601>") => E(K::InvalidValue),
        13 c "garbage": value_of("<dateTime.iso8601>yesterday</dateTime.iso8601>") => E(K::InvalidValue),
        14 c "base64": value_of("<base64>aGVsbG8=</base64>") => Call("m", vec![Value::Base64("hello".into())]),
        14 c "base64 line breaks": value_of("<base64>aGVs\r\n bG8=\n</base64>") => Call("m", vec![Value::Base64("hello".into())]),
        14 c "base64 empty": value_of("<base64></base64>") => Call("m", vec![Value::Base64("".into())]),
        14 c "base64 empty tag": value_of("<base64/>") => Call("m", vec![Value::Base64("".into())]),
        14 c "base64 bad character": value_of("<base64>aGV*bG8=</base64>") => E(K::InvalidValue),
        14 c "base64 bad padding": value_of("<base64>aGVsbG8</base64>") => E(K::InvalidValue),
        15 c "struct order kept": value_of("<struct><member><name>b</name><value>1</value></member><member><name>a</name><value><int>2</int></value></member></struct>") => Call("m", vec![st(&[("b", s("1")), ("a", Value::Int(2))])]),
        15 c "empty struct": value_of("<struct/>") => Call("m", vec![st(&[])]),
        15 c "empty member name": value_of("<struct><member><name/><value>x</value></member></struct>") => Call("m", vec![st(&[("", s("x"))])]),
        15 c "large struct": value_of(&format!("<struct>{big_struct}</struct>")) => Call("m", vec![Value::Struct(big.clone())]),
        15 c "duplicate member": value_of("<struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct>") => E(K::Structure),
        15 c "duplicate in large struct": value_of(&format!("<struct>{big_struct}<member><name>k7</name><value>x</value></member></struct>")) => E(K::Structure),
        15 c "member without name": value_of("<struct><member><value>1</value></member></struct>") => E(K::Structure),
        15 c "member without value": value_of("<struct><member><name>a</name></member></struct>") => E(K::Structure),
        15 c "member value before name": value_of("<struct><member><value>1</value><name>a</name></member></struct>") => E(K::Structure),
        15 c "text in struct": value_of("<struct>x</struct>") => E(K::Structure),
        16 c "array mixed": value_of("<array><data><value><int>1</int></value><value>two</value><value><array><data/></array></value></data></array>") => Call("m", vec![arr(vec![Value::Int(1), s("two"), arr(vec![])])]),
        16 c "empty data": value_of("<array><data></data></array>") => Call("m", vec![arr(vec![])]),
        16 c "array without data": value_of("<array></array>") => E(K::Structure),
        16 c "array empty tag": value_of("<array/>") => E(K::Structure),
        16 c "two data": value_of("<array><data/><data/></array>") => E(K::Structure),
        16 c "value directly in array": value_of("<array><value>1</value></array>") => E(K::Structure),
        17 c "nil": value_of("<nil/>") => Call("m", vec![Value::Nil]),
        17 c "nil open-close": value_of("<nil></nil>") => Call("m", vec![Value::Nil]),
        17 c "nil with text": value_of("<nil>x</nil>") => E(K::Structure),
    ];
    rows.extend(vectors![
        13 r "datetime response": response_of("<dateTime.iso8601>20240229T00:00:00</dateTime.iso8601>") => R(dt("20240229T00:00:00")),
    ]);
    check(rows);
}

const EX: &str = "xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\"";

fn apache(value: &str) -> String {
    format!("<methodResponse {EX}><params><param><value>{value}</value></param></params></methodResponse>")
}

#[test]
fn rule_18_apache_extensions() {
    check(vectors![
        18 r "ex:nil": apache("<ex:nil/>") => R(Value::Nil),
        18 r "ex:i1": apache("<ex:i1>-128</ex:i1>") => R(Value::Int(-128)),
        18 r "ex:i1 range": apache("<ex:i1>128</ex:i1>") => E(K::InvalidValue),
        18 r "ex:i2": apache("<ex:i2>32767</ex:i2>") => R(Value::Int(32767)),
        18 r "ex:i2 range": apache("<ex:i2>-32769</ex:i2>") => E(K::InvalidValue),
        18 r "ex:i4": apache("<ex:i4>7</ex:i4>") => R(Value::Int(7)),
        18 r "ex:i8": apache("<ex:i8>9223372036854775807</ex:i8>") => R(Value::I8(i64::MAX)),
        18 r "ex:float": apache("<ex:float>1.5E3</ex:float>") => R(Value::Double(1500.0)),
        18 r "ex:float range": apache("<ex:float>1e39</ex:float>") => E(K::InvalidValue),
        18 r "ex:dateTime": apache("<ex:dateTime>2008-03-15T12:00:00.000+0100</ex:dateTime>") => R(dt("20080315T12:00:00+01:00")),
        18 r "ex:serializable refused": apache("<ex:serializable>rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA==</ex:serializable>") => E(K::Structure),
        18 r "ex:serializable refused, content never read": apache("<ex:serializable><not-even-closed></ex:serializable>") => E(K::Structure),
        18 r "ex:dom refused": apache("<ex:dom><a/></ex:dom>") => E(K::Structure),
        18 r "unknown ex type": apache("<ex:bigdecimal>1</ex:bigdecimal>") => E(K::Structure),
        18 r "ex prefix mismatched end": apache("<ex:i4>1</i4>") => E(K::Syntax),
    ]);
}

fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect()
}

fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = bom.then_some(0xFEFF).into_iter().chain(s.encode_utf16());
    for u in units {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn rule_19_encodings() {
    let text = "caf\u{e9} \u{fc}ber";
    let body = response_of(&format!("<string>{text}</string>"));
    let declared = |enc: &str| format!("<?xml version=\"1.0\" encoding=\"{enc}\"?>{body}");
    let mut rows = vectors![
        19 r "UTF-8 default": body.clone() => R(s(text)),
        19 r "UTF-8 BOM": [&b"\xEF\xBB\xBF"[..], body.as_bytes()].concat() => R(s(text)),
        19 r "UTF-8 declared": declared("UTF-8") => R(s(text)),
        19 r "ISO-8859-1 declared": latin1(&declared("ISO-8859-1")) => R(s(text)),
        19 r "Windows-1252 euro": {
            let mut v = latin1(&declared("windows-1252").replace(text, "X"));
            let i = v.iter().position(|&b| b == b'X').unwrap();
            v[i] = 0x80;
            v
        } => R(s("\u{20ac}")),
        19 r "UTF-16LE BOM": utf16(&declared("UTF-16"), true, true) => R(s(text)),
        19 r "UTF-16BE BOM": utf16(&declared("UTF-16"), false, true) => R(s(text)),
        19 r "UTF-16LE no BOM": utf16(&declared("UTF-16"), true, false) => R(s(text)),
        19 r "UTF-16BE no BOM, no declaration": utf16(&format!("<?xml version=\"1.0\"?>{body}"), false, false) => R(s(text)),
        19 r "unknown encoding": declared("EBCDIC-XYZ") => E(K::UnsupportedEncoding),
        19 r "declared UTF-16 but 8-bit": declared("UTF-16") => E(K::UnsupportedEncoding),
        19 r "invalid UTF-8 byte": {
            let mut v = response_of("<string>X</string>").into_bytes();
            let i = v.iter().position(|&b| b == b'X').unwrap();
            v[i] = 0xFF;
            v
        } => E(K::InvalidCharacter),
        19 r "truncated UTF-8 sequence": {
            let mut v = response_of("<string>XY</string>").into_bytes();
            let i = v.iter().position(|&b| b == b'X').unwrap();
            v[i] = 0xC3;
            v
        } => E(K::InvalidCharacter),
        19 r "unpaired surrogate in UTF-16": {
            let mut v = utf16(&response_of("<string>X</string>"), true, true);
            let i = v.iter().position(|&b| b == b'X').unwrap();
            v[i] = 0x00;
            v[i + 1] = 0xDC;
            v
        } => E(K::InvalidCharacter),
    ];
    // Two rows above are placeholders that exercise nothing new; drop them.
    // The transport charset (HTTP) beats the declaration; a BOM beats both.
    let mut transport = vectors![
        19 r "HTTP charset latin1": latin1(&body) => R(s(text)),
        19 r "HTTP charset over declaration": latin1(&declared("UTF-8")) => R(s(text)),
        19 r "BOM over HTTP charset": utf16(&body, true, true) => R(s(text)),
    ];
    for row in &mut transport {
        row.charset = Some("ISO-8859-1");
    }
    rows.extend(transport);
    check(rows);

    let mut decoder = Decoder::new(MessageKind::Call, Limits::default());
    let err = decoder.set_transport_charset("koi8-r").unwrap_err();
    assert_eq!(err.kind(), &K::UnsupportedEncoding);
    assert_eq!(err.fault_code(), -32701);
}

#[test]
fn limits_name_the_field() {
    let deep = |n: usize| {
        value_of(&format!(
            "{}x{}",
            "<array><data><value>".repeat(n),
            "</value></data></array>".repeat(n)
        ))
    };
    let cases: Vec<(Limits, String, LimitKind)> = vec![
        (
            Limits {
                max_depth: 3,
                ..Limits::default()
            },
            deep(4),
            LimitKind::Depth,
        ),
        (
            Limits {
                max_message_size: 50,
                ..Limits::default()
            },
            value_of("x"),
            LimitKind::MessageSize,
        ),
        (
            Limits {
                max_text_size: 4,
                ..Limits::default()
            },
            value_of("<string>12345</string>"),
            LimitKind::TextSize,
        ),
        (
            Limits {
                max_text_size: 4,
                ..Limits::default()
            },
            "<methodCall><methodName>abcdef</methodName></methodCall>".into(),
            LimitKind::TextSize,
        ),
        (
            Limits {
                max_params: 2,
                ..Limits::default()
            },
            call_of(&"<param><value/></param>".repeat(3)),
            LimitKind::Params,
        ),
        (
            Limits {
                max_elements: 5,
                ..Limits::default()
            },
            value_of("<array><data><value/><value/></data></array>"),
            LimitKind::Elements,
        ),
    ];
    let mut rows = Vec::new();
    for (limits, input, kind) in cases {
        rows.push(Vector {
            rule: 0,
            label: kind.name(),
            kind: MessageKind::Call,
            input: input.into_bytes(),
            expect: E(K::LimitExceeded(kind)),
            limits,
            options: DecodeOptions::strict(),
            charset: None,
        });
    }
    // At the limit is fine.
    rows.push(Vector {
        rule: 0,
        label: "depth at the limit",
        kind: MessageKind::Call,
        input: deep(3).into_bytes(),
        expect: Call("m", vec![arr(vec![arr(vec![arr(vec![s("x")])])])]),
        limits: Limits {
            max_depth: 3,
            ..Limits::default()
        },
        options: DecodeOptions::strict(),
        charset: None,
    });
    // Lenient responses accept an empty <params/> as nil (rule 3).
    rows.push(Vector {
        rule: 3,
        label: "lenient empty params",
        kind: MessageKind::Response,
        input: b"<methodResponse><params/></methodResponse>".to_vec(),
        expect: R(Value::Nil),
        limits: Limits::client(),
        options: DecodeOptions::strict().lenient_empty_response(true),
        charset: None,
    });
    check(rows);
}

#[test]
fn errors_carry_code_offset_and_short_excerpt() {
    let mut input = value_of("<int>12x</int>").into_bytes();
    input.extend(std::iter::repeat_n(b' ', 10_000));
    let err = xmlrpc_proto::decode_call(&input).unwrap_err();
    assert_eq!(err.kind(), &K::InvalidValue);
    assert_eq!(err.fault_code(), -32600);
    let at = value_of("<int>12x</int>").find("</int>").unwrap() as u64;
    assert_eq!(err.offset(), at, "offset points at the end tag");
    assert!(err.excerpt().len() <= xmlrpc_proto::DecodeError::MAX_EXCERPT);
    assert!(err.message().contains("int"), "{}", err.message());

    let err = xmlrpc_proto::decode_call(b"<!DOCTYPE x><methodCall/>").unwrap_err();
    assert_eq!((err.fault_code(), err.offset()), (-32700, 0));
    let dup = value_of("<struct><member><name>same</name><value/></member><member><name>same</name><value/></member></struct>");
    let err = xmlrpc_proto::decode_call(dup.as_bytes()).unwrap_err();
    assert!(err.message().contains("`same`"), "{}", err.message());
    let err = xmlrpc_proto::decode_call(value_of("<ex:dom/>").as_bytes()).unwrap_err();
    assert!(err.message().contains("ex:dom"), "{}", err.message());
}

#[test]
fn events_arrive_as_each_param_closes() {
    let input = call_of(
        "<param><value><int>1</int></value></param><param><value><int>2</int></value></param>",
    );
    let cut = input.find("</param>").unwrap() + "</param>".len();
    let mut decoder = Decoder::new(MessageKind::Call, Limits::default());
    decoder.feed(&input.as_bytes()[..cut - 1]).unwrap();
    assert_eq!(
        decoder.poll_event().unwrap(),
        Some(Event::MethodName("m".into()))
    );
    assert_eq!(decoder.poll_event().unwrap(), None, "param not closed yet");
    decoder.feed(&input.as_bytes()[cut - 1..cut]).unwrap();
    assert_eq!(
        decoder.poll_event().unwrap(),
        Some(Event::Param(Value::Int(1)))
    );
    assert_eq!(decoder.poll_event().unwrap(), None);
    decoder.feed(&input.as_bytes()[cut..]).unwrap();
    assert_eq!(
        decoder.poll_event().unwrap(),
        Some(Event::Param(Value::Int(2)))
    );
    assert_eq!(decoder.poll_event().unwrap(), None, "End waits for finish");
    decoder.finish().unwrap();
    assert_eq!(decoder.poll_event().unwrap(), Some(Event::End));
    assert!(decoder.feed(b" ").is_err(), "no input after finish");
}

#[test]
fn deep_nesting_is_refused_without_recursion() {
    let n = 200_000;
    let input = value_of(&format!(
        "{}{}",
        "<array><data><value>".repeat(n),
        "</value></data></array>".repeat(n)
    ));
    let err = xmlrpc_proto::decode_call(input.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), &K::LimitExceeded(LimitKind::Depth));
    let limits = Limits {
        max_depth: usize::MAX,
        max_elements: usize::MAX,
        ..Limits::default()
    };
    let call = xmlrpc_proto::decode::decode_call_with(input.as_bytes(), limits).unwrap();
    assert_eq!(call.params.len(), 1);
}

/// Long runs fed one byte at a time stay linear: text, comments and CDATA
/// are handed out in pieces, never re-scanned (256 KiB each would take
/// minutes if they were).
#[test]
fn bytewise_feeding_of_long_runs_is_linear() {
    let n = 256 << 10;
    let body = format!(
        "<string>{}<!--{}--><![CDATA[{}]]></string>",
        "t&amp;".repeat(n / 6),
        "c".repeat(n),
        "d".repeat(n)
    );
    let input = value_of(&body);
    let mut decoder = Decoder::new(MessageKind::Call, Limits::default());
    for b in input.as_bytes() {
        decoder.feed(std::slice::from_ref(b)).unwrap();
    }
    decoder.finish().unwrap();
    assert_eq!(
        decoder.poll_event().unwrap(),
        Some(Event::MethodName("m".into()))
    );
    let expected = format!("{}{}", "t&".repeat(n / 6), "d".repeat(n));
    assert_eq!(
        decoder.poll_event().unwrap(),
        Some(Event::Param(s(&expected)))
    );

    // A tag is bounded (8 KiB), so re-scanning an incomplete one is too.
    let attrs: String = (0..600).map(|i| format!(" xmlns:p{i}=\"urn:x\"")).collect();
    let long_tag = format!("<methodCall{attrs}><methodName>m</methodName></methodCall>");
    let err = xmlrpc_proto::decode_call(long_tag.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), &K::Syntax);
    assert!(err.message().contains("8 KiB"), "{}", err.message());
}
