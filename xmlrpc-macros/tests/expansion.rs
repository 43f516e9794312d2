//! What `#[rpc]` generates, checked in process: wire names, aliases, help,
//! signatures, optional params, faults, and the stubs against the server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use bytes::BytesMut;
use futures_lite::future::block_on;
use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::service::{Context, Router};
use xmlrpc_proto::{decode_response, encode_call, rpc, Fault, MethodCall, MethodResponse, Value};

/// An application error with codes of its own.
#[derive(Debug)]
pub enum MathError {
    /// The sum does not fit.
    Overflow,
}

impl From<MathError> for Fault {
    fn from(e: MathError) -> Fault {
        match e {
            MathError::Overflow => Fault::new(4001, "overflow"),
        }
    }
}

/// The service under test.
#[rpc(namespace = "math")]
pub trait Math {
    /// n! for 0 <= n <= 20.
    ///
    /// Other n is fault 4002.
    fn factorial(&self, n: u32) -> Result<u64, Fault>;

    /// a + b, or fault 4001 on overflow.
    async fn add(&self, a: i32, b: i32) -> Result<i32, MathError>;

    /// Returns its argument.
    #[rpc(name = "system.echo", alias = "echo", alias = "math.same")]
    fn echo(&self, v: Value) -> Result<Value, Fault>;

    /// "hello", then the name and the title when given.
    fn greet(&self, name: Option<String>, title: Option<String>) -> Result<String, Fault>;

    #[allow(missing_docs)]
    fn undocumented(&self) -> Result<(), Fault>;
}

struct Calculator;

impl Math for Calculator {
    fn factorial(&self, n: u32) -> Result<u64, Fault> {
        if n > 20 {
            return Err(Fault::new(4002, "n must be 0..=20"));
        }
        Ok((1..=u64::from(n)).product())
    }

    async fn add(&self, a: i32, b: i32) -> Result<i32, MathError> {
        a.checked_add(b).ok_or(MathError::Overflow)
    }

    fn echo(&self, v: Value) -> Result<Value, Fault> {
        Ok(v)
    }

    fn greet(&self, name: Option<String>, title: Option<String>) -> Result<String, Fault> {
        let mut s = "hello".to_owned();
        for part in [title, name].into_iter().flatten() {
            s.push(' ');
            s.push_str(&part);
        }
        Ok(s)
    }

    #[allow(missing_docs)]
    fn undocumented(&self) -> Result<(), Fault> {
        Ok(())
    }
}

fn router() -> Router {
    let mut router = Router::new();
    router.add_service(MathServer::new(Calculator));
    router
}

/// Bytes in, bytes out, as a server sees them.
fn raw(router: &Router, method: &str, params: Vec<Value>) -> MethodResponse {
    let mut body = BytesMut::new();
    encode_call(&MethodCall::new(method, params), &mut body).expect("encodes");
    let answer = block_on(router.handle_body_async(&body, Context::default()));
    decode_response(&answer).expect("decodes")
}

fn ok(response: MethodResponse) -> Value {
    match response {
        MethodResponse::Success(v) => v,
        MethodResponse::Fault(f) => panic!("fault: {f}"),
    }
}

fn fault(response: MethodResponse) -> Fault {
    match response {
        MethodResponse::Fault(f) => f,
        MethodResponse::Success(v) => panic!("no fault: {v:?}"),
    }
}

fn s(text: &str) -> Value {
    Value::String(text.into())
}

