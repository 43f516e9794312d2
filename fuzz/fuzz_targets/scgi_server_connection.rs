//! An SCGI ServerConnection on arbitrary bytes in arbitrary splits, with
//! time jumps, failed writes and eviction: no panic, input buffering
//! bounded by the header-block cap, at most one answer per connection (SCGI
//! is one request each), a failed write always closes, and every byte
//! charged to the body budget comes back. Without time jumps, failures or
//! eviction, the answer is the same whether the input arrived whole or in
//! pieces (split invariance: the status, the call decoded, the fault code;
//! a decode error's excerpt may differ with the chunks the decoder saw).
#![no_main]

use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use xmlrpc_proto::http::{
    Admission, Input, Output, SendFailure, ServerConfig, ServerConnection, ServerEvent,
};
use xmlrpc_proto::{Limits, MethodResponse, Value};

const MAX_HEAD: usize = 512;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    // The first two bytes pick the split sizes and what else happens.
    let (seed, input) = data.split_at(2);
    let sizes = [1 + (seed[0] as usize % 7), 1 + seed[1] as usize, 3, 64];
    let config = Arc::new(ServerConfig {
        limits: Limits {
            max_message_size: 4096,
            ..Limits::server()
        },
        max_head_size: MAX_HEAD,
        max_headers: 8,
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
        Ok(a) if admitted => {
            ServerConnection::admitted_scgi(Arc::clone(&config), a.ticket, None, now)
        }
        _ => ServerConnection::scgi(Arc::clone(&config), None, now),
    };
    let plain = seed[1] & 0x01 == 0 && seed[0] & 0x80 == 0 && !(admitted && seed[0] & 0x20 != 0);
    let mut wire = Vec::new();
    let mut newcomers = Vec::new();
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
                    assert!(drain(&mut conn, now, &mut wire), "evicted, not closed");
                    break;
                }
            }
        } else {
            conn.handle_input(Input::Data(now, piece));
        }
        closed = drain(&mut conn, now, &mut wire);
        conn.transmitted(now);
        assert!(!write_fails || closed, "a failed write closes the connection");
        assert!(conn.buffered_len() <= MAX_HEAD + 32 + n, "{}", conn.buffered_len());
    }
    if !closed {
        conn.handle_input(Input::Eof(now));
        drain(&mut conn, now, &mut wire);
    }
    drop(conn);
    assert_eq!(admission.budget().used(), 0, "a closed connection holds no budget");
    drop(newcomers);
    assert_one_answer_at_most(&wire);
    if plain {
        // The same input whole: the same bytes out.
        let mut whole = ServerConnection::scgi(Arc::clone(&config), None, start);
        let mut whole_wire = Vec::new();
        whole.handle_input(Input::Data(start, input));
        if !drain(&mut whole, start, &mut whole_wire) {
            whole.handle_input(Input::Eof(start));
            drain(&mut whole, start, &mut whole_wire);
        }
        assert_eq!(
            summary(&wire),
            summary(&whole_wire),
            "whole and split input answered differently"
        );
    }
});

/// The wire holds nothing, or exactly one CGI response: a `Status:` head
/// and the `Content-Length` bytes it declares, nothing after. (Counting
/// "Status: " would miscount: a decode fault may quote the request, which
/// may hold that text.)
fn assert_one_answer_at_most(wire: &[u8]) {
    if wire.is_empty() {
        return;
    }
    assert!(wire.starts_with(b"Status: "), "not a CGI response");
    let head_end = wire
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head")
        + 4;
    let head = String::from_utf8_lossy(&wire[..head_end]);
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|v| v.trim().parse().ok())
        .expect("a Content-Length");
    assert_eq!(
        wire.len(),
        head_end + length,
        "bytes after the one answer on an SCGI connection"
    );
}

/// What must not depend on the split: the status line, the body of a
/// refusal or a success, and the fault code of a fault.
fn summary(wire: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(wire);
    let status = text.lines().next().unwrap_or_default().to_owned();
    let body = match text.find("<name>faultCode</name>") {
        Some(at) => text[at..].split("</int>").next().unwrap_or_default().to_owned(),
        None => text.into_owned(),
    };
    (status, body)
}

/// Polls until the connection waits; answers calls, and checks a second
/// answer to the same id writes nothing. True once closed.
fn drain(conn: &mut ServerConnection, now: Instant, wire: &mut Vec<u8>) -> bool {
    loop {
        match conn.poll_output() {
            Output::Transmit(bytes) => wire.extend_from_slice(&bytes),
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
