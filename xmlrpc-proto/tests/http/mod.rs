//! The `Pair` harness: a client and a server machine wired in memory, driven
//! with simulated time, and raw drivers for either side alone.
//!
//! Every driver delivers bytes in pieces of `split` bytes (`WHOLE` for
//! everything at once, 1 for byte by byte) so tests run both ways.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use xmlrpc_proto::client::{ClientConfig, ClientError};
use xmlrpc_proto::http::{
    CallRecord, ClientConnection, ClientEvent, Input, Output, RequestId, ServerConfig,
    ServerConnection, ServerEvent,
};
use xmlrpc_proto::{MethodCall, MethodResponse, Value};

/// Deliver everything at once.
pub const WHOLE: usize = usize::MAX;
/// The two ways every test runs.
pub const SPLITS: [usize; 2] = [WHOLE, 1];

/// What the router stand-in sees of a call.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The decoded call.
    pub call: MethodCall,
    /// The request path.
    pub path: String,
    /// The authenticated user.
    pub user: Option<String>,
}

/// The router stand-in: `None` leaves the call unanswered.
pub type Router = Box<dyn FnMut(&Seen) -> Option<MethodResponse>>;

/// Answers `echo` with its first param, `big` with a long string, anything
/// else with fault 1.
pub fn echo_router() -> Router {
    Box::new(|seen: &Seen| {
        Some(match seen.call.method.as_str() {
            "echo" => {
                MethodResponse::Success(seen.call.params.first().cloned().unwrap_or(Value::Nil))
            }
            "big" => MethodResponse::Success(Value::String("x".repeat(8000))),
            "user" => MethodResponse::Success(Value::String(seen.user.clone().unwrap_or_default())),
            "hang" => return None,
            _ => MethodResponse::Fault(xmlrpc_proto::Fault::new(1, "no such method")),
        })
    })
}

/// Simulated time: a fixed base plus an offset that only tests move.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    base: Instant,
    offset: Duration,
}

impl Clock {
    pub fn new() -> Self {
        Clock {
            base: Instant::now(),
            offset: Duration::ZERO,
        }
    }

    /// A clock standing still at `now`.
    pub fn at(now: Instant) -> Self {
        Clock {
            base: now,
            offset: Duration::ZERO,
        }
    }

    pub fn now(&self) -> Instant {
        self.base + self.offset
    }

    pub fn advance(&mut self, by: Duration) {
        self.offset += by;
    }
}

/// A client and a server connected in memory.
pub struct Pair {
    pub clock: Clock,
    pub client: ClientConnection,
    pub server: ServerConnection,
    pub router: Router,
    pub split: usize,
    /// Bytes on their way to the server / client.
    to_server: Vec<u8>,
    to_client: Vec<u8>,
    /// Everything the server ever wrote, for assertions on the wire.
    pub server_wire: Vec<u8>,
    /// Everything the client ever wrote.
    pub client_wire: Vec<u8>,
    pub seen: Vec<Seen>,
    /// The server's log record of every answer.
    pub records: Vec<CallRecord>,
    pending: Vec<RequestId>,
    pub responses: Vec<ClientEvent>,
    pub server_closed: bool,
    pub client_closed: bool,
    client_eof: bool,
}

impl Pair {
    pub fn new(server: ServerConfig, client: ClientConfig, split: usize) -> Self {
        let clock = Clock::new();
        Pair {
            server: ServerConnection::new(Arc::new(server), None, clock.now()),
            client: ClientConnection::new(Arc::new(client)),
            clock,
            router: echo_router(),
            split,
            to_server: Vec::new(),
            to_client: Vec::new(),
            server_wire: Vec::new(),
            client_wire: Vec::new(),
            seen: Vec::new(),
            records: Vec::new(),
            pending: Vec::new(),
            responses: Vec::new(),
            server_closed: false,
            client_closed: false,
            client_eof: false,
        }
    }

    /// An SCGI server connection and a client on an `scgi://` address.
    pub fn scgi(server: ServerConfig, client: ClientConfig, split: usize) -> Self {
        let config = Arc::new(server.clone());
        let mut pair = Pair::new(server, client, split);
        pair.server = ServerConnection::scgi(config, None, pair.clock.now());
        pair
    }

    /// Default configs, client pointed at `http://localhost/RPC2`.
    pub fn default_with(split: usize) -> Self {
        Pair::new(
            ServerConfig::default(),
            client_config("http://localhost/RPC2"),
            split,
        )
    }

    /// Sends `call` and runs both machines until the client reports.
    pub fn call(&mut self, call: &MethodCall) -> Result<MethodResponse, ClientError> {
        let before = self.responses.len();
        self.client.send_call(call, self.clock.now())?;
        self.run();
        assert_eq!(
            self.responses.len(),
            before + 1,
            "exactly one response per call"
        );
        match self.responses.pop() {
            Some(ClientEvent::Response { result, .. }) => result,
            None => unreachable!(),
        }
    }

