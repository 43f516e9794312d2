//! The demo service end to end through bytes in, bytes out: every method,
//! multicall mixing good and faulting calls, introspection of every method,
//! and the CGI example.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use bytes::{Bytes, BytesMut};
use futures_lite::future::block_on;
use xmlrpc_demo as demo;
use xmlrpc_proto::service::{Context, Router};
use xmlrpc_proto::{
    decode_response, encode_call, fault_code, Array, DateTime, Fault, MethodCall, MethodResponse,
    Struct, Value,
};

#[allow(dead_code)] // `main` is the example's, not the test's
#[path = "../examples/cgi.rs"]
mod cgi;

fn body(method: &str, params: Vec<Value>) -> BytesMut {
    let mut out = BytesMut::new();
    encode_call(&MethodCall::new(method, params), &mut out).expect("encodable call");
    out
}

/// Encodes the call, runs it through `handle_body`, decodes the answer.
fn call(router: &Router, method: &str, params: Vec<Value>) -> MethodResponse {
    let answer = router.handle_body(&body(method, params), Context::default());
    decode_response(&answer).expect("a well-formed response")
}

fn ok(router: &Router, method: &str, params: Vec<Value>) -> Value {
    match call(router, method, params) {
        MethodResponse::Success(value) => value,
        MethodResponse::Fault(f) => panic!("{method}: expected success, got {f}"),
    }
}

