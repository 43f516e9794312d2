//! The ceiling: the fastest HTTP/1.1 server this machine runs for our
//! workload, to measure our servers and clients against.
//!
//! A hyper 1.x server on a multi-threaded tokio runtime (one worker per
//! core, as `xrpc serve --runtime tokio` runs) that reads each request body
//! whole and answers a canned XML-RPC response: the `factorial(12)` answer
//! (`479001600`), byte for byte what our servers send. It parses nothing
//! and routes nothing, so no XML-RPC server over HTTP/1.1 can beat it here;
//! issue 14 asks every server for at least 0.9x its rate.
//!
//! ```text
//! cargo run --release -p xmlrpc-bench --bin ceiling -- [--bind 127.0.0.1:0]
//! ```
//!
//! Prints `listening on http://ADDR/RPC2` once ready (as `xrpc serve` does),
//! then serves until killed. `bench/ceiling.sh` drives it with `wrk`.
//!
//! `--serve-settings` runs the same canned answer with the hyper settings
//! `transport_hyper::serve` uses (`transport_hyper::connection_builder`: the
//! `auto` builder for h2c, title-case header names; hyper's header timer
//! off and `transport_hyper::with_deadlines` around each connection): the
//! ceiling for the tower service, so the gap between the two is the XML-RPC
//! work alone.

use std::net::SocketAddr;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use xmlrpc_proto::http::ServerConfig;
use xmlrpc_proto::{encode_response, MethodResponse, Value};

/// 12!, the answer to the benchmark's call.
const ANSWER: i32 = 479_001_600;

fn main() {
    let mut bind = "127.0.0.1:0".to_owned();
    let mut serve_settings = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bind" => match args.next() {
                Some(addr) => bind = addr,
                None => usage(),
            },
            "--serve-settings" => serve_settings = true,
            _ => usage(),
        }
    }
    let mut body = BytesMut::new();
    if let Err(e) = encode_response(&MethodResponse::Success(Value::Int(ANSWER)), &mut body) {
        eprintln!("cannot encode the canned response: {e:?}");
        std::process::exit(1);
    }
    let body = body.freeze();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start tokio: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(serve(&bind, body, serve_settings)) {
        eprintln!("ceiling: {e}");
        std::process::exit(1);
    }
}

fn usage() -> ! {
    eprintln!("usage: ceiling [--bind ADDR] [--serve-settings]");
    std::process::exit(2);
}

async fn serve(bind: &str, body: Bytes, serve_settings: bool) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr: SocketAddr = listener.local_addr()?;
    println!("listening on http://{addr}/RPC2");
    loop {
        let (tcp, _) = listener.accept().await?;
        // As our servers do: answers go out whole.
        tcp.set_nodelay(true)?;
        let body = body.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                let body = body.clone();
                async move {
                    // Read the call whole, as any server must; then the canned answer.
                    let _call = request.into_body().collect().await?;
                    let mut response = Response::new(Full::new(body));
                    response
                        .headers_mut()
                        .insert(CONTENT_TYPE, HeaderValue::from_static("text/xml"));
                    Ok::<_, hyper::Error>(response)
                }
            });
            if serve_settings {
                let config = ServerConfig::default();
                let mut builder = transport_hyper::connection_builder(&config);
                builder.http1().header_read_timeout(None);
                let (tcp, service) = transport_hyper::with_deadlines(&config, tcp, service);
                let _ = builder.serve_connection(TokioIo::new(tcp), service).await;
            } else {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service)
                    .await;
            }
        });
    }
}
