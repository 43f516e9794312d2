//! Interop with XML-RPC implementations nobody here wrote, beyond Python:
//! Perl's RPC::XML, Ruby's xmlrpc, the C library xmlrpc-c and Node's
//! xmlrpc, each as client of our (std) server and as server of our std,
//! smol and tokio clients. A check passes with a printed `SKIPPED:` line
//! when its peer is missing (a failure where `XMLRPC_REQUIRE_PEERS` is set, as
//! in CI); `tests/interop/README.md` says what to install.

// `ClientError` is the contract's one error type; its size is not ours to change.
#![allow(clippy::result_large_err)]

use bytes::Bytes;
use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::{Fault, MethodCall, MethodResponse, Value};
use xmlrpc_tests::adapters::StdAdapter;
use xmlrpc_tests::peers::{node, perl, ruby, xmlrpc_c};
use xmlrpc_tests::{Adapter, ClientOpts, SuiteClient};

fn std_client(url: &str) -> Box<dyn SuiteClient> {
    match StdAdapter::client(url, &ClientOpts::default()) {
        Ok(client) => client,
        Err(e) => panic!("std client for {url}: {e}"),
    }
}

/// transport-smol's client, each call driven on the calling thread.
struct Smol(transport_smol::Client);

impl SuiteClient for Smol {
    fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, ClientError> {
        transport_smol::block_on(self.0.call_value(method, params))
    }
    fn call_value_with_headers(
        &self,
        method: &str,
        params: Vec<Value>,
        headers: http::HeaderMap,
    ) -> Result<Value, ClientError> {
        transport_smol::block_on(self.0.call_value_with_headers(method, params, headers))
    }
    fn call_i64(&self, method: &str, arg: i64) -> Result<i64, ClientError> {
        transport_smol::block_on(self.0.call(method, (arg,)))
    }
    fn call_response(&self, call: &MethodCall) -> Result<(MethodResponse, Bytes), ClientError> {
        transport_smol::block_on(self.0.call_response(call))
    }
    fn multicall(&self, calls: Vec<MethodCall>) -> Result<Vec<Result<Value, Fault>>, ClientError> {
        transport_smol::block_on(self.0.multicall(calls))
    }
}

fn smol_client(url: &str) -> Box<dyn SuiteClient> {
    match transport_smol::Client::builder(url).build() {
        Ok(client) => Box::new(Smol(client)),
        Err(e) => panic!("smol client for {url}: {e}"),
    }
}

/// transport-tokio's client on a current-thread runtime of its own.
struct Tokio(transport_tokio::Client, tokio::runtime::Runtime);

impl SuiteClient for Tokio {
    fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, ClientError> {
        self.1.block_on(self.0.call_value(method, params))
    }
    fn call_value_with_headers(
        &self,
        method: &str,
        params: Vec<Value>,
        headers: http::HeaderMap,
    ) -> Result<Value, ClientError> {
        self.1
            .block_on(self.0.call_value_with_headers(method, params, headers))
    }
    fn call_i64(&self, method: &str, arg: i64) -> Result<i64, ClientError> {
        self.1.block_on(self.0.call(method, (arg,)))
    }
    fn call_response(&self, call: &MethodCall) -> Result<(MethodResponse, Bytes), ClientError> {
        self.1.block_on(self.0.call_response(call))
    }
    fn multicall(&self, calls: Vec<MethodCall>) -> Result<Vec<Result<Value, Fault>>, ClientError> {
        self.1.block_on(self.0.multicall(calls))
    }
}

fn tokio_client(url: &str) -> Box<dyn SuiteClient> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("tokio runtime: {e}"),
    };
    match transport_tokio::Client::builder(url).build() {
        Ok(client) => Box::new(Tokio(client, runtime)),
        Err(e) => panic!("tokio client for {url}: {e}"),
    }
}

#[test]
fn perl_client_calls_our_server() {
    perl::perl_client_calls_our_server::<StdAdapter>();
}

#[test]
fn perl_default_client_is_understood() {
    perl::perl_default_client_is_understood::<StdAdapter>();
}

#[test]
fn perl_deflate_request_gets_415() {
    perl::perl_deflate_request_gets_415::<StdAdapter>();
}

#[test]
fn std_client_calls_perl_server() {
    perl::our_client_calls_perl_server("std", &std_client);
}

#[test]
fn smol_client_calls_perl_server() {
    perl::our_client_calls_perl_server("smol", &smol_client);
}

#[test]
fn tokio_client_calls_perl_server() {
    perl::our_client_calls_perl_server("tokio", &tokio_client);
}

#[test]
fn ruby_client_calls_our_server() {
    ruby::ruby_client_calls_our_server::<StdAdapter>();
}

#[test]
fn std_client_calls_ruby_server() {
    ruby::our_client_calls_ruby_server("std", &std_client);
}

#[test]
fn smol_client_calls_ruby_server() {
    ruby::our_client_calls_ruby_server("smol", &smol_client);
}

#[test]
fn tokio_client_calls_ruby_server() {
    ruby::our_client_calls_ruby_server("tokio", &tokio_client);
}

#[test]
fn xmlrpc_c_client_calls_our_server() {
    xmlrpc_c::xmlrpc_c_client_calls_our_server::<StdAdapter>();
}

#[test]
fn std_client_calls_xmlrpc_c_server() {
    xmlrpc_c::our_client_calls_xmlrpc_c_server("std", &std_client);
}

#[test]
fn smol_client_calls_xmlrpc_c_server() {
    xmlrpc_c::our_client_calls_xmlrpc_c_server("smol", &smol_client);
}

#[test]
fn tokio_client_calls_xmlrpc_c_server() {
    xmlrpc_c::our_client_calls_xmlrpc_c_server("tokio", &tokio_client);
}

#[test]
fn std_client_reads_default_perl_server() {
    perl::our_client_reads_default_perl_server(&std_client);
}

#[test]
fn node_client_calls_our_server() {
    node::node_client_calls_our_server::<StdAdapter>();
}

#[test]
fn std_client_calls_node_server() {
    node::our_client_calls_node_server("std", &std_client);
}

#[test]
fn smol_client_calls_node_server() {
    node::our_client_calls_node_server("smol", &smol_client);
}

#[test]
fn tokio_client_calls_node_server() {
    node::our_client_calls_node_server("tokio", &tokio_client);
}