fn fault(router: &Router, method: &str, params: Vec<Value>) -> Fault {
    match call(router, method, params) {
        MethodResponse::Fault(f) => f,
        MethodResponse::Success(v) => panic!("{method}: expected a fault, got {v:?}"),
    }
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn array(values: Vec<Value>) -> Value {
    Value::Array(Array::from(values))
}

fn strukt(members: &[(&str, Value)]) -> Value {
    let mut out = Struct::new();
    for (name, value) in members {
        out.insert(*name, value.clone());
    }
    Value::Struct(out)
}

fn stooges(moe: i32, larry: i32, curly: i32) -> Value {
    strukt(&[
        ("moe", Value::Int(moe)),
        ("larry", Value::Int(larry)),
        ("curly", Value::Int(curly)),
    ])
}

#[test]
fn factorial_results_are_int_then_i8() {
    let router = demo::router();
    let cases = [
        (0, Value::Int(1)),
        (1, Value::Int(1)),
        (5, Value::Int(120)),
        (12, Value::Int(479_001_600)),
        (13, Value::I8(6_227_020_800)),
        (20, Value::I8(2_432_902_008_176_640_000)),
    ];
    for (n, expected) in cases {
        assert_eq!(
            ok(&router, "factorial", vec![Value::Int(n)]),
            expected,
            "{n}!"
        );
    }
    // An i8 argument in range is fine too.
    assert_eq!(ok(&router, "factorial", vec![Value::I8(3)]), Value::Int(6));
}

#[test]
fn factorial_faults_name_the_parameter() {
    let router = demo::router();
    for n in [-1, 21, i32::MIN, i32::MAX] {
        let f = fault(&router, "factorial", vec![Value::Int(n)]);
        assert_eq!(f.code, fault_code::INVALID_PARAMS, "{n}");
        assert!(f.message.starts_with("params[0]"), "{}", f.message);
    }
    let f = fault(&router, "factorial", vec![s("ten")]);
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert!(f.message.starts_with("params[0]"), "{}", f.message);
    assert!(f.message.contains("string"), "{}", f.message);
    let f = fault(&router, "factorial", vec![]);
    assert_eq!(
        f.message,
        "params[0]: missing (expected 1 parameter, found 0)"
    );
    let f = fault(&router, "factorial", vec![Value::Int(1), Value::Int(2)]);
    assert_eq!(
        f.message,
        "params[1]: unexpected (expected 1 parameter, found 2)"
    );
}

#[test]
fn echo_returns_every_type_unchanged() {
    let router = demo::router();
    let date: DateTime = "19980717T14:08:55".parse().expect("a date");
    let values = [
        Value::Int(-7),
        Value::I8(1 << 40),
        Value::Bool(true),
        Value::Double(-0.5),
        s("  spaced <&> \"quoted\" \r\n"),
        Value::DateTime(date),
        Value::Base64(Bytes::from_static(b"\x00\x01binary\xff")),
        strukt(&[("z", Value::Int(1)), ("a", array(vec![Value::Nil, s("x")]))]),
        array(vec![]),
        Value::Nil,
    ];
    for value in values {
        assert_eq!(ok(&router, "echo", vec![value.clone()]), value);
    }
    let f = fault(&router, "echo", vec![Value::Int(1), Value::Int(2)]);
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert_eq!(
        fault(&router, "echo", vec![]).code,
        fault_code::INVALID_PARAMS
    );
}

#[test]
fn validator1_array_of_structs() {
    let router = demo::router();
    let structs = array(vec![stooges(1, 2, 3), stooges(4, 5, 6), stooges(0, 0, -2)]);
    assert_eq!(
        ok(&router, "validator1.arrayOfStructsTest", vec![structs]),
        Value::Int(7)
    );
    let f = fault(
        &router,
        "validator1.arrayOfStructsTest",
        vec![array(vec![
            stooges(1, 2, 3),
            strukt(&[("moe", Value::Int(1))]),
        ])],
    );
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert!(f.message.starts_with("params[0]"), "{}", f.message);
}

#[test]
fn validator1_count_the_entities() {
    let router = demo::router();
    let got = ok(
        &router,
        "validator1.countTheEntities",
        vec![s("<<a>&'\"\"b'&&&")],
    );
    let expected = strukt(&[
        ("ctLeftAngleBrackets", Value::Int(2)),
        ("ctRightAngleBrackets", Value::Int(1)),
        ("ctAmpersands", Value::Int(4)),
        ("ctApostrophes", Value::Int(2)),
        ("ctQuotes", Value::Int(2)),
    ]);
    assert_eq!(got, expected);
}

#[test]
fn validator1_easy_and_echo_struct() {
    let router = demo::router();
    let mut with_extra = Struct::new();
    with_extra.insert("curly", Value::Int(-3));
    with_extra.insert("extra", s("ignored"));
    with_extra.insert("moe", Value::Int(10));
    with_extra.insert("larry", Value::Int(5));
    let with_extra = Value::Struct(with_extra);
    assert_eq!(
        ok(
            &router,
            "validator1.easyStructTest",
            vec![with_extra.clone()]
        ),
        Value::Int(12)
    );
    // Echo keeps members, order and types.
    assert_eq!(
        ok(
            &router,
            "validator1.echoStructTest",
            vec![with_extra.clone()]
        ),
        with_extra
    );
    let f = fault(&router, "validator1.echoStructTest", vec![Value::Int(1)]);
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
}

#[test]
fn validator1_many_types() {
    let router = demo::router();
    let date: DateTime = "20260102T03:04:05".parse().expect("a date");
    let params = vec![
        Value::Int(3),
        Value::Bool(false),
        s("text"),
        Value::Double(2.25),
        Value::DateTime(date),
        Value::Base64(Bytes::from_static(b"you can read this!")),
    ];
    assert_eq!(
        ok(&router, "validator1.manyTypesTest", params.clone()),
        array(params.clone())
    );
    let mut swapped = params;
    swapped.swap(0, 1);
    let f = fault(&router, "validator1.manyTypesTest", swapped);
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert!(f.message.starts_with("params[0]"), "{}", f.message);
}

#[test]
fn validator1_moderate_size_array() {
    let router = demo::router();
    let strings: Vec<Value> = (0..150).map(|i| s(&format!("s{i}"))).collect();
    assert_eq!(
        ok(
            &router,
            "validator1.moderateSizeArrayCheck",
            vec![array(strings)]
        ),
        s("s0s149")
    );
    let f = fault(
        &router,
        "validator1.moderateSizeArrayCheck",
        vec![array(vec![])],
    );
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
}

#[test]
fn validator1_nested_struct() {
    let router = demo::router();
    let empty = strukt(&[]);
    let april = strukt(&[("01", stooges(1, 2, 3)), ("02", empty.clone())]);
    let march = strukt(&[("31", empty.clone())]);
    let calendar = strukt(&[
        ("1999", strukt(&[("12", strukt(&[("31", empty)]))])),
        ("2000", strukt(&[("03", march), ("04", april)])),
    ]);
    assert_eq!(
        ok(&router, "validator1.nestedStructTest", vec![calendar]),
        Value::Int(6)
    );
    let f = fault(&router, "validator1.nestedStructTest", vec![strukt(&[])]);
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert!(f.message.contains("2000.04.01"), "{}", f.message);
}

#[test]
fn validator1_simple_struct_return() {
    let router = demo::router();
    let expected = strukt(&[
        ("times10", Value::Int(70)),
        ("times100", Value::Int(700)),
        ("times1000", Value::Int(7000)),
    ]);
    assert_eq!(
        ok(
            &router,
            "validator1.simpleStructReturnTest",
            vec![Value::Int(7)]
        ),
        expected
    );
    // Large inputs widen to i8 rather than overflow.
    let got = ok(
        &router,
        "validator1.simpleStructReturnTest",
        vec![Value::Int(i32::MAX)],
    );
    let times1000 = got.as_struct().and_then(|s| s.get("times1000")).cloned();
    assert_eq!(times1000, Some(Value::I8(i64::from(i32::MAX) * 1000)));
}

#[test]
fn multicall_mixes_good_and_faulting_calls() {
    let router = demo::router();
    let entry = |method: &str, params: Vec<Value>| {
        strukt(&[("methodName", s(method)), ("params", array(params))])
    };
    let calls = array(vec![
        entry("factorial", vec![Value::Int(4)]),
        entry("factorial", vec![Value::Int(-4)]),
        entry("nope", vec![]),
        entry("echo", vec![s("hi")]),
        Value::Int(1),
        entry("system.multicall", vec![array(vec![])]),
        entry("validator1.easyStructTest", vec![stooges(1, 1, 1)]),
    ]);
    let got = ok(&router, "system.multicall", vec![calls]);
    let got = got.as_array().expect("array");
    let code = |v: &Value| {
        v.as_struct()
            .and_then(|s| s.get("faultCode"))
            .and_then(Value::as_i64)
    };
    assert_eq!(got.len(), 7);
    assert_eq!(got[0], array(vec![Value::Int(24)]));
    assert_eq!(code(&got[1]), Some(fault_code::INVALID_PARAMS.into()));
    assert_eq!(code(&got[2]), Some(fault_code::METHOD_NOT_FOUND.into()));
    assert_eq!(got[3], array(vec![s("hi")]));
    assert_eq!(code(&got[4]), Some(fault_code::INVALID_XMLRPC.into()));
    assert_eq!(code(&got[5]), Some(fault_code::INVALID_XMLRPC.into()));
    assert_eq!(got[6], array(vec![Value::Int(3)]));
}

const DEMO_METHODS: [&str; 10] = [
    "echo",
    "factorial",
    "validator1.arrayOfStructsTest",
    "validator1.countTheEntities",
    "validator1.easyStructTest",
    "validator1.echoStructTest",
    "validator1.manyTypesTest",
    "validator1.moderateSizeArrayCheck",
    "validator1.nestedStructTest",
    "validator1.simpleStructReturnTest",
];

#[test]
fn introspection_of_every_method() {
    let router = demo::router();
    let listed = ok(&router, "system.listMethods", vec![]);
    let listed: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut expected: Vec<&str> = DEMO_METHODS.to_vec();
    expected.extend([
        "system.getCapabilities",
        "system.listMethods",
        "system.methodHelp",
        "system.methodSignature",
        "system.multicall",
    ]);
    expected.sort_unstable();
    assert_eq!(listed, expected);

    for name in &listed {
        let help = ok(&router, "system.methodHelp", vec![s(name)]);
        assert!(
            help.as_str().is_some_and(|h| !h.is_empty()),
            "{name} has no help"
        );
        let signatures = ok(&router, "system.methodSignature", vec![s(name)]);
        if *name == "echo" {
            // Any type in, the same out: no single signature.
            assert_eq!(signatures, s("undef"));
            continue;
        }
        let signatures = signatures.as_array().expect("an array of signatures");
        assert!(!signatures.is_empty(), "{name}");
        for signature in signatures.iter() {
            let types = signature.as_array().expect("a signature array");
            assert!(!types.is_empty(), "{name}");
            for t in types.iter() {
                let t = t.as_str().expect("type names are strings");
                assert!(
                    [
                        "int",
                        "i8",
                        "boolean",
                        "string",
                        "double",
                        "dateTime.iso8601",
                        "base64",
                        "struct",
                        "array",
                        "nil"
                    ]
                    .contains(&t),
                    "{name}: {t}"
                );
            }
        }
    }
    let sig = ok(&router, "system.methodSignature", vec![s("factorial")]);
    assert_eq!(
        sig,
        array(vec![
            array(vec![s("int"), s("int")]),
            array(vec![s("i8"), s("int")])
        ])
    );
}

#[test]
fn capabilities_over_bytes() {
    let router = demo::router();
    let caps = ok(&router, "system.getCapabilities", vec![]);
    let caps = caps.as_struct().expect("struct");
    for name in [
        "xmlrpc",
        "system.multicall",
        "introspect",
        "nil",
        "faults_interop",
    ] {
        assert!(caps.contains_key(name), "{name}");
    }
}

#[test]
fn malformed_bodies_are_parse_faults() {
    let router = demo::router();
    for (body, code) in [
        (
            &b"<methodCall><methodName>echo"[..],
            fault_code::PARSE_ERROR,
        ),
        (b"not xml at all", fault_code::PARSE_ERROR),
        (
            b"<methodResponse><params/></methodResponse>",
            fault_code::INVALID_XMLRPC,
        ),
    ] {
        let answer = router.handle_body(body, Context::default());
        match decode_response(&answer).expect("a response") {
            MethodResponse::Fault(f) => assert_eq!(f.code, code, "{body:?}: {f}"),
            other => panic!("{body:?}: {other:?}"),
        }
    }
}

#[test]
fn unencodable_results_become_32603() {
    let mut router = demo::router();
    router.register_raw("nan", |_p: Vec<Value>| {
        Ok::<_, Fault>(Value::Double(f64::NAN))
    });
    router.register_raw("ctl", |_p: Vec<Value>| Ok::<_, Fault>(s("bell\u{7}")));
    for method in ["nan", "ctl"] {
        let f = fault(&router, method, vec![]);
        assert_eq!(f.code, fault_code::INTERNAL_ERROR, "{method}");
    }
}

#[test]
fn async_handlers_over_bytes() {
    let mut router = demo::router();
    router.register_async("twice", |n: i32| async move { Ok::<_, Fault>(n * 2) });
    let request = body("twice", vec![Value::Int(21)]);
    let answer = block_on(router.handle_body_async(&request, Context::default()));
    assert_eq!(
        decode_response(&answer).expect("response"),
        MethodResponse::Success(Value::Int(42))
    );
    // The sync path polls a future that is ready at once.
    assert_eq!(ok(&router, "twice", vec![Value::Int(2)]), Value::Int(4));
    // And a sync handler through the async path.
    let request = body("factorial", vec![Value::Int(3)]);
    let answer = block_on(router.handle_body_async(&request, Context::default()));
    assert_eq!(
        decode_response(&answer).expect("response"),
        MethodResponse::Success(Value::Int(6))
    );
}

#[test]
fn pending_async_handler_in_sync_path_is_32603() {
    let mut router = Router::new();
    router.register_async("never", std::future::pending::<Result<i32, Fault>>);
    let f = fault(&router, "never", vec![]);
    assert_eq!(f.code, fault_code::INTERNAL_ERROR);
    assert!(f.message.contains("handle_body_async"), "{}", f.message);
}

fn run_cgi(method: Option<&str>, length: Option<&str>, input: &[u8]) -> String {
    let request = cgi::Request {
        method: method.map(str::to_owned),
        content_length: length.map(str::to_owned),
    };
    let mut output = Vec::new();
    cgi::serve(
        &demo::router(),
        &request,
        Context::default(),
        input,
        &mut output,
    )
    .expect("in-memory I/O");
    String::from_utf8(output).expect("utf-8 output")
}

#[test]
fn cgi_example_serves_a_call() {
    let request = body("factorial", vec![Value::Int(6)]);
    // Trailing bytes past CONTENT_LENGTH are not read.
    let mut input = request.to_vec();
    input.extend_from_slice(b"garbage");
    let out = run_cgi(Some("POST"), Some(&request.len().to_string()), &input);
    let (head, body) = out
        .split_once("\r\n\r\n")
        .expect("headers, blank line, body");
    assert!(head.starts_with("Content-Type: text/xml"), "{head}");
    assert!(
        head.contains(&format!("Content-Length: {}", body.len())),
        "{head}"
    );
    assert_eq!(
        decode_response(body.as_bytes()).expect("response"),
        MethodResponse::Success(Value::Int(720))
    );
}

#[test]
fn cgi_example_refuses_bad_requests() {
    assert!(run_cgi(Some("GET"), None, b"").starts_with("Status: 405"));
    assert!(run_cgi(Some("POST"), None, b"").starts_with("Status: 411"));
    assert!(run_cgi(Some("POST"), Some("x"), b"").starts_with("Status: 411"));
    let huge = (u64::MAX).to_string();
    assert!(run_cgi(Some("POST"), Some(&huge), b"").starts_with("Status: 413"));
}

/// Runs `script` with python3, feeding `input` on stdin; returns stdout.
fn python(script: &str, input: &[u8]) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is on every machine (DESIGN.md, Tests)");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input)
        .expect("write to python3");
    let out = child.wait_with_output().expect("python3 runs");
    assert!(out.status.success(), "python3 failed");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn python_client_talks_to_the_demo() {
    // Python's xmlrpc.client writes the request...
    let request = python(
        "import sys, xmlrpc.client as x\n\
         calls = [{'methodName': 'factorial', 'params': [13]},\n\
                  {'methodName': 'factorial', 'params': [-1]},\n\
                  {'methodName': 'echo', 'params': [None]},\n\
                  {'methodName': 'validator1.countTheEntities', 'params': ['<&>']}]\n\
         sys.stdout.write(x.dumps((calls,), 'system.multicall', allow_none=True))",
        b"",
    );
    let answer = demo::router().handle_body(request.as_bytes(), Context::default());
    // ...and reads our answer.
    let seen = python(
        "import sys, xmlrpc.client as x\n\
         r = x.loads(sys.stdin.buffer.read(), use_builtin_types=True)[0][0]\n\
         print(r[0], r[1]['faultCode'], r[2], sorted(r[3][0].items()))",
        &answer,
    );
    assert_eq!(
        seen.trim(),
        "[6227020800] -32602 [None] [('ctAmpersands', 1), ('ctApostrophes', 0), \
         ('ctLeftAngleBrackets', 1), ('ctQuotes', 0), ('ctRightAngleBrackets', 1)]"
    );
}
