//! xmlrpc-c 1.33 (Debian `libxmlrpc-core-c3-dev`, `libcurl4-openssl-dev`,
//! `gcc`): a small C client and an Abyss server from `tests/interop/`,
//! compiled by the test, since Debian ships neither xmlrpc-c's `xmlrpc`
//! command nor a sample server.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use xmlrpc_proto::{Struct, Value};

use super::{
    array, assert_call, assert_lists_methods, assert_standard_multicall, available, expect_ok,
    fault_of, same, script, string, MakeClient, PeerServer,
};
use crate::suite::serve;
use crate::values::{date_time, every_type};
use crate::{Adapter, ServerOpts};

/// Compiles `tests/interop/{name}.c` against xmlrpc-c's `part` libraries
/// (`client` or `abyss-server`); `None` (with the reason printed) when gcc
/// or xmlrpc-c's development files are missing.
pub fn build(name: &str, part: &str) -> Option<PathBuf> {
    if !available("gcc", &["--version"], "the xmlrpc-c check")
        || !available("xmlrpc-c-config", &[part, "--libs"], "the xmlrpc-c check")
    {
        return None;
    }
    let flags = match Command::new("xmlrpc-c-config")
        .args([part, "--cflags", "--libs"])
        .output()
    {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        other => panic!("xmlrpc-c-config {part}: {other:?}"),
    };
    // Tests run in parallel: one binary per build.
    static BUILDS: AtomicUsize = AtomicUsize::new(0);
    let n = BUILDS.fetch_add(1, Ordering::SeqCst);
    let binary =
        std::env::temp_dir().join(format!("xmlrpc-interop-{}-{name}-{n}", std::process::id()));
    let out = Command::new("gcc")
        .arg("-O1")
        .arg("-Wall")
        .arg("-o")
        .arg(&binary)
        .arg(script(&format!("{name}.c")))
        .args(flags.split_whitespace())
        .arg("-lm")
        .output();
    match out {
        Ok(out) if out.status.success() => Some(binary),
        Ok(out) => panic!(
            "gcc {name}.c failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!("gcc: {e}"),
    }
}

/// `tests/interop/xmlrpc_c_client.c` against our server.
pub fn xmlrpc_c_client_calls_our_server<A: Adapter>() {
    let Some(binary) = build("xmlrpc_c_client", "client") else {
        return;
    };
    let fx = serve::<A>(ServerOpts::default());
    let mut client = Command::new(&binary);
    client.arg(&fx.server.url);
    expect_ok(&format!("[{}] xmlrpc-c client", A::NAME), client);
    let _ = std::fs::remove_file(binary);
}

/// Our client (built by `make_client`) against `xmlrpc_c_server.c`.
pub fn our_client_calls_xmlrpc_c_server(transport: &str, make_client: MakeClient<'_>) {
    let Some(binary) = build("xmlrpc_c_server", "abyss-server") else {
        return;
    };
    let server = PeerServer::start(Command::new(&binary));
    let client = make_client(&server.url("/RPC2"));
    let client = client.as_ref();
    // xmlrpc-c 1.33 refuses characters beyond the BMP and date-times with a
    // fraction or offset (fault -503), writes CR raw (XML reads it as LF)
    // and parses decimals inexactly (1e-7 comes back 1.0000000000000007e-7).
    let mut portable = Vec::new();
    for value in every_type() {
        let back = client.call_value("echo", vec![value.clone()]);
        let refused = match &value {
            Value::String(s) => s.chars().any(|c| u32::from(c) > 0xFFFF),
            Value::DateTime(dt) => dt.nanosecond() != 0 || dt.offset_minutes().is_some(),
            _ => false,
        };
        if refused {
            let fault = fault_of(back);
            assert_eq!(
                fault.code, -503,
                "[{transport}] xmlrpc-c on {value:?}: {fault:?}"
            );
            continue;
        }
        let got = match back {
            Ok(got) => got,
            Err(e) => panic!("[{transport}] xmlrpc-c echo of {value:?}: {e}"),
        };
        let ok = match (&value, &got) {
            (Value::String(s), Value::String(t)) => {
                s.replace("\r\n", "\n").replace('\r', "\n") == *t
            }
            (Value::Double(x), Value::Double(y)) => (x - y).abs() <= 1e-15 * x.abs(),
            _ => same(&value, &got),
        };
        assert!(ok, "[{transport}] xmlrpc-c echo of {value:?}: {got:?}");
        portable.push(value);
    }
    let big = super::big_text(25_000);
    assert_call(client, "echo", vec![big.clone()], &big);
    let types = array(vec![array(portable.iter().map(c_types).collect())]);
    assert_call(client, "types", vec![array(portable)], &types);
    assert_call(client, "sample", vec![], &c_sample());

    let fault = fault_of(client.call_value("fail", vec![Value::Int(42), string("bad <x>")]));
    assert_eq!(
        (fault.code, fault.message.as_str()),
        (42, "bad <x>"),
        "[{transport}]"
    );
    let typed = client.call_i64("factorial", 10);
    assert_eq!(
        typed.as_ref().ok(),
        Some(&3_628_800),
        "[{transport}] {typed:?}"
    );
    assert_call(
        client,
        "factorial",
        vec![Value::Int(20)],
        &Value::I8(2_432_902_008_176_640_000),
    );

    assert_standard_multicall(client, &format!("[{transport}] xmlrpc-c"));

    assert_lists_methods(
        client,
        &format!("[{transport}] xmlrpc-c"),
        &["echo", "system.multicall"],
    );
    assert_call(
        client,
        "system.methodHelp",
        vec![string("echo")],
        &string("Returns its argument."),
    );
    drop(server);
    let _ = std::fs::remove_file(binary);
}

/// xmlrpc-c's type names for `value`, nested like it.
fn c_types(value: &Value) -> Value {
    let name = match value {
        Value::Array(items) => return array(items.iter().map(c_types).collect()),
        Value::Struct(members) => {
            let mut types = Struct::new();
            for (name, v) in members.iter() {
                types.push(name, c_types(v));
            }
            return Value::Struct(types);
        }
        Value::Int(_) => "int",
        Value::I8(_) => "i8",
        Value::Bool(_) => "bool",
        Value::Double(_) => "double",
        Value::String(_) => "string",
        Value::DateTime(_) => "datetime",
        Value::Base64(_) => "base64",
        Value::Nil => "nil",
    };
    string(name)
}

/// What `sample()` of `xmlrpc_c_server.c` must read as.
fn c_sample() -> Value {
    let mut s = Struct::new();
    s.push("int", Value::Int(-7));
    s.push("i8", Value::I8(i64::MIN));
    s.push("yes", Value::Bool(true));
    s.push("no", Value::Bool(false));
    s.push("double", Value::Double(-0.125));
    s.push("string", string("<&> \u{e9}\u{20ac}"));
    s.push("date", date_time("19980717T14:08:55"));
    s.push(
        "bytes",
        Value::Base64(Bytes::from_static(b"\0\x01\xfe\xff")),
    );
    s.push("nil", Value::Nil);
    s.push("list", array(vec![Value::Int(1), string("x")]));
    s.push("empty", Value::Struct(Struct::new()));
    Value::Struct(s)
}
