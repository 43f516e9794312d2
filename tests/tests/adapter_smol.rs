//! The shared adapter suite and Python interop over `transport-smol`.

use std::sync::Arc;
use std::thread;

use bytes::Bytes;
use transport_smol::{block_on, Client, Server};
use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::service::Router;
use xmlrpc_proto::{Fault, MethodCall, MethodResponse, Value};
use xmlrpc_tests::{
    configure, url_for, Adapter, ClientOpts, RunningServer, ServerOpts, SuiteClient,
};

/// `transport-smol` in the suite: the server runs `serve` on its own thread
/// (smol's global executor runs the connection tasks); clients block on
/// each call.
struct SmolAdapter;

impl Adapter for SmolAdapter {
    const NAME: &'static str = "smol";

    fn start_server(router: Arc<Router>, opts: ServerOpts) -> RunningServer {
        let mut builder = Server::builder(router).config(opts.config.clone());
        if let Some(identity) = &opts.tls {
            let config = transport_smol::tls::server_config(
                vec![identity.cert_der.clone()],
                identity.key_der.clone(),
            )
            .expect("a valid test certificate");
            builder = builder.tls(config);
        }
        let server = xmlrpc_tests::bind_for!(builder, opts).expect("bind the test server");
        let local_addr = server.local_addr();
        let handle = server.shutdown_handle();
        // Bound before `serve`, so connections queue in the backlog already.
        let serving = thread::spawn(move || block_on(server.serve()));
        RunningServer::new(
            url_for(&opts, &local_addr),
            local_addr,
            Box::new(move || handle.shutdown()),
            Box::new(move || {
                let served = serving.join();
                assert!(matches!(served, Ok(Ok(()))), "serve failed: {served:?}");
            }),
        )
    }

    fn client(url: &str, opts: &ClientOpts) -> Result<Box<dyn SuiteClient>, ClientError> {
        let builder = configure(Client::builder(url), opts);
        Ok(Box::new(SmolClient(builder.build()?)))
    }
}

/// The async client, each call driven to completion on the calling thread.
struct SmolClient(Client);

impl SuiteClient for SmolClient {
    fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, ClientError> {
        block_on(self.0.call_value(method, params))
    }

    fn call_value_with_headers(
        &self,
        method: &str,
        params: Vec<Value>,
        headers: http::HeaderMap,
    ) -> Result<Value, ClientError> {
        block_on(self.0.call_value_with_headers(method, params, headers))
    }

    fn call_i64(&self, method: &str, arg: i64) -> Result<i64, ClientError> {
        block_on(self.0.call(method, (arg,)))
    }

    fn call_response(&self, call: &MethodCall) -> Result<(MethodResponse, Bytes), ClientError> {
        block_on(self.0.call_response(call))
    }

    fn multicall(&self, calls: Vec<MethodCall>) -> Result<Vec<Result<Value, Fault>>, ClientError> {
        block_on(self.0.multicall(calls))
    }
}

xmlrpc_tests::adapter_suite!(SmolAdapter);
xmlrpc_tests::interop_suite!(SmolAdapter);