    /// Moves time on and tells both machines.
    pub fn advance(&mut self, by: Duration) {
        self.clock.advance(by);
        let now = self.clock.now();
        if !self.server_closed {
            self.server.handle_input(Input::Tick(now));
        }
        if !self.client_closed {
            self.client.handle_input(Input::Tick(now));
        }
        self.run();
    }

    /// Pumps bytes and events until neither side has anything to do.
    pub fn run(&mut self) {
        for _ in 0..10_000_000 {
            let mut progress = self.drain_client();
            progress |= self.drain_server();
            progress |= self.deliver();
            if !progress {
                return;
            }
        }
        panic!("pair did not settle");
    }

    fn drain_client(&mut self) -> bool {
        let mut progress = false;
        while !self.client_closed {
            match self.client.poll_output() {
                Output::Transmit(b) => {
                    self.client_wire.extend_from_slice(&b);
                    self.to_server.extend_from_slice(&b);
                }
                Output::Event(e) => self.responses.push(e),
                Output::Closed => {
                    self.client_closed = true;
                    if !self.server_closed {
                        self.server.handle_input(Input::Eof(self.clock.now()));
                    }
                }
                Output::Wait { .. } => break,
            }
            progress = true;
        }
        progress
    }

    fn drain_server(&mut self) -> bool {
        let mut progress = false;
        while !self.server_closed {
            match self.server.poll_output() {
                Output::Transmit(b) => {
                    self.server_wire.extend_from_slice(&b);
                    self.to_client.extend_from_slice(&b);
                }
                Output::Event(ServerEvent::Call { id, call, context }) => {
                    let seen = Seen {
                        call,
                        path: context.path.to_string(),
                        user: context.user,
                    };
                    let answer = (self.router)(&seen);
                    self.seen.push(seen);
                    match answer {
                        Some(r) => self.server.respond(id, r, self.clock.now()),
                        None => self.pending.push(id),
                    }
                }
                Output::Event(ServerEvent::Answered(record)) => self.records.push(record),
                Output::Closed => self.server_closed = true,
                Output::Wait { .. } => break,
            }
            progress = true;
        }
        progress
    }

    /// Delivers one piece each way; true when anything moved.
    fn deliver(&mut self) -> bool {
        let now = self.clock.now();
        let mut progress = false;
        if !self.to_server.is_empty() && !self.server_closed {
            let n = self.split.min(self.to_server.len());
            let piece: Vec<u8> = self.to_server.drain(..n).collect();
            self.server.handle_input(Input::Data(now, &piece));
            progress = true;
        }
        if !self.to_client.is_empty() && !self.client_closed {
            let n = self.split.min(self.to_client.len());
            let piece: Vec<u8> = self.to_client.drain(..n).collect();
            self.client.handle_input(Input::Data(now, &piece));
            progress = true;
        }
        if self.server_closed && !self.client_eof && self.to_client.is_empty() {
            self.client_eof = true;
            if !self.client_closed {
                self.client.handle_input(Input::Eof(now));
            }
            progress = true;
        }
        progress
    }

    /// Queues raw bytes for the server (delivered in `split` pieces).
    pub fn push_to_server(&mut self, bytes: &[u8]) {
        self.to_server.extend_from_slice(bytes);
        self.run();
    }

    /// Answers the calls the router left pending.
    pub fn answer_pending(&mut self, response: MethodResponse) {
        for id in std::mem::take(&mut self.pending) {
            self.server.respond(id, response.clone(), self.clock.now());
        }
        self.run();
    }
}

/// A client config for `url`.
pub fn client_config(url: &str) -> ClientConfig {
    let address = xmlrpc_proto::http::Address::parse(url).expect("test address parses");
    ClientConfig::new(address)
}

/// What a server said to raw request bytes.
#[derive(Debug, Default)]
pub struct ServerRun {
    /// Every byte written, as text (lossy).
    pub wire: String,
    /// The calls that reached the router.
    pub calls: Vec<MethodCall>,
    /// The server closed the connection.
    pub closed: bool,
    /// The last `Wait` it asked for.
    pub last_wait: Option<(bool, Option<Instant>)>,
    /// The log record of every answer.
    pub records: Vec<CallRecord>,
    /// After a refusal the server lingered: it read and dropped more
    /// input, then closed when the linger window passed.
    pub lingered: bool,
}

impl ServerRun {
    /// Nothing seen yet.
    pub fn new() -> Self {
        ServerRun {
            wire: String::new(),
            calls: Vec::new(),
            closed: false,
            last_wait: None,
            records: Vec::new(),
            lingered: false,
        }
    }

    /// The status codes of every response on the wire, in order.
    pub fn statuses(&self) -> Vec<u16> {
        self.wire
            .match_indices("HTTP/1.1 ")
            .filter_map(|(i, _)| self.wire.get(i + 9..i + 12)?.parse().ok())
            .filter(|&s| s != 100)
            .collect()
    }
}

