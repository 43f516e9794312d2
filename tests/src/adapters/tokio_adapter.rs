//! The suite's adapter for `transport-tokio` (its client also drives the
//! hyper adapter's server).

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use transport_tokio::{Client, Server};
use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::service::Router;
use xmlrpc_proto::{Fault, MethodCall, MethodResponse, Value};

use crate::{configure, url_for, Adapter, ClientOpts, RunningServer, ServerOpts, SuiteClient};

/// transport-tokio behind the suite's synchronous [`Adapter`] face.
pub struct TokioAdapter;

/// One runtime for every client; the suite's threads block on it.
static CLIENT_RUNTIME: OnceLock<Arc<tokio::runtime::Runtime>> = OnceLock::new();

/// Each server gets a small runtime of its own, as an application would.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    match rt {
        Ok(rt) => rt,
        Err(e) => panic!("cannot start a tokio runtime: {e}"),
    }
}

impl Adapter for TokioAdapter {
    const NAME: &'static str = "tokio";

    fn start_server(router: Arc<Router>, opts: ServerOpts) -> RunningServer {
        let mut builder = Server::builder(router).config(opts.config.clone());
        if let Some(id) = &opts.tls {
            let config =
                transport_tokio::tls::server_config(vec![id.cert_der.clone()], id.key_der.clone())
                    .expect("TLS server config from the suite's identity");
            builder = builder.tls(config);
        }
        let server = crate::bind_for!(builder, opts).expect("bind the tokio server");
        let local_addr = server.local_addr();
        let url = url_for(&opts, &local_addr);
        let handle = server.shutdown_handle();
        let rt = runtime();
        // The listener is bound already, so connections queue until serve runs.
        let thread = std::thread::spawn(move || {
            let served = rt.block_on(server.serve());
            // A blocking handler that outlived the grace period must not
            // hold this thread: dropping a runtime waits for its blocking pool.
            rt.shutdown_background();
            if let Err(e) = served {
                panic!("tokio server failed: {e}");
            }
        });
        RunningServer::new(
            url,
            local_addr,
            Box::new(move || handle.shutdown()),
            Box::new(move || {
                if thread.join().is_err() {
                    panic!("the tokio server thread panicked");
                }
            }),
        )
    }

    fn client(url: &str, opts: &ClientOpts) -> Result<Box<dyn SuiteClient>, ClientError> {
        let builder = configure(Client::builder(url), opts);
        Ok(Box::new(TokioClient {
            client: builder.build()?,
            rt: CLIENT_RUNTIME.get_or_init(|| Arc::new(runtime())).clone(),
        }))
    }
}

/// A tokio client driven from the suite's (synchronous) threads.
struct TokioClient {
    client: Client,
    rt: Arc<tokio::runtime::Runtime>,
}

impl SuiteClient for TokioClient {
    fn call_value(&self, method: &str, params: Vec<Value>) -> Result<Value, ClientError> {
        self.rt.block_on(self.client.call_value(method, params))
    }

    fn call_value_with_headers(
        &self,
        method: &str,
        params: Vec<Value>,
        headers: http::HeaderMap,
    ) -> Result<Value, ClientError> {
        self.rt
            .block_on(self.client.call_value_with_headers(method, params, headers))
    }

    fn call_i64(&self, method: &str, arg: i64) -> Result<i64, ClientError> {
        self.rt.block_on(self.client.call(method, (arg,)))
    }

    fn call_response(&self, call: &MethodCall) -> Result<(MethodResponse, Bytes), ClientError> {
        self.rt.block_on(self.client.call_response(call))
    }

    fn multicall(&self, calls: Vec<MethodCall>) -> Result<Vec<Result<Value, Fault>>, ClientError> {
        self.rt.block_on(self.client.multicall(calls))
    }
}
