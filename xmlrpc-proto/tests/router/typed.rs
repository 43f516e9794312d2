//! Typed handlers: arity, type errors, derived signatures, context.

use super::*;

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

#[test]
fn trailing_option_arguments_may_be_left_off() {
    let mut router = Router::new();
    router.register("opt", |a: i32, b: Option<i32>| -> Result<i32, Fault> {
        Ok(a + b.unwrap_or(100))
    });
    router.register_async("aopt", |a: Option<String>| async move {
        Ok::<_, Fault>(a.unwrap_or_else(|| "none".to_owned()))
    });
    assert_eq!(
        ok(run(&router, "opt", vec![Value::Int(1), Value::Int(2)])),
        Value::Int(3)
    );
    assert_eq!(
        ok(run(&router, "opt", vec![Value::Int(1)])),
        Value::Int(101)
    );
    assert_eq!(
        ok(run(&router, "opt", vec![Value::Int(1), Value::Nil])),
        Value::Int(101)
    );
    let f = fault(run(&router, "opt", vec![]));
    assert_eq!(
        f.message,
        "params[0]: missing (expected 2 parameters, found 0)"
    );
    let f = fault(run(&router, "opt", vec![Value::Int(1); 3]));
    assert_eq!(
        f.message,
        "params[2]: unexpected (expected 2 parameters, found 3)"
    );
    assert_eq!(ok(run(&router, "aopt", vec![])), s("none"));
    assert_eq!(ok(run(&router, "aopt", vec![s("x")])), s("x"));
}
