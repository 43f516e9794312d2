//! An axum app serving XML-RPC at `/RPC2` beside a JSON route, under
//! tower-http's compression and trace layers.
//!
//! ```text
//! cargo run -p transport-hyper --example axum_app -- 127.0.0.1:8000
//! python3 -c 'import xmlrpc.client as x; print(x.ServerProxy("http://127.0.0.1:8000/RPC2").factorial(5))'
//! curl -s --compressed http://127.0.0.1:8000/api/status
//! ```
//!
//! `GET /RPC2` shows the methods' docs page. Ctrl-C (or SIGTERM) stops
//! accepting, answers what is in flight, then exits.

use std::net::SocketAddr;

use axum::routing::get;
use axum::Json;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use transport_hyper::XmlRpcService;

/// The app: XML-RPC and JSON side by side, every response through the
/// same layers (the XML-RPC service takes axum's body type as it comes).
pub fn app(rpc: XmlRpcService) -> axum::Router {
    axum::Router::new()
        .route_service("/RPC2", rpc)
        .route("/api/status", get(status))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// A JSON route of the same app.
async fn status() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "up",
        "xmlrpc": "/RPC2",
        "methods": ["factorial", "echo", "system.listMethods", "system.multicall"],
    }))
}

/// The demo methods, with a docs page on `GET /RPC2`.
pub fn rpc_service() -> XmlRpcService {
    XmlRpcService::builder(xmlrpc_demo::router())
        .docs_page("Demo XML-RPC service")
        .build()
}

#[allow(dead_code)] // tests include this file for `app` and `rpc_service`
#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt().with_target(false).init();
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let rpc = rpc_service();
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}/RPC2", listener.local_addr()?);
    let stop = rpc.clone();
    // ConnectInfo gives each call's Context its peer address.
    axum::serve(
        listener,
        app(rpc).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // The health path (if configured) now says 503.
        stop.drain();
    })
    .await
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
