//! `xrpc serve`: the demo service on the chosen runtime, until SIGINT/SIGTERM.

use std::io::Write;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use xmlrpc_proto::http::ServerConfig;

use crate::args::{ServeArgs, ServerRuntime as Runtime};
use crate::caller::seconds;

/// The docs page's title.
const DOCS_TITLE: &str = "xrpc serve: the demo service";

/// Where `xrpc serve` listens, and in which protocol.
enum Listen {
    Http(String),
    Unix(PathBuf),
    Scgi(String),
    ScgiUnix(PathBuf),
}

impl Listen {
    fn of(args: &ServeArgs) -> Listen {
        match (&args.unix, &args.scgi, &args.scgi_unix) {
            (Some(path), _, _) => Listen::Unix(path.clone()),
            (_, Some(addr), _) => Listen::Scgi(addr.clone()),
            (_, _, Some(path)) => Listen::ScgiUnix(path.clone()),
            _ => Listen::Http(args.bind.clone()),
        }
    }

    /// The address or path, for error messages.
    fn what(&self) -> String {
        match self {
            Listen::Http(addr) | Listen::Scgi(addr) => addr.clone(),
            Listen::Unix(path) | Listen::ScgiUnix(path) => path.display().to_string(),
        }
    }
}

/// Binds any transport's server builder as `listen` says.
macro_rules! bind {
    ($builder:expr, $listen:expr) => {
        match $listen {
            Listen::Http(addr) => $builder.bind(addr.as_str()),
            Listen::Unix(path) => $builder.bind_unix(path),
            Listen::Scgi(addr) => $builder.bind_scgi(addr.as_str()),
            Listen::ScgiUnix(path) => $builder.bind_scgi_unix(path),
        }
    };
}

/// Runs the demo server until a signal asks it to stop.
pub fn serve(args: &ServeArgs) -> Result<(), String> {
    let config = server_config(args)?;
    let router = Arc::new(xmlrpc_demo::router());
    // Register the signals before binding, so none arrives unhandled in between.
    let signals =
        Signals::new([SIGINT, SIGTERM]).map_err(|e| format!("cannot catch signals: {e}"))?;
    let listen = Listen::of(args);
    let bind_err = |e: std::io::Error| format!("cannot listen on {}: {e}", listen.what());
    match args.runtime {
        Runtime::Std => {
            let mut builder = transport_std::Server::builder(router).config(config);
            if let Some(threads) = args.threads {
                builder = builder.event_loops(threads);
            }
            if !args.no_docs {
                builder = builder.docs_page(DOCS_TITLE);
            }
            let server = bind!(builder, &listen).map_err(bind_err)?;
            let handle = server.shutdown_handle();
            announce(&listen, &server.local_addr())?;
            stop_on_signal(signals, move || handle.shutdown());
            server.serve().map_err(|e| format!("server failed: {e}"))
        }
        Runtime::Tokio => {
            tokio_runtime(args.threads)?.block_on(serve_on_driver::<transport_tokio::Tokio>(
                router, config, args, &listen, signals,
            ))
        }
        Runtime::Smol => {
            smol_threads(args.threads);
            smol::block_on(serve_on_driver::<transport_smol::Rt>(
                router, config, args, &listen, signals,
            ))
        }
        Runtime::Hyper => {
            let Listen::Http(addr) = &listen else {
                return Err(
                    "--runtime hyper serves HTTP over TCP only (no --unix or --scgi)".into(),
                );
            };
            let listener =
                transport_driver::bind_tcp(addr.as_str(), config.listen_backlog, config.reuse_port)
                    .map_err(bind_err)?;
            let local_addr = listener.local_addr().map_err(bind_err)?.to_string();
            let mut builder = transport_hyper::XmlRpcService::builder(router)
                .config(config)
                .check_paths();
            if !args.no_docs {
                builder = builder.docs_page(DOCS_TITLE);
            }
            let service = builder.build();
            tokio_runtime(args.threads)?.block_on(async {
                listener.set_nonblocking(true).map_err(bind_err)?;
                let listener = tokio::net::TcpListener::from_std(listener).map_err(bind_err)?;
                announce(&listen, &local_addr)?;
                let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
                stop_on_signal(signals, move || {
                    let _ = stop.send(());
                });
                transport_hyper::serve(listener, service, async {
                    let _ = stopped.await;
                })
                .await
                .map_err(|e| format!("server failed: {e}"))
            })
        }
    }
}

