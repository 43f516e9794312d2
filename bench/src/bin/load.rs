//! Load benchmark: our servers and clients against Python's `xmlrpc`.
//!
//! 1. Server throughput: `factorial(12)` from 16 keep-alive connections for
//!    `--seconds` against each of our servers (std, tokio, smol) and Python's
//!    `SimpleXMLRPCServer` (started here on 127.0.0.1, port 0), in one run.
//! 2. Client speed: sequential calls per second against one of our servers
//!    (`--client-server`, tokio by default), or against any server at
//!    `--client-url` (`bench/ceiling.sh` points it at the hyper ceiling,
//!    `src/bin/ceiling.rs`), from each of our clients and from Python's
//!    `ServerProxy`, plus the client's own CPU time per call.
//!
//! ```text
//! cargo run --release -p xmlrpc-bench --bin load -- [--seconds 5] [--connections 16] [--rounds 3] \
//!     [--handler sync|async] [--only servers|clients] [--client-server tokio|std|smol] \
//!     [--client-url URL]
//! ```
//!
//! The load generator is transport-tokio's client on its own two-thread
//! runtime, in the same process as our servers (both share the machine's
//! cores; Python's server gets its own process). Python's server speaks
//! HTTP/1.0 and closes the connection after every answer, so against it the
//! "keep-alive" connections reconnect for each call: that is what its users
//! get, and the table says so. Sequential calls are bound by the round trip
//! (client, kernel, server, kernel), so the wall-clock ratio understates how
//! much cheaper our clients are; the CPU column shows the client alone.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use xmlrpc_proto::service::Router;
use xmlrpc_proto::{fault_code, Fault};

/// The argument of every benchmark call: 12! = 479001600 fits an `<int>`
/// (the ceiling server's canned answer).
const N: i64 = 12;
const EXPECTED: i64 = 479_001_600;

/// Python's classic server, as its users run it (request logging off, so
/// stderr writes do not slow it down).
const PY_SERVER: &str = r#"
import sys
from xmlrpc.server import SimpleXMLRPCServer
def factorial(n):
    r = 1
    for i in range(2, n + 1):
        r *= i
    return r
server = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
server.register_function(factorial)
server.register_introspection_functions()
server.register_multicall_functions()
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

/// Python's client: sequential calls for a while, then "calls seconds".
const PY_CLIENT: &str = r#"
import sys, time, xmlrpc.client
url, seconds, n, expected = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
proxy = xmlrpc.client.ServerProxy(url)
assert proxy.factorial(n) == expected
calls = 0
cpu = time.thread_time()
start = time.perf_counter()
end = start + seconds
while time.perf_counter() < end:
    for _ in range(100):
        if proxy.factorial(n) != expected:
            sys.exit("wrong answer")
    calls += 100
print(calls, time.perf_counter() - start, time.thread_time() - cpu)
"#;

struct Opts {
    seconds: f64,
    connections: usize,
    /// Rounds of the server table (the median is reported).
    rounds: usize,
    /// Run the server table.
    servers: bool,
    /// Run the client table.
    clients: bool,
    /// Register factorial as an async handler instead of a sync one.
    async_handler: bool,
    /// Which of our servers the client table calls.
    client_server: String,
    /// Or any server at this URL, instead of one of ours.
    client_url: Option<String>,
}

const USAGE: &str = "usage: load [--seconds S] [--connections C] [--rounds R] \
[--handler sync|async] [--only servers|clients] [--client-server tokio|std|smol] [--client-url URL]";

