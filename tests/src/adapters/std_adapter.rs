//! The suite's adapter for `transport-std`.

use std::sync::Arc;
use std::thread;

use bytes::Bytes;
use transport_std::{Client, Server};
use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::service::Router;
use xmlrpc_proto::{Fault, MethodCall, MethodResponse, Value};

use crate::{configure, url_for, Adapter, ClientOpts, RunningServer, ServerOpts, SuiteClient};

/// `transport-std` in the suite.
pub struct StdAdapter;

impl Adapter for StdAdapter {
    const NAME: &'static str = "std";

    fn start_server(router: Arc<Router>, opts: ServerOpts) -> RunningServer {
        let mut builder = Server::builder(router).config(opts.config.clone());
        if let Some(identity) = &opts.tls {
            let config = transport_std::tls::server_config(
                vec![identity.cert_der.clone()],
                identity.key_der.clone(),
            )
            .expect("a valid test certificate");
            builder = builder.tls(config);
        }
        let server = crate::bind_for!(builder, opts).expect("bind the test server");
        let local_addr = server.local_addr();
        let handle = server.shutdown_handle();
        // Bound before `serve`, so connections queue in the backlog already.
        let serving = thread::spawn(move || server.serve());
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
        Ok(Box::new(builder.build()?))
    }
}

impl SuiteClient for Client {
    fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, ClientError> {
        Client::call_value(self, method, params)
    }

    fn call_value_with_headers(
        &self,
        method: &str,
        params: Vec<Value>,
        headers: http::HeaderMap,
    ) -> Result<Value, ClientError> {
        Client::call_value_with_headers(self, method, params, headers)
    }

    fn call_i64(&self, method: &str, arg: i64) -> Result<i64, ClientError> {
        self.call(method, (arg,))
    }

    fn call_response(&self, call: &MethodCall) -> Result<(MethodResponse, Bytes), ClientError> {
        Client::call_response(self, call)
    }

    fn multicall(&self, calls: Vec<MethodCall>) -> Result<Vec<Result<Value, Fault>>, ClientError> {
        Client::multicall(self, calls)
    }
}
