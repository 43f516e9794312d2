//! [`Loops`]: the threads that serve connections, one per core. Each waits
//! on its connections' sockets with mio (epoll, kqueue), drives every
//! connection that became ready as far as its socket allows, and wakes
//! those whose deadline came. A thread serving many ready connections takes
//! them all in one wait, where a thread per connection would need a
//! context switch for each request.

use std::collections::BTreeSet;
use std::io;
use std::mem;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use mio::{Events, Poll, Token, Waker};
use xmlrpc_proto::http::{RequestId, Ticket};
use xmlrpc_proto::{fault_code, Fault, MethodResponse};

use crate::connection::{Connection, Step};
use crate::ready_io::Stream;
use crate::server::{Registration, Shared};

/// The token of each loop's waker; connections use their slot's index.
const WAKER: Token = Token(usize::MAX);

/// Size of a loop's read buffer, shared by its connections.
const READ_CHUNK: usize = 16 * 1024;

/// An accepted connection on its way to a loop.
pub(crate) struct Arrival {
    pub(crate) stream: Stream,
    pub(crate) peer: String,
    pub(crate) ticket: Ticket,
    pub(crate) registration: Registration,
}

/// The running loops.
pub(crate) struct Loops {
    loops: Vec<(Arc<Mailbox>, JoinHandle<()>)>,
}

/// How the rest of the server reaches a loop.
struct Mailbox {
    waker: Waker,
    inbox: Mutex<Inbox>,
    /// Connections the loop serves (or was handed), to pick the least busy.
    load: AtomicUsize,
}

#[derive(Default)]
struct Inbox {
    arrivals: Vec<Arrival>,
    answers: Vec<Answer>,
    quit: bool,
}

/// A call the pool ran, for connection `key` (`serial` tells a connection
/// from a later one in the same slot).
struct Answer {
    key: usize,
    serial: u64,
    id: RequestId,
    response: MethodResponse,
}

impl Loops {
    /// Starts `count` loops.
    pub(crate) fn start(shared: &Arc<Shared>, count: NonZeroUsize) -> io::Result<Loops> {
        let mut loops = Vec::with_capacity(count.get());
        for i in 0..count.get() {
            let poll = Poll::new()?;
            let mailbox = Arc::new(Mailbox {
                waker: Waker::new(poll.registry(), WAKER)?,
                inbox: Mutex::new(Inbox::default()),
                load: AtomicUsize::new(0),
            });
            let state = Loop {
                shared: Arc::clone(shared),
                mailbox: Arc::clone(&mailbox),
                poll,
                conns: Vec::new(),
                free: Vec::new(),
                timers: BTreeSet::new(),
                again: Vec::new(),
                buf: vec![0; READ_CHUNK].into_boxed_slice(),
                serial: 0,
            };
            let thread = thread::Builder::new()
                .name(format!("xmlrpc-loop {i}"))
                .spawn(move || state.run())?;
            loops.push((mailbox, thread));
        }
        Ok(Loops { loops })
    }

    /// Hands a connection to the loop serving the fewest.
    pub(crate) fn hand(&self, arrival: Arrival) {
        let least = self
            .loops
            .iter()
            .min_by_key(|(mailbox, _)| mailbox.load.load(Ordering::Relaxed));
        if let Some((mailbox, _)) = least {
            mailbox.load.fetch_add(1, Ordering::Relaxed);
            mailbox.post(|inbox| inbox.arrivals.push(arrival));
        }
    }

    /// Stops every loop (the connections still open close) and waits for
    /// their threads.
    pub(crate) fn stop(self) {
        for (mailbox, _) in &self.loops {
            mailbox.post(|inbox| inbox.quit = true);
        }
        for (_, thread) in self.loops {
            let _ = thread.join();
        }
    }
}

impl Mailbox {
    fn lock(&self) -> MutexGuard<'_, Inbox> {
        // Nothing runs under the lock but pushes: a poisoned one is fine.
        self.inbox.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts something in the inbox and wakes the loop.
    fn post(&self, put: impl FnOnce(&mut Inbox)) {
        put(&mut self.lock());
        if let Err(e) = self.waker.wake() {
            tracing::warn!(error = %e, "cannot wake an event loop");
        }
    }
}

/// Carries a call's answer from the pool back to its loop; dropped
/// unsent (the job panicked past the router's guard), it answers with
/// fault -32603 so the connection never waits forever.
struct Reply {
    mailbox: Arc<Mailbox>,
    to: Option<(usize, u64, RequestId)>,
}

impl Reply {
    fn send(mut self, response: MethodResponse) {
        self.deliver(response);
    }

    fn deliver(&mut self, response: MethodResponse) {
        if let Some((key, serial, id)) = self.to.take() {
            self.mailbox.post(|inbox| {
                inbox.answers.push(Answer {
                    key,
                    serial,
                    id,
                    response,
                })
            });
        }
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        self.deliver(MethodResponse::Fault(Fault::new(
            fault_code::INTERNAL_ERROR,
            "internal error: the handler's thread failed",
        )));
    }
}

/// A connection in its slot, with the serial that tells it from the
/// slot's earlier and later connections.
struct Slot {
    conn: Connection,
    serial: u64,
}