fn parse_opts() -> Result<Opts, String> {
    let mut opts = Opts {
        seconds: 5.0,
        connections: 16,
        rounds: 3,
        async_handler: false,
        servers: true,
        clients: true,
        client_server: "tokio".into(),
        client_url: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--seconds" => {
                opts.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?
            }
            "--connections" => {
                opts.connections = value()?
                    .parse()
                    .map_err(|e| format!("--connections: {e}"))?
            }
            "--rounds" => {
                opts.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?;
                opts.rounds = opts.rounds.max(1);
            }
            "--handler" => match value()?.as_str() {
                "sync" => opts.async_handler = false,
                "async" => opts.async_handler = true,
                other => return Err(format!("--handler {other}: expected sync or async")),
            },
            "--only" => match value()?.as_str() {
                "servers" => opts.clients = false,
                "clients" => opts.servers = false,
                other => return Err(format!("--only {other}: expected servers or clients")),
            },
            "--client-server" => match value()?.as_str() {
                name @ ("tokio" | "std" | "smol") => opts.client_server = name.into(),
                other => {
                    return Err(format!(
                        "--client-server {other}: expected tokio, std or smol"
                    ))
                }
            },
            "--client-url" => opts.client_url = Some(value()?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(opts)
}

fn factorial(n: i64) -> Result<i64, Fault> {
    if !(0..=20).contains(&n) {
        return Err(Fault::new(fault_code::INVALID_PARAMS, "n must be 0..=20"));
    }
    Ok((2..=n).product())
}

/// Our factorial, the same work Python's does: a plain (sync) handler, which
/// every server runs inline on its connection's task or thread (it is cheap;
/// none is registered as blocking), or with `--handler async` an async one,
/// which every server runs there too.
fn router(async_handler: bool) -> Arc<Router> {
    let mut router = Router::new();
    if async_handler {
        router.register_async("factorial", |n: i64| async move { factorial(n) })
    } else {
        router.register("factorial", factorial)
    }
    .help("n!");
    Arc::new(router)
}

/// A server running in the background; `stop` shuts it down.
struct Running {
    name: &'static str,
    url: String,
    stop: Box<dyn FnOnce()>,
}

fn tokio_runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn start_tokio(router: Arc<Router>) -> Running {
    let server = transport_tokio::Server::builder(router)
        .bind("127.0.0.1:0")
        .expect("bind tokio server");
    let url = format!("http://{}/RPC2", server.local_addr());
    let handle = server.shutdown_handle();
    let thread = std::thread::spawn(move || tokio_runtime(2).block_on(server.serve()));
    Running {
        name: "transport-tokio",
        url,
        stop: Box::new(move || {
            handle.shutdown();
            let _ = thread.join();
        }),
    }
}

fn start_std(router: Arc<Router>) -> Running {
    let server = transport_std::Server::builder(router)
        .bind("127.0.0.1:0")
        .expect("bind std server");
    let url = format!("http://{}/RPC2", server.local_addr());
    let handle = server.shutdown_handle();
    let thread = std::thread::spawn(move || server.serve());
    Running {
        name: "transport-std",
        url,
        stop: Box::new(move || {
            handle.shutdown();
            let _ = thread.join();
        }),
    }
}

fn start_smol(router: Arc<Router>) -> Running {
    let server = transport_smol::Server::builder(router)
        .bind("127.0.0.1:0")
        .expect("bind smol server");
    let url = format!("http://{}/RPC2", server.local_addr());
    let handle = server.shutdown_handle();
    let thread = std::thread::spawn(move || transport_smol::block_on(server.serve()));
    Running {
        name: "transport-smol",
        url,
        stop: Box::new(move || {
            handle.shutdown();
            let _ = thread.join();
        }),
    }
}

/// Python's server in a child process; `None` (with the reason printed)
/// when python3 cannot run it.
fn start_python() -> Option<Running> {
    let child = Command::new("python3")
        .args(["-c", PY_SERVER])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child: Child = match child {
        Ok(child) => child,
        Err(e) => {
            eprintln!("skipping Python: cannot start python3: {e}");
            return None;
        }
    };
    let mut line = String::new();
    let stdout = child.stdout.take()?;
    let _ = BufReader::new(stdout).read_line(&mut line);
    let port: u16 = match line.trim().parse() {
        Ok(port) => port,
        Err(_) => {
            eprintln!("skipping Python: its server printed {line:?}, not a port");
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
    };
    Some(Running {
        name: "Python SimpleXMLRPCServer",
        url: format!("http://127.0.0.1:{port}/RPC2"),
        stop: Box::new(move || {
            let _ = child.kill();
            let _ = child.wait();
        }),
    })
}

/// What one measurement counted.
struct Tally {
    calls: u64,
    errors: u64,
    first_error: Option<String>,
    elapsed: Duration,
    /// CPU time the calling thread spent (client table only).
    cpu: Option<Duration>,
}

impl Tally {
    fn per_second(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64()
    }

    /// Client CPU microseconds per call, when measured.
    fn cpu_per_call(&self) -> Option<f64> {
        let cpu = self.cpu?;
        (self.calls > 0).then(|| cpu.as_secs_f64() * 1e6 / self.calls as f64)
    }

    fn add(&mut self, result: Result<i64, transport_tokio::Error>) {
        match result {
            Ok(EXPECTED) => self.calls += 1,
            Ok(other) => self.fail(format!("wrong answer {other}")),
            Err(e) => self.fail(e.to_string()),
        }
    }

    fn fail(&mut self, error: String) {
        self.errors += 1;
        self.first_error.get_or_insert(error);
    }

    fn merge(&mut self, other: Tally) {
        self.calls += other.calls;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn empty() -> Tally {
        Tally {
            calls: 0,
            errors: 0,
            first_error: None,
            elapsed: Duration::ZERO,
            cpu: None,
        }
    }
}

/// `connections` clients with one keep-alive connection each, calling as
/// fast as answers come back, for `seconds`.
fn load(url: &str, connections: usize, seconds: f64) -> Tally {
    let rt = tokio_runtime(2);
    rt.block_on(async {
        let start = Instant::now();
        let end = start + Duration::from_secs_f64(seconds);
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let client = transport_tokio::Client::builder(url)
                .max_idle_connections(1)
                .timeout(Duration::from_secs(10))
                .build()
                .expect("load client");
            tasks.push(tokio::spawn(async move {
                let mut tally = Tally::empty();
                while Instant::now() < end {
                    tally.add(client.call("factorial", (N,)).await);
                }
                tally
            }));
        }
        let mut total = Tally::empty();
        for task in tasks {
            total.merge(task.await.expect("load task"));
        }
        total.elapsed = start.elapsed();
        total
    })
}

/// Sequential calls from transport-tokio's client for `seconds`.
fn sequential_tokio(url: &str, seconds: f64) -> Tally {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let client = transport_tokio::Client::new(url).expect("client");
        timed(seconds, || async { client.call("factorial", (N,)).await }).await
    })
}

