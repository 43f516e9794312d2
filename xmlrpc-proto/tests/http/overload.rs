//! Overload decisions with simulated time: who is evicted at the
//! connection cap (and who never is), what a body charges to the server's
//! budget, and when that budget answers 503.

use std::sync::Arc;
use std::time::{Duration, Instant};

use xmlrpc_proto::http::{Admission, Input, ServerConfig, ServerConnection};

use crate::harness::*;

/// One admitted server connection, driven by hand.
struct Conn {
    server: ServerConnection,
    wire: Vec<u8>,
    run: ServerRun,
    router: Router,
}

impl Conn {
    /// Admits a connection at `now`; `kick` names it in evictions.
    fn admit(
        admission: &Admission<u32>,
        config: &Arc<ServerConfig>,
        now: Instant,
        kick: u32,
    ) -> (Conn, Option<u32>) {
        let admitted = admission.admit(now, kick).expect("admitted");
        let server = ServerConnection::admitted(Arc::clone(config), admitted.ticket, None, now);
        let conn = Conn {
            server,
            wire: Vec::new(),
            run: ServerRun::default(),
            router: echo_router(),
        };
        (conn, admitted.evicted)
    }

    fn feed(&mut self, bytes: &[u8], now: Instant) {
        self.server.handle_input(Input::Data(now, bytes));
        self.drive(now);
    }

    fn tick(&mut self, now: Instant) {
        self.server.handle_input(Input::Tick(now));
        self.drive(now);
    }

    fn drive(&mut self, now: Instant) {
        let clock = Clock::at(now);
        drive_server(
            &mut self.server,
            &clock,
            &mut self.wire,
            &mut self.run,
            &mut self.router,
        );
        // Everything handed out is on the wire at once here.
        self.server.transmitted(now);
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.wire).into_owned()
    }
}

fn config(f: impl FnOnce(&mut ServerConfig)) -> Arc<ServerConfig> {
    let mut c = ServerConfig {
        first_head_window: Duration::from_secs(1),
        ..ServerConfig::default()
    };
    f(&mut c);
    Arc::new(c)
}

fn secs(t0: Instant, s: f64) -> Instant {
    t0 + Duration::from_secs_f64(s)
}

const HALF_HEAD: &[u8] = b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n";

#[test]
fn at_the_cap_a_silent_connection_past_the_window_is_evicted_and_closes_without_a_word() {
    let t0 = Instant::now();
    let config = config(|_| {});
    let admission = Admission::new(&config, 2, t0);
    let (mut silent, _) = Conn::admit(&admission, &config, t0, 1);
    let (mut half, _) = Conn::admit(&admission, &config, secs(t0, 0.1), 2);
    half.feed(HALF_HEAD, secs(t0, 0.2));

    // Within the window nobody may be evicted: the newcomer waits.
    let full = admission.admit(secs(t0, 0.5), 3).unwrap_err();
    assert_eq!(full.retry_at, Some(secs(t0, 1.0)));

    // Past it the oldest slow one goes, then the next.
    let (mut newcomer, evicted) = Conn::admit(&admission, &config, secs(t0, 1.5), 3);
    assert_eq!(evicted, Some(1));
    silent.tick(secs(t0, 1.5));
    assert!(
        silent.run.closed && silent.wire.is_empty(),
        "closed without an answer"
    );
    let (_fourth, evicted) = Conn::admit(&admission, &config, secs(t0, 1.6), 4);
    assert_eq!(evicted, Some(2));
    half.tick(secs(t0, 1.6));
    assert!(half.run.closed && half.wire.is_empty());

    // The newcomer that sent its call in time is answered.
    newcomer.feed(post(&echo_body(7), "").as_bytes(), secs(t0, 1.7));
    assert_eq!(newcomer.run.calls.len(), 1);
    assert!(newcomer.text().starts_with("HTTP/1.1 200 OK"));
    assert_eq!(admission.open(), 2);
}

#[test]
fn a_connection_in_the_middle_of_a_request_is_never_evicted() {
    let t0 = Instant::now();
    let config = config(|_| {});
    let admission = Admission::new(&config, 1, t0);
    let (mut busy, _) = Conn::admit(&admission, &config, t0, 1);
    let body = echo_body(1);
    let request = post(&body, "");
    // The head and part of the body: mid-request.
    busy.feed(&request.as_bytes()[..request.len() - 10], secs(t0, 0.1));
    for later in [2.0, 30.0, 59.0] {
        let full = admission.admit(secs(t0, later), 2).unwrap_err();
        assert_eq!(full.retry_at, None, "only a busy connection is open");
    }
    busy.feed(&request.as_bytes()[request.len() - 10..], secs(t0, 59.5));
    assert!(
        busy.text().starts_with("HTTP/1.1 200 OK"),
        "{}",
        busy.text()
    );
    // Answered and idle now: evictable.
    let (_, evicted) = Conn::admit(&admission, &config, secs(t0, 60.0), 2);
    assert_eq!(evicted, Some(1));
}

