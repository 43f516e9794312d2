//! Perl's `RPC::XML` (Debian `librpc-xml-perl`): its client against our
//! server, and its `RPC::XML::Server` against our clients.

use std::process::Command;

use bytes::Bytes;
use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::{MethodCall, Struct, Value};

use super::{
    array, assert_call, assert_lists_methods, available, expect_ok, fault_of, same, script, string,
    MakeClient, PeerServer,
};
use crate::suite::serve;
use crate::values::{date_time, every_type};
use crate::{Adapter, ServerOpts};

/// True when perl and `RPC::XML` are installed (else prints why not).
pub fn rpc_xml() -> bool {
    available(
        "perl",
        &["-MRPC::XML::Client", "-e", "1"],
        "the Perl RPC::XML check",
    )
}

/// `tests/interop/perl_client.pl` against our server: every type echoed
/// with its type, faults, `system.multicall`, introspection, validator1.
pub fn perl_client_calls_our_server<A: Adapter>() {
    if !rpc_xml() {
        return;
    }
    let fx = serve::<A>(ServerOpts::default());
    let mut perl = Command::new("perl");
    perl.arg(script("perl_client.pl")).arg(&fx.server.url);
    expect_ok(&format!("[{}] perl RPC::XML client", A::NAME), perl);
}

/// RPC::XML as shipped, with no settings changed: it declares every body
/// `encoding="us-ascii"` (its `$RPC::XML::ENCODING` default) and writes
/// non-ASCII text as raw UTF-8 anyway. US-ASCII is read as UTF-8, so both
/// come through.
const PERL_DEFAULT_CLIENT: &str = r#"
use strict; use utf8; use RPC::XML::Client;
my $cli = RPC::XML::Client->new($ARGV[0]);
for my $s ('plain ascii', "caf\x{e9} \x{4e2d}\x{1f600}") {
    my $r = $cli->send_request('echo', RPC::XML::string->new($s));
    die "transport: $r\n" unless ref $r;
    die "fault: " . $r->string . "\n" if $r->is_fault;
    die "sent [$s], got [" . $r->value . "]\n" unless $r->value eq $s;
}
print "ok\n";
"#;

/// An unmodified RPC::XML client (declaring `us-ascii`) is understood,
/// non-ASCII text included.
pub fn perl_default_client_is_understood<A: Adapter>() {
    if !rpc_xml() {
        return;
    }
    let fx = serve::<A>(ServerOpts::default());
    let mut perl = Command::new("perl");
    perl.arg("-e").arg(PERL_DEFAULT_CLIENT).arg(&fx.server.url);
    expect_ok(&format!("[{}] default RPC::XML client", A::NAME), perl);
}

/// Our client reads an unmodified RPC::XML server's answers: declared
/// `us-ascii`, non-ASCII text in raw UTF-8.
pub fn our_client_reads_default_perl_server(make_client: MakeClient<'_>) {
    if !rpc_xml() {
        return;
    }
    let mut perl = Command::new("perl");
    perl.arg(script("perl_server.pl")).arg("--default-encoding");
    let server = PeerServer::start(perl);
    let client = make_client(&server.url("/RPC2"));
    assert_call(client.as_ref(), "sample", vec![], &perl_sample());
    let text = string("caf\u{e9} \u{4e2d}\u{1f600}");
    assert_call(client.as_ref(), "echo", vec![text.clone()], &text);
}

/// The type names RPC::XML's parser gives `value`, nested like it
/// (its class names without `RPC::XML::`).
fn perl_types(value: &Value) -> Value {
    let name = match value {
        Value::Array(items) => return array(items.iter().map(perl_types).collect()),
        Value::Struct(members) => {
            let mut types = Struct::new();
            for (name, v) in members.iter() {
                types.push(name, perl_types(v));
            }
            return Value::Struct(types);
        }
        Value::Int(_) => "int",
        Value::I8(_) => "i8",
        Value::Bool(_) => "boolean",
        Value::Double(_) => "double",
        Value::String(_) => "string",
        Value::DateTime(_) => "datetime_iso8601",
        Value::Base64(_) => "base64",
        Value::Nil => "nil",
    };
    string(name)
}