/// Sequential calls from transport-std's blocking client for `seconds`.
fn sequential_std(url: &str, seconds: f64) -> Tally {
    let client = transport_std::Client::new(url).expect("client");
    let mut tally = Tally::empty();
    let cpu = thread_cpu();
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(seconds);
    while Instant::now() < end {
        tally.add(client.call("factorial", (N,)));
    }
    tally.elapsed = start.elapsed();
    tally.cpu = cpu_since(cpu);
    tally
}

/// Sequential calls from transport-smol's client, each driven by its
/// `block_on` on this thread.
fn sequential_smol(url: &str, seconds: f64) -> Tally {
    let client = transport_smol::Client::new(url).expect("client");
    transport_smol::block_on(timed(seconds, || client.call("factorial", (N,))))
}

/// Runs `call` back to back for `seconds`.
async fn timed<F, Fut>(seconds: f64, mut call: F) -> Tally
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<i64, transport_tokio::Error>>,
{
    let mut tally = Tally::empty();
    let cpu = thread_cpu();
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(seconds);
    while Instant::now() < end {
        tally.add(call().await);
    }
    tally.elapsed = start.elapsed();
    tally.cpu = cpu_since(cpu);
    tally
}

/// CPU time this thread has run (Linux: `/proc/thread-self/schedstat`,
/// nanoseconds). A current-thread runtime does all of a client's work,
/// socket polling included, on the calling thread, so this is the client's
/// whole cost, apart from the server's.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

fn cpu_since(start: Option<Duration>) -> Option<Duration> {
    Some(thread_cpu()?.saturating_sub(start?))
}

/// Sequential calls from Python's `ServerProxy`, timed by Python itself.
fn sequential_python(url: &str, seconds: f64) -> Option<Tally> {
    let output = Command::new("python3")
        .args(["-c", PY_CLIENT, url, &seconds.to_string()])
        .args([N.to_string(), EXPECTED.to_string()])
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            let mut out = String::new();
            if let Some(mut stdout) = child.stdout.take() {
                stdout.read_to_string(&mut out)?;
            }
            child.wait()?;
            Ok(out)
        });
    let out = match output {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipping Python client: {e}");
            return None;
        }
    };
    let mut fields = out.split_whitespace();
    let calls = fields.next()?.parse().ok()?;
    let secs: f64 = fields.next()?.parse().ok()?;
    let cpu: Option<f64> = fields.next().and_then(|f| f.parse().ok());
    Some(Tally {
        calls,
        errors: 0,
        first_error: None,
        elapsed: Duration::from_secs_f64(secs),
        cpu: cpu.map(Duration::from_secs_f64),
    })
}

fn ratio(ours: f64, python: Option<f64>) -> String {
    match python {
        Some(p) if p > 0.0 => format!("{:.1}x", ours / p),
        _ => "-".into(),
    }
}

