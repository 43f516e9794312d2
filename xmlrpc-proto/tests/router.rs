//! The router through `dispatch`: routing, every fault path, panics,
//! introspection, multicall and capabilities.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures_lite::future::block_on;
use xmlrpc_proto::service::{Capability, Context, Dispatch, Router, SystemMethods};
use xmlrpc_proto::{fault_code, Array, Fault, MethodCall, MethodResponse, Struct, Value};

/// Runs whatever `dispatch` produced to its response.
fn run(router: &Router, method: &str, params: Vec<Value>) -> MethodResponse {
    run_with(router, method, params, Context::default())
}

fn run_with(router: &Router, method: &str, params: Vec<Value>, ctx: Context) -> MethodResponse {
    match router.dispatch(MethodCall::new(method, params), ctx) {
        Dispatch::Ready(response) => response,
        Dispatch::Blocking(call) => call.run(),
        Dispatch::Async(future) => block_on(future),
    }
}

fn ok(response: MethodResponse) -> Value {
    match response {
        MethodResponse::Success(value) => value,
        MethodResponse::Fault(fault) => panic!("expected success, got {fault}"),
    }
}

fn fault(response: MethodResponse) -> Fault {
    match response {
        MethodResponse::Fault(fault) => fault,
        MethodResponse::Success(value) => panic!("expected a fault, got {value:?}"),
    }
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn array(values: Vec<Value>) -> Value {
    Value::Array(Array::from(values))
}

fn entry(method: &str, params: Vec<Value>) -> Value {
    let mut call = Struct::new();
    call.insert("methodName", s(method));
    call.insert("params", array(params));
    Value::Struct(call)
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_str().expect("a string"))
        .collect()
}

/// A router with a raw sync `sum`, an async `later`, a failing `fail`
/// (application code 42) and a panicking `boom`.
fn router() -> Router {
    let mut router = Router::new();
    router
        .register_raw("sum", |params: Vec<Value>| -> Result<Value, Fault> {
            let mut total = 0;
            for (i, p) in params.iter().enumerate() {
                match p {
                    Value::Int(n) => total += n,
                    other => {
                        return Err(Fault::new(
                            fault_code::INVALID_PARAMS,
                            format!("params[{i}]: expected int, found {}", other.type_name()),
                        ))
                    }
                }
            }
            Ok(Value::Int(total))
        })
        .help("Adds ints.")
        .signature(["int", "int", "int"]);
    router.register_raw_async("later", |params: Vec<Value>, _ctx: Context| async move {
        Ok::<_, Fault>(array(params))
    });
    router.register_raw("fail", |_params: Vec<Value>| -> Result<Value, Fault> {
        Err(Fault::new(42, "application says no"))
    });
    router.register_raw("boom", |_params: Vec<Value>| -> Result<Value, Fault> {
        panic!("handler bug")
    });
    router
}

#[test]
fn router_is_send_and_sync() {
    fn assert<T: Send + Sync + 'static>() {}
    assert::<Router>();
    fn assert_send<T: Send + 'static>() {}
    assert_send::<xmlrpc_proto::service::BlockingCall>();
    assert_send::<xmlrpc_proto::service::AsyncCall>();
}

#[test]
fn sync_handler_is_a_blocking_call() {
    let router = router();
    let call = MethodCall::new("sum", vec![Value::Int(2), Value::Int(3)]);
    match router.dispatch(call, Context::default()) {
        Dispatch::Blocking(call) => {
            assert_eq!(call.method(), "sum");
            assert_eq!(call.run(), MethodResponse::Success(Value::Int(5)));
        }
        _ => panic!("expected Dispatch::Blocking"),
    }
}

#[test]
fn async_handler_is_an_async_call() {
    let router = router();
    let call = MethodCall::new("later", vec![Value::Int(7)]);
    match router.dispatch(call, Context::default()) {
        Dispatch::Async(future) => {
            assert_eq!(
                block_on(future),
                MethodResponse::Success(array(vec![Value::Int(7)]))
            );
        }
        _ => panic!("expected Dispatch::Async"),
    }
}

#[test]
fn unknown_method_is_32601_and_ready() {
    let router = router();
    match router.dispatch(MethodCall::new("nope", vec![]), Context::default()) {
        Dispatch::Ready(MethodResponse::Fault(f)) => {
            assert_eq!(f.code, fault_code::METHOD_NOT_FOUND);
            assert!(f.message.contains("nope"), "{}", f.message);
        }
        _ => panic!("expected a ready fault"),
    }
}

