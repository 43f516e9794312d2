//! Interop with Python's `xmlrpc.client` and `SimpleXMLRPCServer`, which
//! nobody on this project wrote.

use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::{MethodCall, Value};

use crate::python::{python3, run_script, PythonServer};
use crate::suite::{assert_echo, client, serve};
use crate::{Adapter, ClientOpts, ServerOpts};

/// Python's client against our server: every value type, nil with
/// `allow_none`, i8 results, faults, `MultiCall` and introspection.
pub(crate) const PYTHON_CLIENT: &str = r#"
import sys, xmlrpc.client as x
p = x.ServerProxy(sys.argv[1], allow_none=True)
values = [0, 2**31 - 1, -2**31, True, False, 0.0, -1.5, 1e-07, 123456789.125,
          "", "plain", "<tag> & ]]> \u00e9\u4e2d\U0001f600\ttab\nline", "  keep  ",
          [], [1, "two", None], {}, {"a": {"b": [1, 2.5]}, "c": "d"}, None,
          x.Binary(b""), x.Binary(bytes(range(256))),
          x.DateTime("20260102T03:04:05")]
for v in values:
    r = p.echo(v)
    assert r == v and type(r) == type(v), (v, r)
assert p.echo(values) == values
assert p.factorial(20) == 2432902008176640000
try:
    p.factorial(-1)
    raise AssertionError("no fault")
except x.Fault as f:
    assert f.faultCode == -32602, f
mc = x.MultiCall(p)
mc.echo("one")
mc.factorial(5)
mc.no.such.method()
res = mc()
assert res[0] == "one" and res[1] == 120
try:
    res[2]
    raise AssertionError("no per-entry fault")
except x.Fault as f:
    assert f.faultCode == -32601, f
names = p.system.listMethods()
assert "echo" in names and "system.multicall" in names, names
assert isinstance(p.system.methodHelp("factorial"), str)
sig = p.system.methodSignature("factorial")
assert sig == "undef" or isinstance(sig, list), sig
assert p.validator1.easyStructTest({"moe": 1, "larry": 2, "curly": 3}) == 6
caps = p.system.getCapabilities()
assert "faults_interop" in caps, caps
print("ok")
"#;

/// Python's `SimpleXMLRPCServer` with introspection and multicall.
const PYTHON_SERVER: &str = r#"
from xmlrpc.server import SimpleXMLRPCServer
s = SimpleXMLRPCServer(("127.0.0.1", 0), allow_none=True, logRequests=False)
s.register_introspection_functions()
s.register_multicall_functions()
def echo(x):
    "Returns its argument."
    return x
def factorial(n):
    r = 1
    for i in range(2, n + 1):
        r *= i
    return r
s.register_function(echo, "echo")
s.register_function(factorial, "factorial")
print(s.server_address[1], flush=True)
s.serve_forever()
"#;

/// Python's `xmlrpc.client` calls our server and checks every answer.
pub fn python_client_calls_our_server<A: Adapter>() {
    let Some(python) = python3() else { return };
    let fx = serve::<A>(ServerOpts::default());
    let out = run_script(python, PYTHON_CLIENT, &[&fx.server.url]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.trim() == "ok",
        "[{}] python client failed:\n{stdout}\n{}",
        A::NAME,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Our client calls Python's `SimpleXMLRPCServer`.
pub fn our_client_calls_python_server<A: Adapter>() {
    let Some(python) = python3() else { return };
    let server = PythonServer::start(python, PYTHON_SERVER);
    let client = client::<A>(&server.url(), &ClientOpts::default());
    // Python writes i8 never (it raises), and CR raw (XML reads it as LF).
    let portable = crate::values::every_type()
        .into_iter()
        .filter(|v| !matches!(v, Value::I8(_)))
        .filter(|v| !matches!(v, Value::String(s) if s.contains('\r')));
    for value in portable {
        assert_echo(client.as_ref(), value);
    }
    let big = client.call_value("echo", vec![Value::I8(1 << 40)]);
    assert!(
        matches!(big, Err(ClientError::Fault(_))),
        "python on i8: {big:?}"
    );
    assert_eq!(client.call_i64("factorial", 10).ok(), Some(3_628_800));

    let calls = vec![
        MethodCall::new("echo", vec![Value::String("one".into())]),
        MethodCall::new("no.such", vec![]),
        MethodCall::new("factorial", vec![Value::Int(5)]),
    ];
    let results = match client.multicall(calls) {
        Ok(results) => results,
        Err(e) => panic!("multicall against python: {e}"),
    };
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().ok(), Some(&Value::String("one".into())));
    assert!(
        results[1].is_err(),
        "unknown method in multicall: {:?}",
        results[1]
    );
    assert_eq!(results[2].as_ref().ok(), Some(&Value::Int(120)));

    let names = client.call_value("system.listMethods", vec![]);
    let has_echo = match &names {
        Ok(Value::Array(list)) => list.iter().any(|v| v.as_str() == Some("echo")),
        _ => false,
    };
    assert!(has_echo, "system.listMethods from python: {names:?}");
    let help = client.call_value("system.methodHelp", vec![Value::String("echo".into())]);
    assert_eq!(
        help.ok(),
        Some(Value::String("Returns its argument.".into()))
    );
}