/// What `sample()` of `perl_server.pl` must read as.
fn perl_sample() -> Value {
    let mut s = Struct::new();
    s.push("int", Value::Int(-7));
    s.push("i4", Value::Int(i32::MAX));
    s.push("i8", Value::I8(i64::MIN));
    s.push("yes", Value::Bool(true));
    s.push("no", Value::Bool(false));
    s.push("double", Value::Double(-0.125));
    s.push("string", string("<&> \u{e9}\u{1f600}"));
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

/// Our client (built by `make_client`) against `perl_server.pl`.
pub fn our_client_calls_perl_server(transport: &str, make_client: MakeClient<'_>) {
    if !rpc_xml() {
        return;
    }
    let mut perl = Command::new("perl");
    perl.arg(script("perl_server.pl"));
    let server = PeerServer::start(perl);
    let client = make_client(&server.url("/RPC2"));
    let client = client.as_ref();

    // Perl parses each value into typed objects and writes those objects
    // back: every type survives both directions.
    for value in every_type() {
        assert_call(client, "echo", vec![value.clone()], &value);
        let types = array(vec![perl_types(&value)]);
        assert_call(client, "types", vec![value], &types);
    }
    // Extreme doubles, positional both ways (RPC::XML writes `%.20f`, so
    // nothing below 1e-20 survives it).
    for d in [-2.5e300, 1.5e-15] {
        assert_call(client, "echo", vec![Value::Double(d)], &Value::Double(d));
    }
    let big = super::big_text(25_000);
    assert_call(client, "echo", vec![big.clone()], &big);
    let all = crate::values::all_in_one();
    assert_call(client, "echo", vec![all.clone()], &all);
    assert_call(client, "sample", vec![], &perl_sample());

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
    // RPC::XML checks signatures: a string where an int is declared is a fault.
    let wrong = fault_of(client.call_value("factorial", vec![string("ten")]));
    assert!(
        wrong.message.contains("signature"),
        "[{transport}] {wrong:?}"
    );

    // RPC::XML's system.multicall has a dialect of its own: results come
    // unwrapped (not as one-element arrays), and a failing entry aborts the
    // batch with `<struct><member><name>value</name><value><fault>...`,
    // which is not XML-RPC (Python's MultiCall cannot read either). It reads
    // our request fine; our `multicall` must refuse its answers clearly.
    let entry = |name: &str, params: Vec<Value>| {
        let mut s = Struct::new();
        s.push("methodName", string(name));
        s.push("params", array(params));
        Value::Struct(s)
    };
    let batch = array(vec![
        entry("echo", vec![Value::I8(1 << 40)]),
        entry("types", vec![Value::Nil, Value::Double(0.5)]),
        entry("factorial", vec![Value::Int(5)]),
    ]);
    let unwrapped = array(vec![
        Value::I8(1 << 40),
        array(vec![string("nil"), string("double")]),
        Value::Int(120),
    ]);
    assert_call(client, "system.multicall", vec![batch], &unwrapped);
    let calls = vec![
        MethodCall::new("factorial", vec![Value::Int(3)]),
        MethodCall::new("echo", vec![string("x")]),
    ];
    let unwrapped = client.multicall(calls.clone());
    assert!(
        matches!(&unwrapped, Err(ClientError::Protocol(e)) if e.contains("entry 0")),
        "[{transport}] RPC::XML's unwrapped multicall results: {unwrapped:?}"
    );
    let mut failing = calls;
    failing.push(MethodCall::new(
        "fail",
        vec![Value::Int(7), string("seven")],
    ));
    let broken = client.multicall(failing);
    assert!(
        matches!(&broken, Err(e @ (ClientError::Decode(_) | ClientError::Protocol(_))) if format!("{e:?}").contains("<fault>")),
        "[{transport}] RPC::XML's multicall with a fault: {broken:?}"
    );

    assert_lists_methods(
        client,
        &format!("[{transport}] RPC::XML"),
        &["echo", "system.multicall"],
    );
    let help = client.call_value("system.methodHelp", vec![string("echo")]);
    assert!(
        matches!(&help, Ok(v) if same(v, &string("Returns its argument."))),
        "[{transport}] {help:?}"
    );
}

/// RPC::XML's opt-in request compression (`compress_requests(1)`) sends
/// bodies of 4 KiB and more with `Content-Encoding: deflate`. SPEC rule 28
/// allows only identity and gzip, so the server answers 415 and the Perl
/// client sees that status ("HTTP server error: Unsupported Media Type",
/// not a reset or a garbled fault); small bodies
/// still go through uncompressed.
const PERL_DEFLATE_CLIENT: &str = r#"
use strict; use RPC::XML::Client;
my $cli = RPC::XML::Client->new($ARGV[0]);
$cli->compress_requests(1) or die "no Compress::Zlib\n";
my $small = $cli->send_request('echo', 'short');
die "small: " . (ref $small ? $small->value : $small) . "\n" unless ref $small && $small->value eq 'short';
my $big = $cli->send_request('echo', 'x' x 5000);
print ref $big ? "answered\n" : "$big\n";
"#;

/// A deflate-compressed request from RPC::XML gets a clean 415.
pub fn perl_deflate_request_gets_415<A: Adapter>() {
    if !rpc_xml() {
        return;
    }
    let fx = serve::<A>(ServerOpts::default());
    let out = Command::new("perl")
        .arg("-e")
        .arg(PERL_DEFLATE_CLIENT)
        .arg(&fx.server.url)
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => panic!("perl: {e}"),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("Unsupported Media Type"),
        "[{}] deflate request from RPC::XML:\n{stdout}\n{}",
        A::NAME,
        String::from_utf8_lossy(&out.stderr)
    );
}