#[test]
fn unknown_method_message_is_cut_short() {
    let name = "x".repeat(10_000);
    let f = fault(run(&router(), &name, vec![]));
    assert_eq!(f.code, fault_code::METHOD_NOT_FOUND);
    assert!(f.message.len() < 200, "message echoes the whole name");
}

#[test]
fn handler_fault_keeps_its_application_code() {
    let f = fault(run(&router(), "fail", vec![]));
    assert_eq!(f, Fault::new(42, "application says no"));
}

#[test]
fn sync_panic_is_32603_and_serving_continues() {
    let router = router();
    for _ in 0..3 {
        let f = fault(run(&router, "boom", vec![]));
        assert_eq!(f.code, fault_code::INTERNAL_ERROR);
        assert!(f.message.contains("boom"), "{}", f.message);
        assert!(!f.message.contains("handler bug"), "panic text leaked");
    }
    assert_eq!(ok(run(&router, "sum", vec![Value::Int(1)])), Value::Int(1));
}

#[test]
fn async_panic_while_polling_is_32603() {
    let mut router = Router::new();
    router.register_raw_async("boom", |_p: Vec<Value>, _c: Context| async move {
        if true {
            panic!("async bug");
        }
        Ok::<_, Fault>(Value::Nil)
    });
    let f = fault(run(&router, "boom", vec![]));
    assert_eq!(f.code, fault_code::INTERNAL_ERROR);
    // Still serving.
    assert_eq!(
        fault(run(&router, "boom", vec![])).code,
        fault_code::INTERNAL_ERROR
    );
}

#[test]
fn async_panic_while_creating_the_future_is_32603() {
    let mut router = Router::new();
    router.register_raw_async("boom", |_p: Vec<Value>, _c: Context| {
        panic!("before the future");
        #[allow(unreachable_code)]
        async move {
            Ok::<_, Fault>(Value::Nil)
        }
    });
    let f = fault(run(&router, "boom", vec![]));
    assert_eq!(f.code, fault_code::INTERNAL_ERROR);
}

#[test]
fn context_reaches_raw_handlers() {
    let mut router = Router::new();
    router.register_raw_with_context("whoami", |_p: Vec<Value>, ctx: &Context| {
        Ok::<_, Fault>(match (&ctx.user, &ctx.peer) {
            (Some(user), Some(peer)) => s(&format!("{user}@{peer}")),
            _ => Value::Nil,
        })
    });
    let ctx = Context {
        peer: Some("127.0.0.1:4000".into()),
        user: Some("ann".into()),
        ..Context::default()
    };
    assert_eq!(
        ok(run_with(&router, "whoami", vec![], ctx)),
        s("ann@127.0.0.1:4000")
    );
    assert_eq!(ok(run(&router, "whoami", vec![])), Value::Nil);
}

#[test]
fn registering_again_replaces_and_unregister_removes() {
    let mut router = router();
    router.register_raw("sum", |_p: Vec<Value>| Ok::<_, Fault>(s("replaced")));
    assert_eq!(ok(run(&router, "sum", vec![])), s("replaced"));
    // The replacement starts without the old help text.
    assert_eq!(ok(run(&router, "system.methodHelp", vec![s("sum")])), s(""));
    assert!(router.unregister("sum"));
    assert!(!router.unregister("sum"));
    assert_eq!(
        fault(run(&router, "sum", vec![])).code,
        fault_code::METHOD_NOT_FOUND
    );
}

#[test]
fn list_methods_is_sorted_and_complete() {
    let got = ok(run(&router(), "system.listMethods", vec![]));
    assert_eq!(
        strings(&got),
        [
            "boom",
            "fail",
            "later",
            "sum",
            "system.getCapabilities",
            "system.listMethods",
            "system.methodHelp",
            "system.methodSignature",
            "system.multicall",
        ]
    );
}

#[test]
fn list_methods_takes_no_params() {
    let f = fault(run(&router(), "system.listMethods", vec![Value::Int(1)]));
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert!(f.message.contains("params[0]"), "{}", f.message);
}

