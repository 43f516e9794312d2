//! The suite's adapter for `transport-hyper`: the tower service on hyper's
//! server (`transport_hyper::serve`), called by transport-tokio's client.

use std::sync::Arc;

use transport_hyper::XmlRpcService;
use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::service::Router;

use super::tokio_adapter::runtime;
use super::TokioAdapter;
use crate::{http_url, Adapter, ClientOpts, RunningServer, ServerOpts, SuiteClient};

/// `transport-hyper` in the suite (server half; clients are tokio's).
pub struct HyperAdapter;

impl Adapter for HyperAdapter {
    const NAME: &'static str = "hyper";

    fn start_server(router: Arc<Router>, opts: ServerOpts) -> RunningServer {
        assert!(
            opts.unix_path.is_none() && opts.tls.is_none() && !opts.scgi,
            "transport-hyper serves HTTP over TCP; TLS, unix sockets and SCGI are the app's"
        );
        let service = XmlRpcService::builder(router)
            .config(opts.config.clone())
            .check_paths()
            .build();
        let rt = runtime();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind the hyper server");
        let local_addr = listener
            .local_addr()
            .expect("a bound listener has an address")
            .to_string();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let served = rt.block_on(transport_hyper::serve(listener, service, async {
                let _ = stopped.await;
            }));
            // A blocking handler that outlived the grace period must not
            // hold this thread.
            rt.shutdown_background();
            if let Err(e) = served {
                panic!("hyper server failed: {e}");
            }
        });
        RunningServer::new(
            http_url(&local_addr),
            local_addr,
            Box::new(move || {
                let _ = stop.send(());
            }),
            Box::new(move || {
                if thread.join().is_err() {
                    panic!("the hyper server thread panicked");
                }
            }),
        )
    }

    fn client(url: &str, opts: &ClientOpts) -> Result<Box<dyn SuiteClient>, ClientError> {
        TokioAdapter::client(url, opts)
    }
}
