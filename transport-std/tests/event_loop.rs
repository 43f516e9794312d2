//! The server's event loops: a peer that stops reading stalls no other
//! connection on its loop and is dropped at the write deadline, one that
//! streams calls without pause takes turns with the others, and pipelined
//! calls with a blocking handler among them are answered in order, and
//! large echoes cross unix sockets and TLS whole.
#![allow(clippy::expect_used)] // a failed expect here is a failed test

use std::io::{Read, Write};
use std::net::TcpStream;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use transport_std::xmlrpc_proto::http::ServerConfig;
use transport_std::xmlrpc_proto::{Fault, Value};
use transport_std::{Client, Server, ShutdownHandle};

/// `len` letters no compression shrinks much (a xorshift stream).
fn noise(len: usize) -> String {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect()
}

/// A server on one event loop, so every connection shares it.
fn serve(config: ServerConfig) -> (String, ShutdownHandle, thread::JoinHandle<()>) {
    let mut router = xmlrpc_demo::router();
    router.register_blocking("sleep", |ms: i32| -> Result<i32, Fault> {
        thread::sleep(Duration::from_millis(u64::try_from(ms).unwrap_or(0)));
        Ok(ms)
    });
    let server = Server::builder(Arc::new(router))
        .config(config)
        .event_loops(NonZeroUsize::MIN)
        .bind("127.0.0.1:0")
        .expect("bind");
    let addr = server.local_addr();
    let stop = server.shutdown_handle();
    let serving = thread::spawn(move || server.serve().expect("serve"));
    (addr, stop, serving)
}

fn call_body(method: &str, param: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName>\
         <params><param><value>{param}</value></param></params></methodCall>"
    )
}