#[test]
fn method_help() {
    let router = router();
    assert_eq!(
        ok(run(&router, "system.methodHelp", vec![s("sum")])),
        s("Adds ints.")
    );
    assert_eq!(
        ok(run(&router, "system.methodHelp", vec![s("fail")])),
        s("")
    );
    let help = ok(run(
        &router,
        "system.methodHelp",
        vec![s("system.multicall")],
    ));
    assert!(help.as_str().is_some_and(|h| h.contains("methodName")));
    let f = fault(run(&router, "system.methodHelp", vec![s("nope")]));
    assert_eq!(f.code, fault_code::METHOD_NOT_FOUND);
}

#[test]
fn introspection_params_are_checked() {
    let router = router();
    for method in ["system.methodHelp", "system.methodSignature"] {
        let f = fault(run(&router, method, vec![]));
        assert_eq!(f.code, fault_code::INVALID_PARAMS);
        assert!(f.message.contains("params[0]: missing"), "{}", f.message);
        let f = fault(run(&router, method, vec![Value::Int(3)]));
        assert_eq!(f.code, fault_code::INVALID_PARAMS);
        assert!(
            f.message.contains("params[0]: expected string, found int"),
            "{}",
            f.message
        );
        let f = fault(run(&router, method, vec![s("sum"), s("sum")]));
        assert_eq!(f.code, fault_code::INVALID_PARAMS);
        assert!(f.message.contains("params[1]: unexpected"), "{}", f.message);
    }
}

#[test]
fn method_signature() {
    let router = router();
    let sig = ok(run(&router, "system.methodSignature", vec![s("sum")]));
    assert_eq!(sig, array(vec![array(vec![s("int"), s("int"), s("int")])]));
    // Raw handlers without a declared signature: xmlrpc-c's `undef`.
    let sig = ok(run(&router, "system.methodSignature", vec![s("fail")]));
    assert_eq!(sig, s("undef"));
    let sig = ok(run(
        &router,
        "system.methodSignature",
        vec![s("system.listMethods")],
    ));
    assert_eq!(sig, array(vec![array(vec![s("array")])]));
    let f = fault(run(&router, "system.methodSignature", vec![s("nope")]));
    assert_eq!(f.code, fault_code::METHOD_NOT_FOUND);
}

