//! A plain hyper 1.x server for the demo methods, the accept loop written
//! out: hyper's HTTP/1.1 connection builder with the tower service adapted
//! by hyper-util. (`transport_hyper::serve` is this loop with a connection
//! cap, HTTP/2 and graceful shutdown.)
//!
//! ```text
//! cargo run -p transport-hyper --example hyper_server -- 127.0.0.1:8000
//! python3 -c 'import xmlrpc.client as x; print(x.ServerProxy("http://127.0.0.1:8000/RPC2").factorial(5))'
//! ```

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use transport_hyper::XmlRpcService;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let rpc = XmlRpcService::builder(xmlrpc_demo::router())
        .check_paths() // only /RPC2 and /, as our own servers
        .build();
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}/RPC2", listener.local_addr()?);
    loop {
        let (stream, peer) = listener.accept().await?;
        // Each connection's calls know their peer.
        let service = TowerToHyperService::new(rpc.with_peer(peer));
        tokio::spawn(async move {
            let served = http1::Builder::new()
                .timer(TokioTimer::new())
                .title_case_headers(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(e) = served {
                eprintln!("{peer}: {e}");
            }
        });
    }
}
