//! The router through `dispatch`: routing, every fault path, panics,
//! introspection, multicall and capabilities.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

mod multicall;
mod typed;

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
    run_job(router.dispatch(MethodCall::new(method, params), ctx))
}

/// Runs one job as an adapter would; a multicall's jobs one after another.
fn run_job(job: Dispatch) -> MethodResponse {
    match job {
        Dispatch::Ready(response) => response,
        Dispatch::Blocking(call) => call.run(),
        Dispatch::Async(future) => block_on(future),
        Dispatch::Multicall(multicall) => {
            let (jobs, answer) = multicall.into_jobs();
            answer.finish(jobs.into_iter().map(run_job).collect())
        }
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
fn sync_handler_runs_inline_while_routing() {
    let router = router();
    let call = MethodCall::new("sum", vec![Value::Int(2), Value::Int(3)]);
    match router.dispatch(call, Context::default()) {
        Dispatch::Ready(response) => assert_eq!(response, MethodResponse::Success(Value::Int(5))),
        other => panic!("expected Dispatch::Ready, got {other:?}"),
    }
}

#[test]
fn panic_in_an_inline_handler_is_a_ready_fault() {
    let router = router();
    match router.dispatch(MethodCall::new("boom", vec![]), Context::default()) {
        Dispatch::Ready(MethodResponse::Fault(f)) => {
            assert_eq!(f.code, fault_code::INTERNAL_ERROR);
            assert!(f.message.contains("boom"), "{f}");
        }
        other => panic!("expected a ready fault, got {other:?}"),
    }
}

/// A router with handlers marked blocking, each way it can be done.
fn blocking_router() -> Router {
    let mut router = Router::new();
    router.register_blocking("slow", |n: i32| -> Result<i32, Fault> { Ok(n + 1) });
    router
        .register_raw("raw_slow", |p: Vec<Value>| -> Result<Value, Fault> {
            Ok(Value::Int(p.len() as i32))
        })
        .blocking();
    router
        .register_with_context("ctx_slow", |_: &Context| -> Result<i32, Fault> { Ok(7) })
        .blocking();
    router
        .register_raw("raw_boom", |_: Vec<Value>| -> Result<Value, Fault> {
            panic!("blocking handler bug")
        })
        .blocking();
    router
}

#[test]
fn handler_marked_blocking_is_a_blocking_call() {
    let router = blocking_router();
    let cases = [
        ("slow", vec![Value::Int(2)], Value::Int(3)),
        ("raw_slow", vec![Value::Nil, Value::Nil], Value::Int(2)),
        ("ctx_slow", vec![], Value::Int(7)),
    ];
    for (method, params, want) in cases {
        match router.dispatch(MethodCall::new(method, params), Context::default()) {
            Dispatch::Blocking(call) => {
                assert_eq!(call.method(), method);
                assert_eq!(call.run(), MethodResponse::Success(want));
            }
            other => panic!("{method}: expected Dispatch::Blocking, got {other:?}"),
        }
    }
    match router.dispatch(MethodCall::new("raw_boom", vec![]), Context::default()) {
        Dispatch::Blocking(call) => {
            let f = fault(call.run());
            assert_eq!(f.code, fault_code::INTERNAL_ERROR);
        }
        other => panic!("expected Dispatch::Blocking, got {other:?}"),
    }
    // Bytes in, bytes out still runs them on the calling thread.
    let body = b"<?xml version=\"1.0\"?><methodCall><methodName>slow</methodName>\
<params><param><value><int>41</int></value></param></params></methodCall>";
    let out = router.handle_body(body, Context::default());
    assert!(
        std::str::from_utf8(&out).unwrap().contains("<int>42</int>"),
        "{out:?}"
    );
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
fn debug_output_names_methods_and_dispatch_kinds() {
    let router = router();
    let text = format!("{router:?}");
    assert!(
        text.contains("\"boom\", \"fail\", \"later\", \"sum\""),
        "{text}"
    );
    let dispatch = router.dispatch(MethodCall::new("sum", vec![]), Context::default());
    assert_eq!(format!("{dispatch:?}"), "Ready(Success(Int(0)))");
    let dispatch =
        blocking_router().dispatch(MethodCall::new("raw_slow", vec![]), Context::default());
    assert_eq!(
        format!("{dispatch:?}"),
        "Blocking(BlockingCall { method: \"raw_slow\", .. })"
    );
    let dispatch = router.dispatch(MethodCall::new("later", vec![]), Context::default());
    assert_eq!(format!("{dispatch:?}"), "Async(..)");
}