fn main() {
    let opts = match parse_opts() {
        Ok(opts) => opts,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let router = router(opts.async_handler);
    if opts.servers {
        server_table(&opts, &router);
    }
    if opts.clients {
        client_table(&opts, &router);
    }
}

/// Throughput of each server under `opts.connections` busy clients.
fn server_table(opts: &Opts, router: &Arc<Router>) {
    type Start = fn(Arc<Router>) -> Running;
    // All servers up at once (idle ones cost nothing); the rounds then take
    // turns, so a burst of other work on the machine hits every server.
    let mut servers: Vec<(Running, &str)> = Vec::new();
    if let Some(python) = start_python() {
        servers.push((python, "HTTP/1.0: reconnects per call"));
    }
    for start in [start_std as Start, start_tokio, start_smol] {
        servers.push((start(router.clone()), "keep-alive"));
    }
    let mut tallies: Vec<Vec<Tally>> = servers.iter().map(|_| Vec::new()).collect();
    for _ in 0..opts.rounds {
        for (i, (server, _)) in servers.iter().enumerate() {
            tallies[i].push(load(&server.url, opts.connections, opts.seconds));
        }
    }
    let medians: Vec<f64> = tallies.iter().map(|t| median_rate(t)).collect();
    let python_rate = servers
        .first()
        .filter(|(s, _)| s.name.starts_with("Python"))
        .map(|_| medians[0]);
    println!(
        "\n### Server throughput: factorial({N}) ({} handler), {} connections, {} rounds of {} s each\n",
        if opts.async_handler { "async" } else { "sync" },
        opts.connections,
        opts.rounds,
        opts.seconds
    );
    println!("| server | connections | calls | errors | median calls/s | range | vs Python |");
    println!("|---|---|---|---|---|---|---|");
    for (i, (server, note)) in servers.iter().enumerate() {
        let rates: Vec<f64> = tallies[i].iter().map(Tally::per_second).collect();
        let low = rates.iter().cloned().fold(f64::INFINITY, f64::min);
        let high = rates.iter().cloned().fold(0.0, f64::max);
        println!(
            "| {} | {note} | {} | {} | {:.0} | {low:.0}-{high:.0} | {} |",
            server.name,
            tallies[i].iter().map(|t| t.calls).sum::<u64>(),
            tallies[i].iter().map(|t| t.errors).sum::<u64>(),
            medians[i],
            ratio(medians[i], python_rate),
        );
        if let Some(e) = tallies[i].iter().find_map(|t| t.first_error.as_ref()) {
            eprintln!("{}: first error: {e}", server.name);
        }
    }
    for (server, _) in servers {
        (server.stop)();
    }
}

/// The median of the rounds' calls per second.
fn median_rate(tallies: &[Tally]) -> f64 {
    let mut rates: Vec<f64> = tallies.iter().map(Tally::per_second).collect();
    rates.sort_by(f64::total_cmp);
    match rates.len() {
        0 => 0.0,
        n if n % 2 == 1 => rates[n / 2],
        n => (rates[n / 2 - 1] + rates[n / 2]) / 2.0,
    }
}

/// Sequential calls per second of each client against one of our servers,
/// or the server at `--client-url`.
fn client_table(opts: &Opts, router: &Arc<Router>) {
    let server = match (&opts.client_url, opts.client_server.as_str()) {
        (Some(url), _) => Running {
            name: "given",
            url: url.clone(),
            stop: Box::new(|| {}),
        },
        (None, "std") => start_std(router.clone()),
        (None, "smol") => start_smol(router.clone()),
        (None, _) => start_tokio(router.clone()),
    };
    let python = sequential_python(&server.url, opts.seconds);
    let python_rate = python.as_ref().map(Tally::per_second);
    let mut clients = Vec::new();
    if let Some(tally) = python {
        clients.push(("Python ServerProxy", tally));
    }
    clients.push(("transport-std", sequential_std(&server.url, opts.seconds)));
    clients.push((
        "transport-tokio",
        sequential_tokio(&server.url, opts.seconds),
    ));
    clients.push(("transport-smol", sequential_smol(&server.url, opts.seconds)));
    (server.stop)();
    println!(
        "\n### Client speed: sequential factorial({N}) calls against the {} server, {} s each\n",
        server.name, opts.seconds
    );
    let python_cpu = clients
        .first()
        .filter(|(name, _)| name.starts_with("Python"))
        .and_then(|(_, t)| t.cpu_per_call());
    println!(
        "| client | connection | calls | errors | calls/s | vs Python | client CPU µs/call | vs Python (CPU) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, tally) in &clients {
        let cpu = tally.cpu_per_call();
        println!(
            "| {name} | one keep-alive | {} | {} | {:.0} | {} | {} | {} |",
            tally.calls,
            tally.errors,
            tally.per_second(),
            ratio(tally.per_second(), python_rate),
            cpu.map_or("-".into(), |c| format!("{c:.1}")),
            match (cpu, python_cpu) {
                (Some(c), Some(p)) if c > 0.0 => format!("{:.1}x", p / c),
                _ => "-".into(),
            }
        );
        if let Some(e) = &tally.first_error {
            eprintln!("{name}: first error: {e}");
        }
    }
}