#[test]
fn multicall_mixes_results_and_faults_in_order() {
    let router = router();
    let calls = array(vec![
        entry("sum", vec![Value::Int(1), Value::Int(2)]),
        entry("nope", vec![]),
        entry("fail", vec![]),
        entry("boom", vec![]),
        entry("sum", vec![s("x")]),
        entry("system.methodHelp", vec![s("sum")]),
    ]);
    let got = ok(run(&router, "system.multicall", vec![calls]));
    let got = got.as_array().expect("array");
    assert_eq!(got.len(), 6);
    assert_eq!(got[0], array(vec![Value::Int(3)]));
    let code = |v: &Value| v.as_struct().and_then(|s| s.get("faultCode")).cloned();
    let text = |v: &Value| {
        v.as_struct()
            .and_then(|s| s.get("faultString"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    assert_eq!(
        code(&got[1]),
        Some(Value::Int(fault_code::METHOD_NOT_FOUND))
    );
    assert_eq!(code(&got[2]), Some(Value::Int(42)));
    assert_eq!(text(&got[2]).as_deref(), Some("application says no"));
    assert_eq!(code(&got[3]), Some(Value::Int(fault_code::INTERNAL_ERROR)));
    assert_eq!(code(&got[4]), Some(Value::Int(fault_code::INVALID_PARAMS)));
    assert_eq!(got[5], array(vec![s("Adds ints.")]));
}

#[test]
fn multicall_malformed_entries_fault_alone() {
    let router = router();
    let mut no_name = Struct::new();
    no_name.insert("params", array(vec![]));
    let mut bad_name = Struct::new();
    bad_name.insert("methodName", Value::Int(1));
    bad_name.insert("params", array(vec![]));
    let mut bad_params = Struct::new();
    bad_params.insert("methodName", s("sum"));
    bad_params.insert("params", Value::Int(1));
    let mut no_params = Struct::new();
    no_params.insert("methodName", s("sum"));
    let calls = array(vec![
        Value::Int(5),
        Value::Struct(no_name),
        Value::Struct(bad_name),
        Value::Struct(bad_params),
        Value::Struct(no_params),
        entry("sum", vec![Value::Int(9)]),
    ]);
    let got = ok(run(&router, "system.multicall", vec![calls]));
    let got = got.as_array().expect("array");
    let expected = [
        "expected struct, found int",
        "methodName: missing",
        "methodName: expected string, found int",
        "params of sum: expected array, found int",
        "params of sum: missing",
    ];
    for (value, text) in got.iter().zip(expected) {
        let fault = value.as_struct().expect("a fault struct");
        assert_eq!(
            fault.get("faultCode"),
            Some(&Value::Int(fault_code::INVALID_XMLRPC))
        );
        let message = fault
            .get("faultString")
            .and_then(Value::as_str)
            .unwrap_or("");
        assert!(message.contains(text), "{message:?} lacks {text:?}");
    }
    assert_eq!(got[5], array(vec![Value::Int(9)]));
}

#[test]
fn multicall_refuses_nesting_per_entry() {
    let router = router();
    let inner = array(vec![entry("sum", vec![Value::Int(1)])]);
    let calls = array(vec![
        entry("system.multicall", vec![inner]),
        entry("sum", vec![Value::Int(4)]),
    ]);
    let got = ok(run(&router, "system.multicall", vec![calls]));
    let got = got.as_array().expect("array");
    let nested = got[0].as_struct().expect("fault struct");
    assert_eq!(
        nested.get("faultCode"),
        Some(&Value::Int(fault_code::INVALID_XMLRPC))
    );
    assert_eq!(got[1], array(vec![Value::Int(4)]));
}

#[test]
fn multicall_cap_refuses_the_whole_batch() {
    let ran = Arc::new(AtomicUsize::new(0));
    let mut router = Router::new();
    let counter = ran.clone();
    router.register_raw("count", move |_p: Vec<Value>| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok::<_, Fault>(Value::Nil)
    });
    router.set_system_methods(SystemMethods {
        max_multicall_entries: 3,
        ..SystemMethods::all()
    });
    let calls = |n| array(vec![entry("count", vec![]); n]);
    let got = ok(run(&router, "system.multicall", vec![calls(3)]));
    assert_eq!(got.as_array().map(|a| a.len()), Some(3));
    let f = fault(run(&router, "system.multicall", vec![calls(4)]));
    assert_eq!(f.code, fault_code::INVALID_XMLRPC);
    assert!(f.message.contains("max_multicall_entries"), "{}", f.message);
    assert_eq!(
        ran.load(Ordering::SeqCst),
        3,
        "nothing of the refused batch ran"
    );
}

#[test]
fn multicall_default_cap_is_1000() {
    let router = router();
    assert_eq!(router.system_methods().max_multicall_entries, 1000);
    let calls = array(vec![entry("nope", vec![]); 1001]);
    let f = fault(run(&router, "system.multicall", vec![calls]));
    assert!(f.message.contains("1001 calls"), "{}", f.message);
}

#[test]
fn multicall_params_are_checked() {
    let router = router();
    let f = fault(run(&router, "system.multicall", vec![]));
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    let f = fault(run(&router, "system.multicall", vec![s("x")]));
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert!(
        f.message.contains("expected array, found string"),
        "{}",
        f.message
    );
    let f = fault(run(
        &router,
        "system.multicall",
        vec![array(vec![]), array(vec![])],
    ));
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert_eq!(
        ok(run(&router, "system.multicall", vec![array(vec![])])),
        array(vec![])
    );
}

#[test]
fn multicall_dispatch_kind_follows_its_entries() {
    let router = router();
    let dispatch = |calls: Vec<Value>| {
        router.dispatch(
            MethodCall::new("system.multicall", vec![array(calls)]),
            Context::default(),
        )
    };
    assert!(matches!(
        dispatch(vec![
            entry("nope", vec![]),
            entry("system.listMethods", vec![])
        ]),
        Dispatch::Ready(_)
    ));
    assert!(matches!(
        dispatch(vec![entry("nope", vec![]), entry("sum", vec![])]),
        Dispatch::Blocking(_)
    ));
    match dispatch(vec![
        entry("sum", vec![Value::Int(1)]),
        entry("later", vec![Value::Int(2)]),
        entry("boom", vec![]),
    ]) {
        Dispatch::Async(future) => {
            let got = ok(block_on(future));
            let got = got.as_array().expect("array");
            assert_eq!(got[0], array(vec![Value::Int(1)]));
            assert_eq!(got[1], array(vec![array(vec![Value::Int(2)])]));
            let code = got[2].as_struct().and_then(|s| s.get("faultCode"));
            assert_eq!(code, Some(&Value::Int(fault_code::INTERNAL_ERROR)));
        }
        _ => panic!("an async entry makes the batch async"),
    }
}

#[test]
fn capabilities_follow_the_switches() {
    let mut router = router();
    let caps = ok(run(&router, "system.getCapabilities", vec![]));
    let caps = caps.as_struct().expect("struct");
    let expected = [
        ("xmlrpc", "http://www.xmlrpc.com/spec", 1),
        (
            "system.multicall",
            "https://mirrors.talideon.com/articles/multicall.html",
            1,
        ),
        (
            "introspect",
            "http://xmlrpc-c.sourceforge.net/introspection.html",
            1,
        ),
        (
            "nil",
            "http://www.ontosys.com/xml-rpc/extensions.php",
            20010516,
        ),
        (
            "faults_interop",
            "http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php",
            20010516,
        ),
    ];
    assert_eq!(caps.len(), expected.len());
    for (name, url, version) in expected {
        let cap = caps.get(name).and_then(Value::as_struct).expect(name);
        assert_eq!(cap.get("specUrl"), Some(&s(url)));
        assert_eq!(cap.get("specVersion"), Some(&Value::Int(version)));
    }

    router.set_system_methods(SystemMethods {
        multicall: false,
        method_help: false,
        ..SystemMethods::all()
    });
    router.add_capability(Capability::new("custom", "http://example.invalid/spec", 3));
    let caps = ok(run(&router, "system.getCapabilities", vec![]));
    let caps = caps.as_struct().expect("struct");
    let names: Vec<&str> = caps.keys().collect();
    assert_eq!(names, ["xmlrpc", "nil", "faults_interop", "custom"]);
}

#[test]
fn switched_off_system_methods_are_unknown() {
    let mut router = router();
    router.set_system_methods(SystemMethods::none());
    for method in [
        "system.listMethods",
        "system.methodHelp",
        "system.methodSignature",
        "system.multicall",
        "system.getCapabilities",
    ] {
        let f = fault(run(&router, method, vec![]));
        assert_eq!(f.code, fault_code::METHOD_NOT_FOUND, "{method}");
    }
    router.set_system_methods(SystemMethods {
        list_methods: true,
        ..SystemMethods::none()
    });
    let got = ok(run(&router, "system.listMethods", vec![]));
    assert_eq!(
        strings(&got),
        ["boom", "fail", "later", "sum", "system.listMethods"]
    );
}

#[test]
fn system_names_are_answered_by_the_router_first() {
    let mut router = router();
    router.register_raw("system.listMethods", |_p: Vec<Value>| {
        Ok::<_, Fault>(s("mine"))
    });
    assert!(ok(run(&router, "system.listMethods", vec![]))
        .as_array()
        .is_some());
    router.set_system_methods(SystemMethods {
        list_methods: false,
        ..SystemMethods::all()
    });
    assert_eq!(ok(run(&router, "system.listMethods", vec![])), s("mine"));
}
#[test]
fn context_reaches_typed_handlers() {
    let mut router = Router::new();
    router.register_with_context("tag", |ctx: &Context, v: Value| -> Result<Value, Fault> {
        Ok(array(vec![s(ctx.user.as_deref().unwrap_or("-")), v]))
    });
    router.register_async_with_context("atag", |ctx: Context, v: Value| async move {
        Ok::<_, Fault>(array(vec![s(ctx.peer.as_deref().unwrap_or("-")), v]))
    });
    let ctx = Context {
        user: Some("bo".into()),
        peer: Some("peer".into()),
        ..Context::default()
    };
    let got = ok(run_with(&router, "tag", vec![Value::Int(1)], ctx.clone()));
    assert_eq!(got, array(vec![s("bo"), Value::Int(1)]));
    let got = ok(run_with(&router, "atag", vec![Value::Int(2)], ctx));
    assert_eq!(got, array(vec![s("peer"), Value::Int(2)]));
}

#[test]
fn typed_arity_faults_name_the_parameter() {
    let mut router = Router::new();
    router.register("pair", |a: Value, b: Value| -> Result<Value, Fault> {
        Ok(array(vec![a, b]))
    });
    router.register_async("apair", |a: Value, b: Value| async move {
        Ok::<_, Fault>(array(vec![a, b]))
    });
    for method in ["pair", "apair"] {
        let f = fault(run(&router, method, vec![Value::Int(1)]));
        assert_eq!(f.code, fault_code::INVALID_PARAMS);
        assert_eq!(
            f.message,
            "params[1]: missing (expected 2 parameters, found 1)"
        );
        let f = fault(run(&router, method, vec![Value::Int(1); 3]));
        assert_eq!(f.code, fault_code::INVALID_PARAMS);
        assert_eq!(
            f.message,
            "params[2]: unexpected (expected 2 parameters, found 3)"
        );
        let got = ok(run(&router, method, vec![Value::Int(1), s("x")]));
        assert_eq!(got, array(vec![Value::Int(1), s("x")]));
    }
}

#[test]
fn typed_handler_errors_convert_into_faults() {
    struct AppError;
    impl From<AppError> for Fault {
        fn from(_: AppError) -> Fault {
            Fault::new(7, "app error")
        }
    }
    let mut router = Router::new();
    router.register("nope", || -> Result<Value, AppError> { Err(AppError) });
    assert_eq!(
        fault(run(&router, "nope", vec![])),
        Fault::new(7, "app error")
    );
}

#[test]
fn signatures_can_be_added_and_forgotten() {
    let mut router = Router::new();
    router
        .register_raw("f", |_p: Vec<Value>| Ok::<_, Fault>(Value::Nil))
        .add_signature(["int", "int"])
        .add_signature(["string", "string"]);
    router
        .register("g", |v: Value| -> Result<Value, Fault> { Ok(v) })
        .signature(["string", "string"])
        .no_signature();
    let sig = ok(run(&router, "system.methodSignature", vec![s("f")]));
    assert_eq!(
        sig,
        array(vec![
            array(vec![s("int"), s("int")]),
            array(vec![s("string"), s("string")])
        ])
    );
    assert_eq!(
        ok(run(&router, "system.methodSignature", vec![s("g")])),
        s("undef")
    );
}

#[test]
fn typed_type_errors_name_the_parameter_and_path() {
    #[derive(serde::Deserialize)]
    struct User {
        #[allow(dead_code)]
        age: i32,
    }
    let mut router = Router::new();
    router.register("add", |a: i32, b: i32| -> Result<i32, Fault> { Ok(a + b) });
    router.register("user", |_u: User| -> Result<(), Fault> { Ok(()) });
    assert_eq!(
        ok(run(&router, "add", vec![Value::Int(2), Value::Int(3)])),
        Value::Int(5)
    );
    let f = fault(run(&router, "add", vec![Value::Int(1), s("two")]));
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert!(f.message.starts_with("params[1]: "), "{}", f.message);
    assert!(f.message.contains("found string"), "{}", f.message);
    let mut user = Struct::new();
    user.insert("age", s("old"));
    let f = fault(run(&router, "user", vec![Value::Struct(user)]));
    assert_eq!(f.code, fault_code::INVALID_PARAMS);
    assert!(f.message.starts_with("params[0].age: "), "{}", f.message);
    // A unit result is nil.
    let mut user = Struct::new();
    user.insert("age", Value::Int(3));
    assert_eq!(
        ok(run(&router, "user", vec![Value::Struct(user)])),
        Value::Nil
    );
}

#[test]
fn signatures_are_derived_from_rust_types() {
    #[derive(serde::Deserialize)]
    struct Point {
        #[allow(dead_code)]
        x: f64,
    }
    let mut router = Router::new();
    router.register(
        "f",
        |_a: i32, _b: String, _c: Vec<i32>| -> Result<bool, Fault> { Ok(true) },
    );
    router.register(
        "g",
        |_p: Point, _d: xmlrpc_proto::DateTime| -> Result<f64, Fault> { Ok(0.0) },
    );
    router.register_async("h", |_n: i64| async { Ok::<String, Fault>(String::new()) });
    router.register("v", |v: Value| -> Result<Value, Fault> { Ok(v) });
    let sig = |name: &str| ok(run(&router, "system.methodSignature", vec![s(name)]));
    let one = |types: &[&str]| array(vec![array(types.iter().map(|t| s(t)).collect())]);
    assert_eq!(sig("f"), one(&["boolean", "int", "string", "array"]));
    assert_eq!(sig("g"), one(&["double", "struct", "dateTime.iso8601"]));
    assert_eq!(sig("h"), one(&["string", "i8"]));
    assert_eq!(sig("v"), s("undef"));
}