fn post(body: &str) -> String {
    format!(
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn a_peer_that_stops_reading_stalls_no_one_and_is_dropped_at_the_write_deadline() {
    let config = ServerConfig {
        write_timeout: Duration::from_secs(2),
        ..ServerConfig::default()
    };
    let (addr, stop, serving) = serve(config);
    // An answer of 12 MiB: more than the loopback's socket buffers hold.
    let body = call_body("echo", &format!("<string>{}</string>", noise(12 << 20)));
    let mut stuck = TcpStream::connect(&addr).expect("connect");
    stuck.write_all(post(&body).as_bytes()).expect("send");
    let started = Instant::now();
    // The loop serves others while the stuck answer waits.
    let url = format!("http://{addr}/RPC2");
    let clients: Vec<Client> = (0..4)
        .map(|_| {
            Client::builder(&url)
                .timeout(Duration::from_secs(5))
                .build()
                .expect("client")
        })
        .collect();
    for (i, client) in clients.iter().enumerate() {
        let n = i32::try_from(i).expect("small");
        let echoed = client
            .call_value("echo", vec![Value::Int(n)])
            .expect("a call beside the stuck connection");
        assert_eq!(echoed, Value::Int(n));
    }
    // Well before the write deadline: nobody waited for it.
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "calls waited for the stuck connection: {:?}",
        started.elapsed()
    );
    drop(clients);
    // Past the write deadline the server drops the rest of the answer.
    thread::sleep(Duration::from_millis(3500).saturating_sub(started.elapsed()));
    stuck
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut got = Vec::new();
    let _ = stuck.read_to_end(&mut got);
    assert!(
        got.len() < body.len(),
        "the whole answer ({} bytes) came after its deadline",
        got.len()
    );
    assert!(got.starts_with(b"HTTP/1.1 200"), "no answer began");
    stop.shutdown();
    serving.join().expect("serve thread");
}

#[test]
fn pipelined_calls_around_a_blocking_handler_are_answered_in_order() {
    let (addr, stop, serving) = serve(ServerConfig::default());
    let mut conn = TcpStream::connect(&addr).expect("connect");
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let requests = [
        post(&call_body("echo", "<int>1</int>")),
        post(&call_body("sleep", "<int>200</int>")),
        post(&call_body("echo", "<int>3</int>")),
    ]
    .concat();
    conn.write_all(requests.as_bytes()).expect("send");
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    while count(&got, b"</methodResponse>") < 3 {
        let n = conn.read(&mut chunk).expect("read the answers");
        assert!(
            n > 0,
            "closed after {} answers",
            count(&got, b"</methodResponse>")
        );
        got.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8(got).expect("utf-8");
    let one = text.find("<int>1</int>").expect("first answer");
    let slept = text.find("<int>200</int>").expect("second answer");
    let three = text.find("<int>3</int>").expect("third answer");
    assert!(one < slept && slept < three, "out of order: {text}");
    drop(conn);
    stop.shutdown();
    serving.join().expect("serve thread");
}

#[test]
fn a_peer_streaming_pipelined_calls_does_not_starve_its_loop() {
    let (addr, stop, serving) = serve(ServerConfig::default());
    let flood = TcpStream::connect(&addr).expect("connect");
    let (mut sender, mut drain) = (
        flood.try_clone().expect("clone"),
        flood.try_clone().expect("clone"),
    );
    // Calls as fast as the socket takes them, their answers read as fast
    // as they come, until told to stop: the server always has more to read.
    let flooding = Arc::new(AtomicBool::new(true));
    // Each call is larger than a read, so every read fills the buffer,
    // and its answer is small, so writing it never waits.
    let payload = format!("<string>{}</string>", noise(64 << 10));
    let burst = post(&call_body("validator1.countTheEntities", &payload)).repeat(16);
    let writer = {
        let flooding = Arc::clone(&flooding);
        thread::spawn(move || {
            let until = Instant::now() + Duration::from_secs(30);
            while flooding.load(Ordering::Relaxed) && Instant::now() < until {
                if sender.write_all(burst.as_bytes()).is_err() {
                    break;
                }
            }
        })
    };
    let reader = thread::spawn(move || {
        let mut chunk = vec![0u8; 1 << 16];
        while drain.read(&mut chunk).is_ok_and(|n| n > 0) {}
    });
    thread::sleep(Duration::from_millis(200));
    let client = Client::builder(&format!("http://{addr}/RPC2"))
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let mut slowest = Duration::ZERO;
    for n in 0..10 {
        let asked = Instant::now();
        let echoed = client
            .call_value("echo", vec![Value::Int(n)])
            .expect("a call beside the flood");
        assert_eq!(echoed, Value::Int(n));
        slowest = slowest.max(asked.elapsed());
    }
    assert!(
        !writer.is_finished(),
        "the flood ended before the calls did"
    );
    // Its turns are short (a fraction of that in a release build).
    assert!(
        slowest < Duration::from_secs(2),
        "a call waited {slowest:?} behind the flood"
    );
    flooding.store(false, Ordering::Relaxed);
    let _ = flood.shutdown(std::net::Shutdown::Both);
    writer.join().expect("writer");
    reader.join().expect("reader");
    drop(client);
    stop.shutdown();
    serving.join().expect("serve thread");
}

/// Echoes of 3 MiB, larger than the socket buffers (and TLS's 64 KiB send
/// buffer) both ways, cross a unix socket and TLS in many turns.
#[test]
fn large_echoes_cross_unix_sockets_and_tls_whole() {
    let big = Value::String(noise(3 << 20));
    let echo = |client: &Client| {
        let echoed = client
            .call_value("echo", vec![big.clone()])
            .expect("big echo");
        assert!(echoed == big, "the big echo came back changed");
    };
    #[cfg(unix)]
    {
        let path = std::env::temp_dir().join(format!("event-loop-{}.sock", std::process::id()));
        let server = Server::builder(Arc::new(xmlrpc_demo::router()))
            .event_loops(NonZeroUsize::MIN)
            .bind_unix(&path)
            .expect("bind");
        let stop = server.shutdown_handle();
        let serving = thread::spawn(move || server.serve().expect("serve"));
        let client = Client::new(&format!("unix://{}", path.display())).expect("client");
        echo(&client);
        drop(client);
        stop.shutdown();
        serving.join().expect("serve thread");
    }
    #[cfg(feature = "tls")]
    {
        let certified =
            rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
        let cert = certified.cert.der().to_vec();
        let key = certified.signing_key.serialize_der();
        let tls = transport_std::tls::server_config(vec![cert.clone()], key).expect("tls");
        let server = Server::builder(Arc::new(xmlrpc_demo::router()))
            .event_loops(NonZeroUsize::MIN)
            .tls(tls)
            .bind("127.0.0.1:0")
            .expect("bind");
        let port = server
            .local_addr()
            .rsplit(':')
            .next()
            .unwrap_or("")
            .to_owned();
        let stop = server.shutdown_handle();
        let serving = thread::spawn(move || server.serve().expect("serve"));
        let client = Client::builder(&format!("https://localhost:{port}/RPC2"))
            .tls_root_certificate(cert)
            .build()
            .expect("client");
        echo(&client);
        drop(client);
        stop.shutdown();
        serving.join().expect("serve thread");
    }
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}