/// A server fed raw bytes in `split`-byte pieces (then EOF when `eof`),
/// every call answered by `router` at once.
pub fn serve_raw(
    config: ServerConfig,
    input: &[u8],
    split: usize,
    eof: bool,
    router: &mut Router,
) -> ServerRun {
    let clock = Clock::new();
    let linger_timeout = config.linger_timeout;
    let server = ServerConnection::new(Arc::new(config), None, clock.now());
    serve_raw_on(server, clock, linger_timeout, input, split, eof, router)
}

/// [`serve_raw`] on a server connection made by the caller (at `clock`'s
/// time), whose config lingers `linger_timeout` after a refusal.
pub fn serve_raw_on(
    mut server: ServerConnection,
    clock: Clock,
    linger_timeout: Duration,
    input: &[u8],
    split: usize,
    eof: bool,
    router: &mut Router,
) -> ServerRun {
    let start = clock.now();
    let mut run = ServerRun::new();

    let mut wire = Vec::new();
    let pieces: Vec<&[u8]> = input.chunks(split.min(input.len().max(1))).collect();
    drive_server(&mut server, &clock, &mut wire, &mut run, router);
    for piece in pieces {
        if run.closed {
            break;
        }
        server.handle_input(Input::Data(clock.now(), piece));
        drive_server(&mut server, &clock, &mut wire, &mut run, router);
    }
    if eof && !run.closed {
        server.handle_input(Input::Eof(clock.now()));
        drive_server(&mut server, &clock, &mut wire, &mut run, router);
    }
    let until = start + linger_timeout;
    if !run.closed && run.last_wait == Some((true, Some(until))) {
        // Lingering after a refusal: more input is dropped unread, and the
        // end of the window closes.
        let written = wire.len();
        server.handle_input(Input::Data(
            until - Duration::from_millis(1),
            b"POST / HTTP/1.1\r\n\r\n",
        ));
        drive_server(&mut server, &clock, &mut wire, &mut run, router);
        assert!(!run.closed && server.buffered_len() == 0 && wire.len() == written);
        server.handle_input(Input::Tick(until));
        drive_server(&mut server, &clock, &mut wire, &mut run, router);
        run.lingered = run.closed;
    }
    run.wire = String::from_utf8_lossy(&wire).into_owned();
    run
}

/// Polls a server until it waits, answering calls with `router`.
pub fn drive_server(
    server: &mut ServerConnection,
    clock: &Clock,
    wire: &mut Vec<u8>,
    run: &mut ServerRun,
    router: &mut Router,
) {
    loop {
        match server.poll_output() {
            Output::Transmit(b) => wire.extend_from_slice(&b),
            Output::Event(ServerEvent::Call { id, call, context }) => {
                let seen = Seen {
                    call: call.clone(),
                    path: context.path.to_string(),
                    user: context.user,
                };
                run.calls.push(call);
                if let Some(r) = router(&seen) {
                    server.respond(id, r, clock.now());
                }
            }
            Output::Event(ServerEvent::Answered(record)) => run.records.push(record),
            Output::Wait { read, deadline } => {
                run.last_wait = Some((read, deadline));
                return;
            }
            Output::Closed => {
                run.closed = true;
                return;
            }
        }
    }
}

/// A minimal valid `<methodCall>` of `echo` with one int.
pub fn echo_body(n: i32) -> String {
    format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>echo</methodName>\
         <params><param><value><int>{n}</int></value></param></params></methodCall>"
    )
}

/// A full POST of `body` with `extra` header lines (each ending in CRLF).
pub fn post(body: &str, extra: &str) -> String {
    format!(
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n{extra}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A client that sent `call` and is fed raw response bytes.
pub fn client_raw(
    config: ClientConfig,
    response: &[u8],
    split: usize,
    eof: bool,
) -> (Vec<ClientEvent>, bool, ClientConnection) {
    let clock = Clock::new();
    let mut client = ClientConnection::new(Arc::new(config));
    client
        .send_call(&MethodCall::new("echo", vec![Value::Int(1)]), clock.now())
        .expect("call starts");
    let mut events = Vec::new();
    let mut closed = false;
    let drive = |client: &mut ClientConnection, events: &mut Vec<ClientEvent>| loop {
        match client.poll_output() {
            Output::Transmit(_) => {}
            Output::Event(e) => events.push(e),
            Output::Wait { .. } => return false,
            Output::Closed => return true,
        }
    };
    drive(&mut client, &mut events);
    for piece in response.chunks(split.min(response.len().max(1))) {
        client.handle_input(Input::Data(clock.now(), piece));
        closed = drive(&mut client, &mut events);
        if closed {
            break;
        }
    }
    if eof && !closed {
        client.handle_input(Input::Eof(clock.now()));
        closed = drive(&mut client, &mut events);
    }
    (events, closed, client)
}
