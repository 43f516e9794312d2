//! Overload stress: `xrpc serve` with its defaults, on each runtime, under
//! the attacks the overload protection answers, with pass/fail targets.
//!
//! 1. **Slowloris:** `--idle` connections that send nothing plus `--half`
//!    that send half a request head, all held open by this process; then
//!    `--calls` sequential legitimate calls, each on a new connection.
//!    Target: all answer, p95 under 1 s.
//! 2. **Memory flood:** `--bodies` connections that each declare a 16 MiB
//!    body, send `--body-mib` MiB of it and stop; then small calls.
//!    Target: the server's peak RSS under 1.25 GiB, it stays up, and small
//!    calls answer within 2 s.
//! 3. **Soak:** 16 keep-alive connections calling `factorial` for
//!    `--soak-seconds`; the server's RSS sampled every 5 s. Target: flat
//!    (the last sample within 10% + 8 MiB of the first after warm-up).
//!
//! ```text
//! cargo build --release -p xrpc -p xmlrpc-bench
//! target/release/stress [--runtime std|tokio|smol|all] [--only slowloris|flood|soak]
//!     [--idle 2000] [--half 2000] [--calls 20] [--bodies 300] [--body-mib 15] [--soak-seconds 60]
//! ```
//!
//! The server is a child process (`xrpc serve --bind 127.0.0.1:0`, found
//! next to this binary or given with `--xrpc PATH`), so its RSS is its own
//! (from /proc, Linux only). Exits 1 when a target is missed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

struct Options {
    runtimes: Vec<String>,
    only: Option<String>,
    idle: usize,
    half: usize,
    calls: usize,
    bodies: usize,
    body_mib: usize,
    soak_seconds: u64,
    xrpc: PathBuf,
}

fn main() {
    let options = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("stress: {e}");
            std::process::exit(2);
        }
    };
    let mut failed = Vec::new();
    let wants = |name: &str| options.only.as_deref().is_none_or(|o| o == name);
    for runtime in &options.runtimes {
        println!("== {runtime}");
        if wants("slowloris") && !slowloris(&options, runtime) {
            failed.push(format!("{runtime} slowloris"));
        }
        if wants("flood") && !flood(&options, runtime) {
            failed.push(format!("{runtime} flood"));
        }
        if wants("soak") && !soak(&options, runtime) {
            failed.push(format!("{runtime} soak"));
        }
    }
    if failed.is_empty() {
        println!("all targets met");
    } else {
        println!("missed: {}", failed.join(", "));
        std::process::exit(1);
    }
}

