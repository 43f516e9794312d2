//! `#[xmlrpc_proto::rpc]` over real loopback sockets: the examples' factorial
//! pair on every transport (each client against each server), Python's
//! `xmlrpc.client` against a macro-defined server, and the macro's clients
//! against Python's `SimpleXMLRPCServer`.

use std::sync::Arc;

use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::service::Router;
use xmlrpc_proto::{fault_code, rpc, Fault, Value};
use xmlrpc_tests::adapters::StdAdapter;
use xmlrpc_tests::python::{python3, run_script, PythonServer};
use xmlrpc_tests::{http_url, Adapter, RunningServer, ServerOpts};

/// The trait of the `service_server` / `service_client` examples.
#[rpc]
pub trait Factorial {
    /// n! for 0 <= n <= 20; other n is fault -32602.
    async fn factorial(&self, n: i32) -> Result<i64, Fault>;
}

struct Calculator;

impl Factorial for Calculator {
    async fn factorial(&self, n: i32) -> Result<i64, Fault> {
        if !(0..=20).contains(&n) {
            return Err(Fault::new(fault_code::INVALID_PARAMS, "n must be 0..=20"));
        }
        Ok((1..=i64::from(n)).product())
    }
}

/// A service with every kind of method, for the interop checks.
#[rpc(namespace = "math")]
pub trait Math {
    /// n! for 0 <= n <= 20; other n is fault 4002.
    fn factorial(&self, n: i32) -> Result<i64, MathError>;
    /// a + b; fault 4001 on overflow.
    async fn add(&self, a: i32, b: i32) -> Result<i32, MathError>;
    /// Returns its argument.
    #[rpc(name = "system.echo", alias = "echo")]
    fn echo(&self, v: Value) -> Result<Value, Fault>;
    /// "hello", then the title and the name when given.
    fn greet(&self, name: Option<String>, title: Option<String>) -> Result<String, Fault>;
}

/// The application's errors, with fault codes of their own.
#[derive(Debug)]
pub enum MathError {
    /// The sum does not fit 32 bits.
    Overflow,
    /// n is outside 0..=20.
    OutOfRange(i32),
}

impl From<MathError> for Fault {
    fn from(e: MathError) -> Fault {
        match e {
            MathError::Overflow => Fault::new(4001, "overflow"),
            MathError::OutOfRange(n) => Fault::new(4002, format!("{n} is not in 0..=20")),
        }
    }
}

