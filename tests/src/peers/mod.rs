//! Interop with XML-RPC implementations other than Python's: Perl's
//! `RPC::XML`, Ruby's `xmlrpc`, the C library xmlrpc-c and Node's `xmlrpc`;
//! rTorrent over SCGI, and nginx's `scgi_pass` in front of our SCGI servers.
//! Their scripts and sources live in `tests/interop/` (see its README).
//!
//! Each check runs the peer program as a child process on 127.0.0.1 and
//! passes with a printed `SKIPPED:` line only when that program is missing
//! (and fails instead where `XMLRPC_REQUIRE_PEERS` is set, as in CI).
//! Checks of our clients take a `make_client` function, so one check serves
//! every transport.

pub mod nginx;
pub mod node;
pub mod perl;
pub mod rtorrent;
pub mod ruby;
pub mod tinyproxy;
pub mod xmlrpc_c;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::{Fault, MethodCall, Value};

use crate::SuiteClient;

/// Builds a client of one transport for a URL.
pub type MakeClient<'a> = &'a dyn Fn(&str) -> Box<dyn SuiteClient>;

/// True when `command` (run with `args`) exits successfully; otherwise
/// prints why `what` is skipped.
pub fn available(command: &str, args: &[&str], what: &str) -> bool {
    let ok = Command::new(command)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        crate::skip(&format!(
            "`{command} {}` failed, so {what} cannot run",
            args.join(" ")
        ));
    }
    ok
}

/// The path of `name` in `tests/interop/`.
pub fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("interop")
        .join(name)
}

/// Runs `command` to completion and insists it printed exactly `ok`.
pub fn expect_ok(what: &str, mut command: Command) {
    let out: Output = match command.output() {
        Ok(out) => out,
        Err(e) => panic!("{what}: cannot run {command:?}: {e}"),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.trim() == "ok",
        "{what} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A peer's server process, killed when dropped. It printed its TCP port
/// on its first line of output.
pub struct PeerServer {
    child: Child,
    /// The port it printed.
    pub port: u16,
}

impl PeerServer {
    /// Spawns `command` and reads the port it prints first.
    pub fn start(mut command: Command) -> PeerServer {
        let mut child = match command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
        {
            Ok(child) => child,
            Err(e) => panic!("cannot start {command:?}: {e}"),
        };
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        match line.trim().parse() {
            Ok(port) => PeerServer { child, port },
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{command:?} printed {line:?} instead of its port");
            }
        }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for PeerServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Equal values, types included, where struct members may come in any
/// order (Perl and Ruby keep structs in hash tables).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q))
        }
        (Value::Struct(x), Value::Struct(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(name, v)| y.get(name).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Calls `method` and insists the answer is `expected` (see [`same`]).
pub fn assert_call(client: &dyn SuiteClient, method: &str, params: Vec<Value>, expected: &Value) {
    match client.call_value(method, params.clone()) {
        Ok(got) => assert!(
            same(&got, expected),
            "{method}({params:?}):\n  expected {expected:?}\n  got      {got:?}"
        ),
        Err(e) => panic!("{method}({params:?}) failed: {e}"),
    }
}

/// The peer's `system.listMethods` must name every method in `expected`.
/// `who` labels failures, e.g. `[std] ruby`.
pub fn assert_lists_methods(client: &dyn SuiteClient, who: &str, expected: &[&str]) {
    let names = client.call_value("system.listMethods", vec![]);
    for name in expected {
        let listed = matches!(&names, Ok(Value::Array(list))
            if list.iter().any(|v| v.as_str() == Some(*name)));
        assert!(listed, "{who}: system.listMethods lacks {name}: {names:?}");
    }
}

/// A standard `system.multicall` against a peer's server (its `echo`,
/// `fail(code, message)` and `factorial`, and an unknown method): results
/// and faults come back per entry, in order.
pub fn assert_standard_multicall(client: &dyn SuiteClient, who: &str) {
    let calls = vec![
        MethodCall::new("echo", vec![string("one")]),
        MethodCall::new("fail", vec![Value::Int(7), string("seven")]),
        MethodCall::new("factorial", vec![Value::Int(5)]),
        MethodCall::new("no.such", vec![]),
    ];
    let results = match client.multicall(calls) {
        Ok(results) => results,
        Err(e) => panic!("{who}: multicall: {e}"),
    };
    assert_eq!(results.len(), 4, "{who}: {results:?}");
    assert_eq!(results[0], Ok(string("one")), "{who}");
    assert_eq!(results[1], Err(Fault::new(7, "seven")), "{who}");
    assert_eq!(results[2], Ok(Value::Int(120)), "{who}");
    assert!(
        results[3].is_err(),
        "{who}: unknown method: {:?}",
        results[3]
    );
}

/// The fault a call must have produced.
pub fn fault_of(result: Result<Value, ClientError>) -> Fault {
    match result {
        Err(ClientError::Fault(fault)) => fault,
        other => panic!("expected a fault, got {other:?}"),
    }
}

/// An array of `values`.
pub fn array(values: Vec<Value>) -> Value {
    Value::Array(values.into())
}

/// A string value.
pub fn string(s: &str) -> Value {
    Value::String(s.to_string())
}

/// `pieces` x 10 bytes of text needing escapes and multi-byte UTF-8. At
/// 25 000 (250 KB) it is big enough for `Expect: 100-continue`, chunked
/// answers and many reads, yet under xmlrpc-c's 512 KiB response limit.
pub fn big_text(pieces: usize) -> Value {
    string(&"a<&\u{e9}\u{4e2d}\n".repeat(pieces))
}