#[test]
fn the_longest_idle_keep_alive_connection_goes_first() {
    let t0 = Instant::now();
    let config = config(|_| {});
    let admission = Admission::new(&config, 2, t0);
    let (mut a, _) = Conn::admit(&admission, &config, t0, 1);
    let (mut b, _) = Conn::admit(&admission, &config, t0, 2);
    b.feed(post(&echo_body(1), "").as_bytes(), secs(t0, 0.1));
    a.feed(post(&echo_body(2), "").as_bytes(), secs(t0, 0.2));
    assert_eq!((a.run.calls.len(), b.run.calls.len()), (1, 1));
    // b has been idle longer.
    let (_, evicted) = Conn::admit(&admission, &config, secs(t0, 5.0), 3);
    assert_eq!(evicted, Some(2));
    b.tick(secs(t0, 5.0));
    assert!(b.run.closed);
    a.feed(post(&echo_body(3), "").as_bytes(), secs(t0, 5.1));
    assert_eq!(a.run.calls.len(), 2, "the other keeps serving");
}

#[test]
fn a_head_that_completes_after_the_eviction_is_not_served() {
    let t0 = Instant::now();
    let config = config(|_| {});
    let admission = Admission::new(&config, 1, t0);
    let (mut late, _) = Conn::admit(&admission, &config, t0, 1);
    let (_, evicted) = Conn::admit(&admission, &config, secs(t0, 2.0), 2);
    assert_eq!(evicted, Some(1));
    // Its request arrives before the driver's kick: dropped, connection closed.
    late.feed(post(&echo_body(1), "").as_bytes(), secs(t0, 2.0));
    assert!(late.run.calls.is_empty() && late.wire.is_empty() && late.run.closed);
}

#[test]
fn a_second_head_on_a_keep_alive_connection_gets_its_own_window() {
    let t0 = Instant::now();
    let config = config(|_| {});
    let admission = Admission::new(&config, 1, t0);
    let (mut conn, _) = Conn::admit(&admission, &config, t0, 1);
    conn.feed(post(&echo_body(1), "").as_bytes(), secs(t0, 0.1));
    conn.feed(HALF_HEAD, secs(t0, 10.0));
    assert!(
        admission.admit(secs(t0, 10.5), 2).is_err(),
        "head began 0.5 s ago"
    );
    let (_, evicted) = Conn::admit(&admission, &config, secs(t0, 11.0), 2);
    assert_eq!(evicted, Some(1));
}

/// A POST head declaring `len` body bytes.
fn head(len: usize, extra: &str) -> String {
    format!("POST /RPC2 HTTP/1.1\r\nHost: x\r\n{extra}Content-Length: {len}\r\n\r\n")
}

/// A valid call padded with whitespace to exactly `len` bytes.
fn padded_call(len: usize) -> String {
    let call = echo_body(1);
    format!("{call}{}", " ".repeat(len - call.len()))
}

fn budget_config() -> Arc<ServerConfig> {
    config(|c| {
        c.body_budget = 1 << 20;
        c.body_reserve = 100 << 10;
        c.small_body = 64 << 10;
    })
}

#[test]
fn a_declared_length_is_reserved_up_front_and_what_does_not_fit_gets_503() {
    let t0 = Instant::now();
    let config = budget_config();
    let admission = Admission::new(&config, 16, t0);
    let (mut large, _) = Conn::admit(&admission, &config, t0, 1);
    large.feed(head(900 << 10, "").as_bytes(), t0);
    assert_eq!(
        admission.budget().used(),
        900 << 10,
        "reserved before any body byte"
    );

    // 900 KiB + 200 KiB is over 1 MiB - the reserve: refused, told to retry.
    let (mut refused, _) = Conn::admit(&admission, &config, t0, 2);
    refused.feed(head(200 << 10, "").as_bytes(), t0);
    let text = refused.text();
    assert!(
        text.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{text}"
    );
    assert!(text.contains("\r\nRetry-After: 1\r\n") && text.contains("Connection: close"));
    assert_eq!(refused.run.records[0].status, 503);
    assert_eq!(
        admission.budget().used(),
        900 << 10,
        "a refusal holds nothing"
    );

    // A small call still fits: it draws on the reserve.
    let (mut small, _) = Conn::admit(&admission, &config, t0, 3);
    small.feed(post(&echo_body(5), "").as_bytes(), t0);
    assert!(small.text().starts_with("HTTP/1.1 200 OK"));

    // The large body completes, is answered, and gives its bytes back.
    large.feed(padded_call(900 << 10).as_bytes(), secs(t0, 1.0));
    assert!(
        large.text().starts_with("HTTP/1.1 200 OK"),
        "{}",
        large.text()
    );
    assert_eq!(admission.budget().used(), 0);
}

