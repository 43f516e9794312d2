//! ServerConnection on arbitrary bytes in arbitrary splits, with time jumps
//! and failed writes: no panic, input buffering bounded by the limits (also
//! while lingering after a refusal), at most one answer per request head,
//! and a failed write always closes. Admitted connections (a seed bit) run
//! under a small body budget and may be evicted: an evicted connection
//! closes at its next input, and every byte it charged comes back.
#![no_main]

use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use xmlrpc_proto::http::{
    Admission, Input, Output, SendFailure, ServerConfig, ServerConnection, ServerEvent,
};
use xmlrpc_proto::{Limits, MethodResponse, Value};

const MAX_HEAD: usize = 1024;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    // The first two bytes pick the split sizes and whether time jumps.
    let (seed, input) = data.split_at(2);
    let sizes = [1 + (seed[0] as usize % 7), 1 + seed[1] as usize, 3, 64];
    let config = Arc::new(ServerConfig {
        limits: Limits {
            max_message_size: 4096,
            ..Limits::server()
        },
        max_head_size: MAX_HEAD,
        max_headers: 16,
        gzip_threshold: Some(64),
        body_budget: 6000,
        body_reserve: 1000,
        small_body: 500,
        ..ServerConfig::default()
    });
    let start = Instant::now();
    let mut now = start;
    let admission = Admission::<u8>::new(&config, 1, start);
    let admitted = seed[0] & 0x40 != 0;
    let mut conn = match admission.admit(now, 0) {
        Ok(a) if admitted => ServerConnection::admitted(Arc::clone(&config), a.ticket, None, now),
        _ => ServerConnection::new(Arc::clone(&config), None, now),
    };
    let mut newcomers = Vec::new();
    let mut answers = 0usize;
    let mut closed = false;
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() && !closed {
        let n = sizes[i % sizes.len()].min(rest.len());
        let (piece, tail) = rest.split_at(n);
        rest = tail;
        i += 1;
        let write_fails = seed[1] & 0x01 != 0 && i % 11 == 0;
        if write_fails {
            // The adapter could not write what the machine handed out.
            let how = if seed[1] & 0x02 != 0 {
                SendFailure::TimedOut
            } else {
                SendFailure::Disconnected
            };
            conn.handle_input(Input::SendFailed(now, how));
        } else if seed[0] & 0x80 != 0 && i % 5 == 0 {
            now += Duration::from_secs(20);
            conn.handle_input(Input::Tick(now));
        } else if admitted && seed[0] & 0x20 != 0 && i % 13 == 0 {
            // A newcomer at the cap: evicts this connection when it may.
            if let Ok(a) = admission.admit(now, 1) {
                let evicted = a.evicted.is_some();
                newcomers.push(a.ticket);
                if evicted {
                    conn.handle_input(Input::Tick(now));
                    assert!(drain(&mut conn, now, &mut answers), "evicted, not closed");
                    break;
                }
            }
        } else {
            conn.handle_input(Input::Data(now, piece));
        }
        closed = drain(&mut conn, now, &mut answers);
        // Everything handed out was written.
        conn.transmitted(now);
        assert!(
            !write_fails || closed,
            "a failed write closes the connection"
        );
        assert!(conn.buffered_len() <= MAX_HEAD + 64 * 1024 + n);
    }
    if !closed {
        conn.handle_input(Input::Eof(now));
        closed = drain(&mut conn, now, &mut answers);
    }
    let _ = closed;
    drop(conn);
    assert_eq!(admission.budget().used(), 0, "a closed connection holds no budget");
    drop(newcomers);
    // Each answer needs a head that ended (a blank line), except a single
    // refusal of an unfinished head (408/413/414/431), after which it closes.
    let head_ends = input.windows(2).filter(|w| w == b"\n\n").count()
        + input.windows(3).filter(|w| w == b"\n\r\n").count();
    assert!(
        answers <= head_ends + 1,
        "{answers} answers for {head_ends} heads"
    );
});

/// Polls until the connection waits; answers calls, and checks a second
/// answer to the same id writes nothing. True once closed.
fn drain(conn: &mut ServerConnection, now: Instant, answers: &mut usize) -> bool {
    loop {
        match conn.poll_output() {
            Output::Transmit(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                *answers += text.matches("HTTP/1.1 ").count()
                    - text.matches("HTTP/1.1 100 Continue").count();
            }
            Output::Event(ServerEvent::Call { id, call, .. }) => {
                let answer = MethodResponse::Success(Value::Int(call.params.len() as i32));
                conn.respond(id, answer.clone(), now);
                conn.respond(id, answer, now);
            }
            Output::Event(ServerEvent::Answered(_)) => {}
            Output::Wait { .. } => return false,
            Output::Closed => return true,
        }
    }
}