/// One loop's state, owned by its thread.
struct Loop {
    shared: Arc<Shared>,
    mailbox: Arc<Mailbox>,
    poll: Poll,
    conns: Vec<Option<Slot>>,
    /// Empty slots in `conns`.
    free: Vec<usize>,
    /// Alarms, as (when, slot).
    timers: BTreeSet<(Instant, usize)>,
    /// Connections whose turn ended with more to read.
    again: Vec<usize>,
    buf: Box<[u8]>,
    serial: u64,
}

impl Loop {
    fn run(mut self) {
        let mut events = Events::with_capacity(1024);
        loop {
            let timeout = match self.again.is_empty() {
                false => Some(Duration::ZERO),
                true => self
                    .timers
                    .first()
                    .map(|(at, _)| at.saturating_duration_since(Instant::now())),
            };
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() != io::ErrorKind::Interrupted {
                    tracing::error!(error = %e, "event loop cannot wait for its sockets");
                    return;
                }
            }
            let mut woken = false;
            for event in events.iter() {
                if event.token() == WAKER {
                    woken = true;
                    continue;
                }
                let key = event.token().0;
                if let Some(slot) = self.conns.get_mut(key).and_then(Option::as_mut) {
                    slot.conn.io().ready(event);
                    self.drive(key);
                }
            }
            if woken && self.take_mail() {
                return;
            }
            self.ring_due();
            for key in mem::take(&mut self.again) {
                self.drive(key);
            }
        }
    }

    /// Drives connection `key` as far as its socket allows, unless it is
    /// gone or its call runs on the pool.
    fn drive(&mut self, key: usize) {
        let Some(slot) = self.conns.get_mut(key).and_then(Option::as_mut) else {
            return;
        };
        if !slot.conn.busy() {
            let step = slot.conn.drive(&self.shared, &mut self.buf);
            self.after(key, step);
        }
    }

    /// Takes in new connections and the pool's answers; true when the
    /// loop is to quit.
    fn take_mail(&mut self) -> bool {
        let inbox = mem::take(&mut *self.mailbox.lock());
        for arrival in inbox.arrivals {
            self.arrive(arrival);
        }
        for answer in inbox.answers {
            let Some(slot) = self.conns.get_mut(answer.key).and_then(Option::as_mut) else {
                continue;
            };
            if slot.serial != answer.serial {
                continue;
            }
            let step = slot
                .conn
                .answered(&self.shared, &mut self.buf, answer.id, answer.response);
            self.after(answer.key, step);
        }
        inbox.quit
    }

    /// Wakes the connections whose alarm is due (an alarm they set again
    /// for a time already past rings at the next turn, after the events).
    fn ring_due(&mut self) {
        let now = Instant::now();
        // Most turns have none due: splitting the set would allocate.
        if self.timers.first().is_none_or(|&(at, _)| at > now) {
            return;
        }
        let later = self.timers.split_off(&(now, usize::MAX));
        let due = mem::replace(&mut self.timers, later);
        for (_, key) in due {
            if let Some(slot) = self.conns.get_mut(key).and_then(Option::as_mut) {
                let step = slot.conn.ring(&self.shared, &mut self.buf);
                self.after(key, step);
            }
        }
    }

    /// Registers a new connection and serves what it sent already.
    fn arrive(&mut self, arrival: Arrival) {
        let Arrival {
            stream,
            peer,
            ticket,
            registration,
        } = arrival;
        let io = match self.shared.ready_io(stream) {
            Ok(io) => io,
            Err(e) => {
                tracing::warn!(%peer, error = %e, "cannot start TLS");
                self.mailbox.load.fetch_sub(1, Ordering::Relaxed);
                return;
            }
        };
        let conn = Connection::new(io, ticket, peer, registration, &self.shared);
        let key = match self.free.pop() {
            Some(key) => key,
            None => {
                self.conns.push(None);
                self.conns.len() - 1
            }
        };
        self.serial += 1;
        let slot = self.conns[key].insert(Slot {
            conn,
            serial: self.serial,
        });
        if let Err(e) = slot.conn.io().register(self.poll.registry(), Token(key)) {
            tracing::warn!(error = %e, "cannot watch a connection's socket");
            self.after(key, Step::Closed);
            return;
        }
        self.drive(key);
    }

    /// Carries out what connection `key` waits for after a step.
    fn after(&mut self, key: usize, step: Step) {
        let Some(slot) = self.conns.get_mut(key).and_then(Option::as_mut) else {
            return;
        };
        match step {
            Step::Wait(None) => {}
            Step::Again => self.again.push(key),
            Step::Wait(Some(at)) => {
                if slot.conn.alarm.is_some_and(|armed| armed <= at) {
                    return;
                }
                if let Some(armed) = slot.conn.alarm.replace(at) {
                    self.timers.remove(&(armed, key));
                }
                self.timers.insert((at, key));
            }
            Step::Busy(work) => {
                let reply = Reply {
                    mailbox: Arc::clone(&self.mailbox),
                    to: Some((key, slot.serial, work.id())),
                };
                self.shared.pool.run(move || reply.send(work.run()));
            }
            Step::Closed => {
                if let Some(armed) = slot.conn.alarm.take() {
                    self.timers.remove(&(armed, key));
                }
                slot.conn.close(self.poll.registry());
                self.conns[key] = None;
                self.free.push(key);
                self.mailbox.load.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }
}