#[test]
fn a_chunked_body_is_charged_as_it_arrives_and_refused_mid_body() {
    let t0 = Instant::now();
    let config = config(|c| {
        c.body_budget = 1 << 20;
        c.body_reserve = 0;
    });
    let admission = Admission::new(&config, 16, t0);
    let (mut holder, _) = Conn::admit(&admission, &config, t0, 1);
    holder.feed(head(600 << 10, "").as_bytes(), t0);
    let (mut chunked, _) = Conn::admit(&admission, &config, t0, 2);
    chunked.feed(
        b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        t0,
    );
    let chunk = format!("{:x}\r\n{}\r\n", 100 << 10, " ".repeat(100 << 10));
    for i in 0..4 {
        chunked.feed(chunk.as_bytes(), secs(t0, 0.1 * f64::from(i)));
        assert!(chunked.wire.is_empty(), "chunk {i} fits");
    }
    assert_eq!(admission.budget().used(), 1000 << 10);
    chunked.feed(chunk.as_bytes(), secs(t0, 1.0));
    assert!(
        chunked.text().starts_with("HTTP/1.1 503 "),
        "{}",
        chunked.text()
    );
    assert_eq!(
        admission.budget().used(),
        600 << 10,
        "the refused body gave back its bytes"
    );
}

#[test]
fn gzip_is_charged_by_its_inflated_size() {
    use std::io::Write as _;
    let t0 = Instant::now();
    let config = config(|c| {
        c.body_budget = 300 << 10;
        c.body_reserve = 0;
    });
    let admission = Admission::new(&config, 16, t0);
    let body = padded_call(500 << 10);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(body.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    assert!(gz.len() < 10 << 10);
    let (mut conn, _) = Conn::admit(&admission, &config, t0, 1);
    let mut request = head(gz.len(), "Content-Encoding: gzip\r\n").into_bytes();
    request.extend_from_slice(&gz);
    conn.feed(&request, t0);
    assert!(conn.text().starts_with("HTTP/1.1 503 "), "{}", conn.text());
    assert!(conn.run.calls.is_empty());
}

#[test]
fn the_charge_is_held_until_the_call_is_answered() {
    let t0 = Instant::now();
    let config = budget_config();
    let admission = Admission::new(&config, 16, t0);
    let (mut conn, _) = Conn::admit(&admission, &config, t0, 1);
    let body = "<methodCall><methodName>hang</methodName><params/></methodCall>";
    conn.feed(post(body, "").as_bytes(), t0);
    assert_eq!(conn.run.calls.len(), 1);
    assert_eq!(
        admission.budget().used(),
        body.len() as u64,
        "held while the call runs"
    );
    let id = xmlrpc_proto::http::RequestId(0);
    conn.server.respond(
        id,
        xmlrpc_proto::MethodResponse::Success(xmlrpc_proto::Value::Nil),
        t0,
    );
    conn.drive(t0);
    assert!(conn.text().starts_with("HTTP/1.1 200 OK"));
    assert_eq!(admission.budget().used(), 0);
}

#[test]
fn closing_frees_the_place_and_whatever_the_body_held() {
    let t0 = Instant::now();
    let config = budget_config();
    let admission = Admission::new(&config, 16, t0);
    let (mut conn, _) = Conn::admit(&admission, &config, t0, 1);
    conn.feed(head(500 << 10, "").as_bytes(), t0);
    assert_eq!(
        (admission.open(), admission.budget().used()),
        (1, 500 << 10)
    );
    conn.server.handle_input(Input::Eof(secs(t0, 1.0)));
    conn.drive(secs(t0, 1.0));
    assert!(conn.run.closed);
    drop(conn);
    assert_eq!((admission.open(), admission.budget().used()), (0, 0));
}

#[test]
fn an_answer_not_yet_written_keeps_its_connection_busy() {
    let t0 = Instant::now();
    let config = config(|_| {});
    let admission = Admission::new(&config, 1, t0);
    let (mut conn, _) = Conn::admit(&admission, &config, t0, 1);
    // Answered, but the transport has not written it (a slow reader).
    conn.server
        .handle_input(Input::Data(t0, post(&echo_body(1), "").as_bytes()));
    let clock = Clock::at(t0);
    drive_server(
        &mut conn.server,
        &clock,
        &mut conn.wire,
        &mut conn.run,
        &mut conn.router,
    );
    assert!(conn.text().starts_with("HTTP/1.1 200 OK"));
    let full = admission.admit(secs(t0, 10.0), 2).unwrap_err();
    assert_eq!(full.retry_at, None, "busy until written");
    conn.server.transmitted(secs(t0, 10.0));
    let (_, evicted) = Conn::admit(&admission, &config, secs(t0, 11.0), 2);
    assert_eq!(evicted, Some(1));
}