/// `xrpc serve` on the shared async driver (tokio's or smol's runtime):
/// binds, announces, and serves until a signal asks it to stop.
async fn serve_on_driver<R: transport_driver::Runtime>(
    router: Arc<xmlrpc_proto::service::Router>,
    config: ServerConfig,
    args: &ServeArgs,
    listen: &Listen,
    signals: Signals,
) -> Result<(), String> {
    let bind_err = |e: std::io::Error| format!("cannot listen on {}: {e}", listen.what());
    let mut builder = transport_driver::Server::<R>::builder(router).config(config);
    if !args.no_docs {
        builder = builder.docs_page(DOCS_TITLE);
    }
    let server = bind!(builder, listen).map_err(bind_err)?;
    let handle = server.shutdown_handle();
    announce(listen, &server.local_addr())?;
    stop_on_signal(signals, move || handle.shutdown());
    server
        .serve()
        .await
        .map_err(|e| format!("server failed: {e}"))
}

/// tokio's multi-threaded runtime, `threads` workers or one per core.
fn tokio_runtime(threads: Option<NonZeroUsize>) -> Result<tokio::runtime::Runtime, String> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = threads {
        builder.worker_threads(threads.get());
    }
    builder
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start tokio: {e}"))
}

/// transport-smol runs connections on `SMOL_THREADS` threads, one unless
/// set; `xrpc serve` gives it `--threads`, else what the variable says,
/// else one per core, as tokio's runtime has. Called before smol starts,
/// so before any thread of it reads the environment.
fn smol_threads(threads: Option<NonZeroUsize>) {
    let threads = match threads {
        Some(threads) => threads.get(),
        None if std::env::var_os("SMOL_THREADS").is_some() => return,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    std::env::set_var("SMOL_THREADS", threads.to_string());
}

/// Calls `shutdown` on a plain thread when the first SIGINT or SIGTERM arrives.
fn stop_on_signal(mut signals: Signals, shutdown: impl FnOnce() + Send + 'static) {
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            shutdown();
        }
    });
}

/// The server settings the flags override.
fn server_config(args: &ServeArgs) -> Result<ServerConfig, String> {
    let mut config = ServerConfig {
        max_connections: args.max_connections,
        shutdown_grace: Duration::try_from_secs_f64(args.shutdown_grace)
            .map_err(|_| format!("{} is not a number of seconds", args.shutdown_grace))?,
        ..ServerConfig::default()
    };
    if let Some(bytes) = args.max_body {
        config.limits.max_message_size = bytes;
    }
    if let Some(depth) = args.max_depth {
        config.limits.max_depth = depth;
    }
    if let Some(secs) = args.head_timeout {
        config.head_timeout = seconds(secs)?;
    }
    if let Some(secs) = args.body_timeout {
        config.body_timeout = seconds(secs)?;
    }
    if let Some(secs) = args.idle_timeout {
        config.idle_timeout = seconds(secs)?;
    }
    if let Some(secs) = args.drain_timeout {
        config.drain_timeout = Duration::try_from_secs_f64(secs)
            .map_err(|_| format!("--drain-timeout {secs} is not a number of seconds"))?;
    }
    if let Some(secs) = args.first_head_window {
        config.first_head_window = seconds(secs)?;
    }
    if let Some(bytes) = args.body_budget {
        config.body_budget = bytes;
    }
    if let Some(bytes) = args.body_reserve {
        config.body_reserve = bytes;
    }
    if let Some(bytes) = args.small_body {
        config.small_body = bytes;
    }
    if let Some(list) = &args.trusted_proxies {
        config.trusted_proxies = xmlrpc_proto::http::TrustedProxies::parse(list)
            .map_err(|e| format!("--trusted-proxies: {e}"))?;
    }
    config.reuse_port = args.reuse_port;
    if !args.health_path.is_empty() {
        if !args.health_path.starts_with('/') {
            return Err(format!(
                "--health-path {:?} must start with /",
                args.health_path
            ));
        }
        config.health_path = Some(args.health_path.clone());
    }
    if config.body_budget < config.limits.max_message_size {
        return Err(format!(
            "--body-budget {} is below the largest request body ({} bytes): such a request could never be served",
            config.body_budget, config.limits.max_message_size
        ));
    }
    Ok(config)
}

/// Prints the one ready line scripts wait for, and flushes it.
fn announce(listen: &Listen, local_addr: &str) -> Result<(), String> {
    let line = match listen {
        Listen::Http(_) => format!("listening on http://{local_addr}/RPC2"),
        Listen::Unix(path) => format!("listening on unix://{}", path.display()),
        Listen::Scgi(_) => format!("listening on scgi://{local_addr}"),
        Listen::ScgiUnix(path) => format!("listening on scgi+unix://{}", path.display()),
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|_| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))
}