impl Math for Calculator {
    fn factorial(&self, n: i32) -> Result<i64, MathError> {
        match n {
            0..=20 => Ok((1..=i64::from(n)).product()),
            _ => Err(MathError::OutOfRange(n)),
        }
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
}

fn router() -> Arc<Router> {
    let mut router = Router::new();
    router
        .add_service(FactorialServer::new(Calculator))
        .add_service(MathServer::new(Calculator));
    Arc::new(router)
}

// ---- servers on each transport ----

fn serve_std() -> RunningServer {
    StdAdapter::start_server(router(), ServerOpts::default())
}

fn serve_tokio() -> RunningServer {
    let server = transport_tokio::Server::builder(router())
        .bind("127.0.0.1:0")
        .expect("bind the tokio server");
    let local_addr = server.local_addr();
    let stop = server.shutdown_handle();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let thread = std::thread::spawn(move || {
        let served = rt.block_on(server.serve());
        rt.shutdown_background();
        served.expect("the tokio server serves");
    });
    RunningServer::new(
        http_url(&local_addr),
        local_addr,
        Box::new(move || stop.shutdown()),
        Box::new(move || thread.join().expect("the tokio server thread")),
    )
}

fn serve_smol() -> RunningServer {
    let server = transport_smol::Server::builder(router())
        .bind("127.0.0.1:0")
        .expect("bind the smol server");
    let local_addr = server.local_addr();
    let stop = server.shutdown_handle();
    let thread = std::thread::spawn(move || {
        transport_smol::block_on(server.serve()).expect("the smol server serves");
    });
    RunningServer::new(
        http_url(&local_addr),
        local_addr,
        Box::new(move || stop.shutdown()),
        Box::new(move || thread.join().expect("the smol server thread")),
    )
}

// ---- the examples' client loop on each transport ----

/// What `service_client` prints, one line per n, or the error.
type Lines = Result<Vec<String>, ClientError>;

fn lines(mut call: impl FnMut(i32) -> Result<i64, ClientError>) -> Lines {
    (0..=20)
        .map(|n| Ok(format!("factorial({n}) = {}", call(n)?)))
        .collect()
}

fn std_client(url: &str) -> (Lines, Result<i64, ClientError>) {
    let math = FactorialClient(transport_std::Client::new(url).expect("a std client"));
    (lines(|n| math.factorial(n)), math.factorial(21))
}

fn tokio_client(url: &str) -> (Lines, Result<i64, ClientError>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let math = FactorialAsyncClient(transport_tokio::Client::new(url).expect("a tokio client"));
    let out = lines(|n| rt.block_on(math.factorial(n)));
    (out, rt.block_on(math.factorial(21)))
}

fn smol_client(url: &str) -> (Lines, Result<i64, ClientError>) {
    let math = FactorialAsyncClient(transport_smol::Client::new(url).expect("a smol client"));
    let out = lines(|n| transport_smol::block_on(math.factorial(n)));
    (out, transport_smol::block_on(math.factorial(21)))
}

/// Every client of the examples against every server of the examples.
#[test]
fn the_factorial_pair_runs_on_every_transport() {
    let expected: Vec<String> = (0..=20i64)
        .map(|n| format!("factorial({n}) = {}", (1..=n).product::<i64>()))
        .collect();
    assert_eq!(expected[20], "factorial(20) = 2432902008176640000");
    type Serve = fn() -> RunningServer;
    type Call = fn(&str) -> (Lines, Result<i64, ClientError>);
    let servers: [(&str, Serve); 3] = [
        ("std", serve_std),
        ("tokio", serve_tokio),
        ("smol", serve_smol),
    ];
    let clients: [(&str, Call); 3] = [
        ("std", std_client),
        ("tokio", tokio_client),
        ("smol", smol_client),
    ];
    for (server_name, serve) in servers {
        let server = serve();
        for (client_name, call) in clients {
            let (out, fault) = call(&server.url);
            let pair = format!("{client_name} client, {server_name} server");
            assert_eq!(out.expect(&pair), expected, "{pair}");
            match fault {
                Err(ClientError::Fault(f)) => assert_eq!(f.code, -32602, "{pair}: {f}"),
                other => panic!("{pair}: factorial(21) gave {other:?}"),
            }
        }
    }
}

// ---- Python's client against the macro's server ----

const PYTHON_CLIENT: &str = r#"
import sys, xmlrpc.client as x
p = x.ServerProxy(sys.argv[1], allow_none=True)
assert p.math.factorial(5) == 120
assert p.math.factorial(20) == 2432902008176640000
assert p.factorial(10) == 3628800
assert p.math.add(2, 3) == 5
for call, code in [(lambda: p.math.add(2**31 - 1, 1), 4001),
                   (lambda: p.math.factorial(21), 4002),
                   (lambda: p.math.add(1), -32602),
                   (lambda: p.math.factorial("five"), -32602)]:
    try:
        call()
        raise AssertionError("no fault, expected %d" % code)
    except x.Fault as f:
        assert f.faultCode == code, (code, f)
assert p.system.echo([1, "two", None]) == [1, "two", None]
assert p.echo({"a": 1.5}) == {"a": 1.5}
assert p.math.greet() == "hello"
assert p.math.greet("Ada") == "hello Ada"
assert p.math.greet("Ada", "Dr") == "hello Dr Ada"
assert p.math.greet(None, "Dr") == "hello Dr"
names = p.system.listMethods()
for name in ["math.factorial", "math.add", "system.echo", "echo", "math.greet", "factorial"]:
    assert name in names, (name, names)
help = p.system.methodHelp
assert help("math.factorial") == "n! for 0 <= n <= 20; other n is fault 4002.", help("math.factorial")
assert help("math.add") == "a + b; fault 4001 on overflow."
assert help("echo") == help("system.echo") == "Returns its argument."
assert help("factorial") == "n! for 0 <= n <= 20; other n is fault -32602."
sig = p.system.methodSignature
assert sig("math.factorial") == [["i8", "int"]], sig("math.factorial")
assert sig("math.add") == [["int", "int", "int"]], sig("math.add")
assert sig("math.greet") == [["string", "string", "string"]], sig("math.greet")
assert sig("echo") == "undef", sig("echo")
mc = x.MultiCall(p)
mc.math.add(1, 2)
mc.math.factorial(3)
assert list(mc()) == [3, 6]
print("ok")
"#;

/// Python's `xmlrpc.client` calls every method of a macro-defined server,
/// its help and signatures, and sees the application's fault codes.
#[test]
fn python_client_calls_a_typed_server() {
    let Some(python) = python3() else { return };
    for (name, serve) in [
        ("std", serve_std as fn() -> RunningServer),
        ("tokio", serve_tokio),
    ] {
        let server = serve();
        let out = run_script(python, PYTHON_CLIENT, &[&server.url]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.trim() == "ok",
            "[{name}] python client failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ---- the macro's clients against Python's server ----

/// `Math` written in Python, with the same names, optional args and codes.
const PYTHON_SERVER: &str = r#"
from xmlrpc.server import SimpleXMLRPCServer
from xmlrpc.client import Fault
s = SimpleXMLRPCServer(("127.0.0.1", 0), allow_none=True, logRequests=False)
def factorial(n):
    if not 0 <= n <= 12:  # Python cannot send i8: 13! needs 64 bits
        raise Fault(4002, "%d is not in 0..=12" % n)
    r = 1
    for i in range(2, n + 1):
        r *= i
    return r
def add(a, b):
    if not -2**31 <= a + b < 2**31:
        raise Fault(4001, "overflow")
    return a + b
def greet(name=None, title=None):
    return " ".join(p for p in ["hello", title, name] if p is not None)
s.register_function(factorial, "math.factorial")
s.register_function(add, "math.add")
s.register_function(lambda v: v, "system.echo")
s.register_function(greet, "math.greet")
print(s.server_address[1], flush=True)
s.serve_forever()
"#;

fn fault_code_of<T: std::fmt::Debug>(result: Result<T, ClientError>) -> i32 {
    match result {
        Err(ClientError::Fault(f)) => f.code,
        other => panic!("expected a fault, got {other:?}"),
    }
}

/// The blocking stub over transport-std and the async stubs over tokio and
/// smol call Python's `SimpleXMLRPCServer`: results, optional args left
/// off, and Python's fault codes.
#[test]
fn typed_clients_call_a_python_server() {
    let Some(python) = python3() else { return };
    let server = PythonServer::start(python, PYTHON_SERVER);
    let url = server.url();

    let math = MathClient(transport_std::Client::new(&url).expect("a std client"));
    assert_eq!(math.factorial(10).expect("10!"), 3_628_800);
    assert_eq!(fault_code_of(math.factorial(13)), 4002);
    assert_eq!(math.add(2, 3).expect("add"), 5);
    assert_eq!(fault_code_of(math.add(i32::MAX, 1)), 4001);
    let v = Value::Array(vec![Value::Int(1), Value::String("two".into()), Value::Nil].into());
    assert_eq!(math.echo(v.clone()).expect("echo"), v);
    // Trailing `None`s are left off, so Python's defaults apply.
    assert_eq!(math.greet(None, None).expect("greet"), "hello");
    assert_eq!(
        math.greet(Some("Ada".into()), None).expect("greet"),
        "hello Ada"
    );
    assert_eq!(
        math.greet(None, Some("Dr".into())).expect("greet"),
        "hello Dr"
    );
    assert_eq!(
        math.greet(Some("Ada".into()), Some("Dr".into()))
            .expect("greet"),
        "hello Dr Ada"
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let math = MathAsyncClient(transport_tokio::Client::new(&url).expect("a tokio client"));
    rt.block_on(async {
        assert_eq!(math.factorial(5).await.expect("5!"), 120);
        assert_eq!(math.add(20, 22).await.expect("add"), 42);
        assert_eq!(fault_code_of(math.add(i32::MIN, -1).await), 4001);
        assert_eq!(
            math.greet(Some("Ada".into()), None).await.expect("greet"),
            "hello Ada"
        );
    });

    let math = MathAsyncClient(transport_smol::Client::new(&url).expect("a smol client"));
    transport_smol::block_on(async {
        assert_eq!(math.factorial(12).await.expect("12!"), 479_001_600);
        assert_eq!(fault_code_of(math.factorial(-1).await), 4002);
        assert_eq!(math.echo(Value::Int(7)).await.expect("echo"), Value::Int(7));
        assert_eq!(math.greet(None, None).await.expect("greet"), "hello");
    });
}