#[test]
fn wire_names_are_namespaced_explicit_and_aliased() {
    let router = router();
    let names = ok(raw(&router, "system.listMethods", vec![]));
    let Value::Array(names) = names else {
        panic!("not an array")
    };
    let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
    for name in [
        "math.factorial",
        "math.add",
        "system.echo",
        "echo",
        "math.same",
        "math.greet",
        "math.undocumented",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    assert!(!names.contains(&"factorial") && !names.contains(&"math.echo"));
    for name in ["system.echo", "echo", "math.same"] {
        assert_eq!(ok(raw(&router, name, vec![Value::Int(7)])), Value::Int(7));
    }
    assert_eq!(
        fault(raw(&router, "factorial", vec![Value::Int(5)])).code,
        -32601
    );
}

#[test]
fn help_is_the_doc_comment() {
    let router = router();
    let help = |name: &str| ok(raw(&router, "system.methodHelp", vec![s(name)]));
    assert_eq!(
        help("math.factorial"),
        s("n! for 0 <= n <= 20.\n\nOther n is fault 4002.")
    );
    assert_eq!(help("math.add"), s("a + b, or fault 4001 on overflow."));
    assert_eq!(help("echo"), s("Returns its argument."));
    assert_eq!(help("math.undocumented"), s(""));
}

#[test]
fn signatures_come_from_the_types() {
    let router = router();
    let sig = |name: &str| ok(raw(&router, "system.methodSignature", vec![s(name)]));
    let list = |types: &[&str]| {
        Value::Array(
            vec![Value::Array(
                types.iter().map(|t| s(t)).collect::<Vec<_>>().into(),
            )]
            .into(),
        )
    };
    assert_eq!(sig("math.factorial"), list(&["i8", "i8"]));
    assert_eq!(sig("math.add"), list(&["int", "int", "int"]));
    assert_eq!(sig("math.greet"), list(&["string", "string", "string"]));
    assert_eq!(sig("math.undocumented"), list(&["nil"]));
    // `Value` has no single type: no signature.
    assert_eq!(sig("system.echo"), s("undef"));
}

#[test]
fn sync_and_async_methods_answer_and_keep_fault_codes() {
    let router = router();
    assert_eq!(
        ok(raw(&router, "math.factorial", vec![Value::Int(5)])),
        Value::Int(120)
    );
    assert_eq!(
        fault(raw(&router, "math.factorial", vec![Value::Int(21)])).code,
        4002
    );
    let args = |a: i32, b: i32| vec![Value::Int(a), Value::Int(b)];
    assert_eq!(ok(raw(&router, "math.add", args(2, 3))), Value::Int(5));
    let overflow = fault(raw(&router, "math.add", args(i32::MAX, 1)));
    assert_eq!(
        (overflow.code, overflow.message.as_str()),
        (4001, "overflow")
    );
}

#[test]
fn bad_params_are_the_routers_faults() {
    let router = router();
    let f = fault(raw(&router, "math.factorial", vec![s("five")]));
    assert_eq!(f.code, -32602);
    assert!(f.message.starts_with("params[0]"), "{f}");
    let f = fault(raw(&router, "math.add", vec![Value::Int(1)]));
    assert_eq!(f.code, -32602);
    assert!(f.message.contains("missing"), "{f}");
    let f = fault(raw(
        &router,
        "math.factorial",
        vec![Value::Int(1), Value::Int(2)],
    ));
    assert_eq!(f.code, -32602);
}

#[test]
fn trailing_options_may_be_left_off() {
    let router = router();
    assert_eq!(ok(raw(&router, "math.greet", vec![])), s("hello"));
    assert_eq!(
        ok(raw(&router, "math.greet", vec![s("Ada")])),
        s("hello Ada")
    );
    assert_eq!(
        ok(raw(&router, "math.greet", vec![s("Ada"), s("Dr")])),
        s("hello Dr Ada")
    );
    assert_eq!(
        ok(raw(&router, "math.greet", vec![Value::Nil, s("Dr")])),
        s("hello Dr")
    );
}

#[test]
fn the_blocking_stub_calls_the_server() {
    let router = router();
    let math = MathClient(&router);
    assert_eq!(math.factorial(10).expect("10!"), 3_628_800);
    match math.factorial(21) {
        Err(ClientError::Fault(f)) => assert_eq!(f.code, 4002),
        other => panic!("{other:?}"),
    }
    assert_eq!(math.echo(Value::Int(3)).expect("echo"), Value::Int(3));
    assert_eq!(math.greet(None, None).expect("greet"), "hello");
    assert_eq!(
        math.greet(Some("Ada".into()), None).expect("greet"),
        "hello Ada"
    );
    assert_eq!(
        math.greet(None, Some("Dr".into())).expect("greet"),
        "hello Dr"
    );
    math.undocumented().expect("unit");
    // An async method through a blocking caller: polled once, and ready.
    assert_eq!(math.add(1, 2).expect("add"), 3);
}

#[test]
fn the_async_stub_calls_the_server() {
    let router = router();
    let math = MathAsyncClient(&router);
    block_on(async {
        assert_eq!(math.add(2, 3).await.expect("add"), 5);
        match math.add(i32::MAX, 1).await {
            Err(ClientError::Fault(f)) => assert_eq!(f.code, 4001),
            other => panic!("{other:?}"),
        }
        assert_eq!(math.factorial(5).await.expect("5!"), 120);
    });
}

/// A client-only trait for a server with optional params.
#[rpc]
pub trait Counter {
    /// How many params arrived.
    fn count(&self, a: i32, b: Option<i32>, c: Option<i32>) -> Result<i32, Fault>;
}

#[test]
fn the_stub_leaves_trailing_nones_off() {
    // A server that only counts its params, as one with optional args would.
    let mut router = Router::new();
    router.register_raw("count", |params: Vec<Value>| -> Result<Value, Fault> {
        Ok(Value::Int(params.len() as i32))
    });
    let counter = CounterClient(&router);
    assert_eq!(counter.count(1, None, None).expect("count"), 1);
    assert_eq!(counter.count(1, Some(2), None).expect("count"), 2);
    assert_eq!(counter.count(1, None, Some(3)).expect("count"), 3);
    assert_eq!(counter.count(1, Some(2), Some(3)).expect("count"), 3);
}

/// Default bodies, sync and async, and unnamed arguments.
#[rpc(namespace = "defaults")]
pub trait Defaults {
    /// Answers "pong".
    async fn ping(&self) -> Result<String, Fault> {
        Ok("pong".to_owned())
    }
    /// Ignores its argument.
    fn ignore(&self, _: i32) -> Result<bool, Fault> {
        Ok(true)
    }
}

struct UsesDefaults;

impl Defaults for UsesDefaults {}

#[test]
fn default_bodies_and_unnamed_arguments() {
    let mut router = Router::new();
    router.add_service(DefaultsServer::new(UsesDefaults));
    assert_eq!(ok(raw(&router, "defaults.ping", vec![])), s("pong"));
    assert_eq!(
        ok(raw(&router, "defaults.ignore", vec![Value::Int(1)])),
        Value::Bool(true)
    );
    let client = DefaultsAsyncClient(&router);
    assert_eq!(block_on(client.ping()).expect("ping"), "pong");
    assert!(block_on(client.ignore(5)).expect("ignore"));
}

/// A service with a method that may block, and a cheap one.
#[rpc(namespace = "disk")]
pub trait Disk {
    /// Reads slowly (under every name it has).
    #[rpc(blocking, alias = "disk.slow_read")]
    fn read(&self, n: i32) -> Result<i32, Fault>;

    /// Cheap: runs inline.
    fn size(&self) -> Result<i32, Fault>;
}

struct Platter;

impl Disk for Platter {
    fn read(&self, n: i32) -> Result<i32, Fault> {
        Ok(n * 2)
    }

    fn size(&self) -> Result<i32, Fault> {
        Ok(512)
    }
}

#[test]
fn blocking_methods_go_to_the_blocking_pool_and_others_run_inline() {
    use xmlrpc_proto::service::Dispatch;
    let mut router = Router::new();
    router.add_service(DiskServer::new(Platter));
    for name in ["disk.read", "disk.slow_read"] {
        let call = MethodCall::new(name, vec![Value::Int(21)]);
        match router.dispatch(call, Context::default()) {
            Dispatch::Blocking(call) => {
                assert_eq!(call.run(), MethodResponse::Success(Value::Int(42)))
            }
            other => panic!("{name}: expected Dispatch::Blocking, got {other:?}"),
        }
    }
    match router.dispatch(MethodCall::new("disk.size", vec![]), Context::default()) {
        Dispatch::Ready(response) => {
            assert_eq!(response, MethodResponse::Success(Value::Int(512)))
        }
        other => panic!("expected Dispatch::Ready, got {other:?}"),
    }
    // Bytes in, bytes out runs both on the calling thread.
    assert_eq!(
        ok(raw(&router, "disk.read", vec![Value::Int(4)])),
        Value::Int(8)
    );
}
