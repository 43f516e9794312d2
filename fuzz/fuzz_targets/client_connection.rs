//! ClientConnection on arbitrary response bytes in arbitrary splits, with
//! time jumps and failed writes: no panic, exactly one report per call,
//! nothing reported without a call.
#![no_main]

use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use xmlrpc_proto::client::ClientConfig;
use xmlrpc_proto::http::{Address, ClientConnection, Input, Output, SendFailure};
use xmlrpc_proto::{Limits, MethodCall, Value};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let (seed, input) = data.split_at(2);
    let sizes = [1 + (seed[0] as usize % 5), 1 + seed[1] as usize, 2, 100];
    let Ok(address) = Address::parse("http://u:p@localhost:8080/RPC2") else {
        return;
    };
    let mut config = ClientConfig::new(address);
    config.limits = Limits {
        max_message_size: 4096,
        ..Limits::client()
    };
    config.keep_raw_body = seed[0] & 1 == 1;
    config.gzip_threshold = Some(16);
    let mut conn = ClientConnection::new(Arc::new(config));
    let mut now = Instant::now();
    let call = MethodCall::new(
        "sample.add",
        vec![Value::Int(1), Value::String("x".repeat(40))],
    );
    let mut in_flight = conn.send_call(&call, now).is_ok();
    assert!(in_flight);
    let mut rest = input;
    let mut i = 0;
    let mut closed = false;
    while !rest.is_empty() && !closed {
        let n = sizes[i % sizes.len()].min(rest.len());
        let (piece, tail) = rest.split_at(n);
        rest = tail;
        i += 1;
        if seed[1] & 0x01 != 0 && i % 11 == 0 {
            // Writing the request failed: the machine decides what it means.
            let how = if seed[1] & 0x02 != 0 {
                SendFailure::TimedOut
            } else {
                SendFailure::Disconnected
            };
            conn.handle_input(Input::SendFailed(now, how));
        } else if seed[0] & 0x80 != 0 && i % 7 == 0 {
            now += Duration::from_secs(40);
            conn.handle_input(Input::Tick(now));
        } else {
            conn.handle_input(Input::Data(now, piece));
        }
        closed = drain(&mut conn, &mut in_flight);
        if !in_flight && conn.is_reusable() {
            in_flight = conn.send_call(&call, now).is_ok();
            assert!(in_flight, "a reusable connection takes a call");
        }
    }
    if !closed {
        conn.handle_input(Input::Eof(now));
        drain(&mut conn, &mut in_flight);
    }
    // Whatever happened, no call is left without its report.
    assert!(!in_flight, "call in flight never reported");
});

/// Polls until the connection waits; true once closed.
fn drain(conn: &mut ClientConnection, in_flight: &mut bool) -> bool {
    loop {
        match conn.poll_output() {
            Output::Transmit(_) => {}
            Output::Event(_) => {
                assert!(*in_flight, "a report without a call in flight");
                *in_flight = false;
            }
            Output::Wait { .. } => return false,
            Output::Closed => return true,
        }
    }
}