fn parse() -> Result<Options, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut o = Options {
        runtimes: vec!["std".into(), "tokio".into(), "smol".into()],
        only: None,
        idle: 2000,
        half: 2000,
        calls: 20,
        bodies: 300,
        body_mib: 15,
        soak_seconds: 60,
        xrpc: exe.with_file_name("xrpc"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{v}: {e}"));
        match flag.as_str() {
            "--runtime" => {
                let v = value()?;
                if v != "all" {
                    o.runtimes = vec![v];
                }
            }
            "--only" => o.only = Some(value()?),
            "--idle" => o.idle = number(value()?)?,
            "--half" => o.half = number(value()?)?,
            "--calls" => o.calls = number(value()?)?,
            "--bodies" => o.bodies = number(value()?)?,
            "--body-mib" => o.body_mib = number(value()?)?,
            "--soak-seconds" => o.soak_seconds = number(value()?)? as u64,
            "--xrpc" => o.xrpc = PathBuf::from(value()?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if !o.xrpc.exists() {
        return Err(format!(
            "no xrpc at {} (cargo build --release -p xrpc, or --xrpc PATH)",
            o.xrpc.display()
        ));
    }
    Ok(o)
}

/// A running `xrpc serve`, killed when dropped.
struct Served {
    child: Child,
    addr: SocketAddr,
    url: String,
}

impl Served {
    fn start(options: &Options, runtime: &str) -> Served {
        let mut child = Command::new(&options.xrpc)
            .args(["serve", "--runtime", runtime, "--bind", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", options.xrpc.display()));
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap_or_else(|e| panic!("read the ready line: {e}"));
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected ready line {line:?}"))
            .to_owned();
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches("/RPC2")
            .parse()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        Served { child, addr, url }
    }

    /// (current, peak) resident set in MiB.
    fn rss_mib(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
                .map_or(f64::NAN, |kb| kb / 1024.0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One legitimate call on a new connection: its latency, or why it failed.
fn legit_call(url: &str, n: i64) -> Result<Duration, String> {
    let start = Instant::now();
    let client = transport_std::Client::builder(url)
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let got: i64 = client.call("factorial", (n,)).map_err(|e| e.to_string())?;
    let want: i64 = (1..=n).product();
    if got != want {
        return Err(format!("factorial({n}) = {got}"));
    }
    Ok(start.elapsed())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// Opens `count` connections from 8 threads, each sending `prefix`, into
/// `held`; the threads run on in the background and are returned.
fn open_many(
    addr: SocketAddr,
    count: usize,
    prefix: &'static [u8],
    held: &Arc<Mutex<Vec<TcpStream>>>,
) -> Vec<thread::JoinHandle<()>> {
    let per = count.div_ceil(8);
    (0..8)
        .map(|t| {
            let n = per.min(count.saturating_sub(t * per));
            let held = Arc::clone(held);
            thread::spawn(move || {
                for _ in 0..n {
                    if let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(10)) {
                        let _ = s.write_all(prefix);
                        held.lock().unwrap_or_else(|e| e.into_inner()).push(s);
                    }
                }
            })
        })
        .collect()
}

/// How many of `streams` the server closed.
fn closed_by_server(streams: &[TcpStream]) -> usize {
    let mut buf = [0u8; 1];
    streams
        .iter()
        .filter(|s| {
            let _ = s.set_nonblocking(true);
            matches!(s.peek(&mut buf), Ok(0))
                || matches!(s.peek(&mut buf), Err(e) if e.kind() != std::io::ErrorKind::WouldBlock)
        })
        .count()
}

fn slowloris(options: &Options, runtime: &str) -> bool {
    let server = Served::start(options, runtime);
    let started = Instant::now();
    let held = Arc::new(Mutex::new(Vec::new()));
    let mut openers = open_many(server.addr, options.idle, b"", &held);
    openers.extend(open_many(
        server.addr,
        options.half,
        b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n",
        &held,
    ));
    // The calls start once every slow connection is open, or after 10 s
    // with the rest still trying (a server that cannot accept them).
    let total = options.idle + options.half;
    let opened = || held.lock().unwrap_or_else(|e| e.into_inner()).len();
    while opened() < total && started.elapsed() < Duration::from_secs(10) {
        thread::sleep(Duration::from_millis(50));
    }
    println!(
        "slowloris: {} of {total} slow connections open after {:.1?}",
        opened(),
        started.elapsed()
    );
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for i in 0..options.calls {
        match legit_call(&server.url, 5 + (i % 15) as i64) {
            Ok(took) => latencies.push(took),
            Err(e) => failures.push(e),
        }
    }
    for opener in openers {
        let _ = opener.join();
    }
    latencies.sort();
    let p95 = percentile(&latencies, 0.95);
    let held = std::mem::take(&mut *held.lock().unwrap_or_else(|e| e.into_inner()));
    let closed = closed_by_server(&held);
    println!(
        "slowloris: {}/{} calls answered, p50 {:.1?}, p95 {:.1?}, max {:.1?}; server closed {} slow connections; server RSS {:.0} MiB",
        latencies.len(),
        options.calls,
        percentile(&latencies, 0.5),
        p95,
        latencies.last().copied().unwrap_or_default(),
        closed,
        server.rss_mib().0,
    );
    for e in failures.iter().take(3) {
        println!("slowloris: failed call: {e}");
    }
    let ok = failures.is_empty() && p95 < Duration::from_secs(1);
    println!("slowloris: {}", verdict(ok));
    ok
}

fn flood(options: &Options, runtime: &str) -> bool {
    let mut server = Served::start(options, runtime);
    let addr = server.addr;
    let body_bytes = options.body_mib << 20;
    let refused = Arc::new(AtomicU64::new(0));
    let sent_all = Arc::new(AtomicU64::new(0));
    let release = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let attackers: Vec<_> = (0..options.bodies)
        .map(|_| {
            let (refused, sent_all, release) = (
                Arc::clone(&refused),
                Arc::clone(&sent_all),
                Arc::clone(&release),
            );
            thread::spawn(move || {
                let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(10)) else {
                    return;
                };
                // A call whose one string is most of the body, left unfinished.
                let head = format!(
                    "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n\
                     <methodCall><methodName>echo</methodName><params><param><value><string>",
                    16 << 20
                );
                let chunk = vec![b'a'; 64 << 10];
                let mut ok = s.write_all(head.as_bytes()).is_ok();
                let mut sent = 0;
                while ok && sent < body_bytes {
                    ok = s.write_all(&chunk).is_ok();
                    sent += chunk.len();
                }
                if ok {
                    sent_all.fetch_add(1, Ordering::Relaxed);
                }
                let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                let mut reply = [0u8; 64];
                while !release.load(Ordering::Relaxed) {
                    match s.read(&mut reply) {
                        Ok(n) if n > 0 && reply.starts_with(b"HTTP/1.1 503") => {
                            refused.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Ok(0) => break,
                        Err(e)
                            if matches!(
                                e.kind(),
                                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                            ) => {}
                        _ => break,
                    }
                }
                // Hold the connection until released.
                while !release.load(Ordering::Relaxed) {
                    thread::sleep(Duration::from_millis(50));
                }
            })
        })
        .collect();
    // Let the bodies arrive, sampling the server's memory meanwhile.
    let deadline = Instant::now() + Duration::from_secs(60);
    while sent_all.load(Ordering::Relaxed) + refused.load(Ordering::Relaxed) < options.bodies as u64
        && Instant::now() < deadline
    {
        thread::sleep(Duration::from_millis(250));
    }
    thread::sleep(Duration::from_secs(2));
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for i in 0..10 {
        match legit_call(&server.url, 5 + i) {
            Ok(took) => latencies.push(took),
            Err(e) => failures.push(e),
        }
    }
    let (rss, peak) = server.rss_mib();
    let alive = server.alive();
    release.store(true, Ordering::Relaxed);
    for a in attackers {
        let _ = a.join();
    }
    latencies.sort();
    let slowest = latencies.last().copied().unwrap_or_default();
    println!(
        "flood: {} connections x {} MiB in {:.1?}: {} refused with 503, {} sent everything; \
         server RSS {:.0} MiB, peak {:.0} MiB, {}; {}/10 small calls answered, slowest {:.1?}",
        options.bodies,
        options.body_mib,
        started.elapsed(),
        refused.load(Ordering::Relaxed),
        sent_all.load(Ordering::Relaxed),
        rss,
        peak,
        if alive { "up" } else { "DOWN" },
        latencies.len(),
        slowest,
    );
    for e in failures.iter().take(3) {
        println!("flood: failed call: {e}");
    }
    let ok =
        alive && failures.is_empty() && peak < 1.25 * 1024.0 && slowest < Duration::from_secs(2);
    println!("flood: {}", verdict(ok));
    ok
}

fn soak(options: &Options, runtime: &str) -> bool {
    let server = Served::start(options, runtime);
    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let (url, stop, calls, errors) = (
                server.url.clone(),
                Arc::clone(&stop),
                Arc::clone(&calls),
                Arc::clone(&errors),
            );
            thread::spawn(move || {
                let Ok(client) = transport_std::Client::new(&url) else {
                    errors.fetch_add(1, Ordering::Relaxed);
                    return;
                };
                while !stop.load(Ordering::Relaxed) {
                    match client.call::<i64>("factorial", (10,)) {
                        Ok(3_628_800) => calls.fetch_add(1, Ordering::Relaxed),
                        _ => errors.fetch_add(1, Ordering::Relaxed),
                    };
                }
            })
        })
        .collect();
    let start = Instant::now();
    let mut samples = Vec::new();
    while start.elapsed() < Duration::from_secs(options.soak_seconds) {
        thread::sleep(Duration::from_secs(5));
        samples.push(server.rss_mib().0);
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.join();
    }
    let calls = calls.load(Ordering::Relaxed);
    let errors = errors.load(Ordering::Relaxed);
    // The first sample is warm-up (allocator arenas, thread stacks).
    let first = samples
        .get(1)
        .or(samples.first())
        .copied()
        .unwrap_or(f64::NAN);
    let last = samples.last().copied().unwrap_or(f64::NAN);
    let series: Vec<String> = samples.iter().map(|m| format!("{m:.1}")).collect();
    println!(
        "soak: {calls} calls in {:.0?} ({:.0}/s), {errors} errors; server RSS MiB every 5 s: {}",
        start.elapsed(),
        calls as f64 / start.elapsed().as_secs_f64(),
        series.join(" ")
    );
    let ok = errors == 0 && calls > 0 && last <= first * 1.10 + 8.0;
    println!("soak: {}", verdict(ok));
    ok
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "target met"
    } else {
        "TARGET MISSED"
    }
}
