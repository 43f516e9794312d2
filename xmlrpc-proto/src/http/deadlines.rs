//! [`ConnectionDeadlines`]: the idle, head and write deadlines of a server
//! connection whose HTTP framing another library parses (hyper, under
//! `transport_hyper::serve`), sans IO.
//!
//! [`ServerConnection`](super::ServerConnection) keeps these deadlines
//! itself. When hyper reads the heads, the driver only sees bytes going in
//! and out, and when a request begins and is answered; this machine turns
//! those events into the same rules:
//!
//! - between requests, a connection closes `idle_timeout` after its last
//!   answer (after the accept, for a fresh one);
//! - once the first byte of a request arrives, its head must be complete
//!   within `head_timeout` (not for HTTP/2, whose frames are not heads);
//! - an answer must be written within `write_timeout`: a peer that stops
//!   reading frees its connection;
//! - while a request is being handled, none of these runs (the body has the
//!   `Endpoint`'s own deadline).
//!
//! The driver keeps one timer per connection, and requests never touch
//! it: it is set at the accept and again each time it fires, never later
//! than `now` plus the smallest of the three timeouts, so it fires before
//! any deadline that can start meanwhile. When it fires, [`fired`] says
//! whether a deadline passed and when to look again. An idle or busy
//! connection thus wakes once per that timeout; a busy connection's
//! requests cost no timer operation at all (a new or moved timer costs a
//! lock in the runtimes' timer wheels).
//!
//! [`fired`]: ConnectionDeadlines::fired

use std::fmt;
use std::time::{Duration, Instant};

use super::ServerConfig;
use crate::time::after;

/// The deadlines of one connection; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct ConnectionDeadlines {
    idle_timeout: Duration,
    head_timeout: Duration,
    write_timeout: Duration,
    phase: Phase,
    /// Requests begun and not yet answered (more than one only on HTTP/2).
    in_flight: u32,
    /// Seen an HTTP/2 request: bytes in are frames, not heads.
    multiplexed: bool,
    /// While an answer is not yet written out.
    write_deadline: Option<Instant>,
    /// When the driver's timer should be set to next, until it takes it.
    arm: Option<Instant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No request in flight, no byte of the next one read.
    Idle { since: Instant },
    /// The first bytes of a request head arrived.
    Head { deadline: Instant },
    /// A request is being handled.
    Busy,
}

/// Which deadline passed; the connection should close without answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expired {
    /// Idle between requests for `idle_timeout`.
    Idle,
    /// A request head not complete within `head_timeout`.
    Head,
    /// An answer not written out within `write_timeout`.
    Write,
}

impl fmt::Display for Expired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expired::Idle => "idle keep-alive deadline passed",
            Expired::Head => "request head deadline passed",
            Expired::Write => "write deadline passed: the peer stopped reading",
        })
    }
}

impl std::error::Error for Expired {}

impl ConnectionDeadlines {
    /// A connection accepted at `now`, idle until its first byte.
    pub fn new(config: &ServerConfig, now: Instant) -> Self {
        let mut deadlines = ConnectionDeadlines {
            idle_timeout: config.idle_timeout,
            head_timeout: config.head_timeout,
            write_timeout: config.write_timeout,
            phase: Phase::Idle { since: now },
            in_flight: 0,
            multiplexed: false,
            write_deadline: None,
            arm: None,
        };
        deadlines.arm = Some(deadlines.lower_bound(now));
        deadlines
    }

    /// Bytes were read. `now` is called only when they begin a request
    /// head, so most reads cost no clock.
    pub fn received(&mut self, now: impl FnOnce() -> Instant) {
        if let Phase::Idle { .. } = self.phase {
            if !self.multiplexed {
                self.phase = Phase::Head {
                    deadline: after(now(), self.head_timeout),
                };
            }
        }
    }

    /// A request's head is complete and its handling begins; `http2` when
    /// it came on an HTTP/2 connection.
    pub fn request_began(&mut self, http2: bool) {
        self.multiplexed |= http2;
        self.in_flight = self.in_flight.saturating_add(1);
        self.phase = Phase::Busy;
    }

    /// A request was answered at `now`: its answer is about to be written.
    pub fn answered(&mut self, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.write_deadline = Some(after(now, self.write_timeout));
        if self.in_flight == 0 {
            self.phase = Phase::Idle { since: now };
        }
    }

    /// A request ended at `now` without an answer to write (an HTTP/2
    /// stream the client reset).
    pub fn request_abandoned(&mut self, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if self.in_flight == 0 {
            self.phase = Phase::Idle { since: now };
        }
    }

    /// Everything written so far went out (the stream's flush completed).
    pub fn flushed(&mut self) {
        self.write_deadline = None;
    }

    /// Takes the instant the driver's timer should be set to: once after
    /// [`new`](Self::new) and once after each [`fired`](Self::fired).
    pub fn take_timer(&mut self) -> Option<Instant> {
        self.arm.take()
    }

    /// The driver's timer fired at `now`: `Err` when a deadline passed,
    /// else the timer is to be set again ([`take_timer`]).
    ///
    /// [`take_timer`]: ConnectionDeadlines::take_timer
    pub fn fired(&mut self, now: Instant) -> Result<(), Expired> {
        let phase = match self.phase {
            Phase::Idle { since } => Some((after(since, self.idle_timeout), Expired::Idle)),
            Phase::Head { deadline } => Some((deadline, Expired::Head)),
            Phase::Busy => None,
        };
        let write = self.write_deadline.map(|at| (at, Expired::Write));
        // The write deadline first: it wins a tie.
        let nearest = [write, phase]
            .into_iter()
            .flatten()
            .min_by_key(|&(at, _)| at);
        // Never later than a deadline that may start meanwhile.
        let next = self.lower_bound(now);
        match nearest {
            Some((at, expired)) if at <= now => Err(expired),
            Some((at, _)) => {
                self.arm = Some(at.min(next));
                Ok(())
            }
            None => {
                self.arm = Some(next);
                Ok(())
            }
        }
    }

    /// The earliest that any deadline starting at or after `now` can end.
    fn lower_bound(&self, now: Instant) -> Instant {
        let shortest = self
            .idle_timeout
            .min(self.head_timeout)
            .min(self.write_timeout);
        after(now, shortest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ServerConfig {
        ServerConfig {
            idle_timeout: Duration::from_secs(75),
            head_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(20),
            ..ServerConfig::default()
        }
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// Fires the timer whenever it is due, as a driver does, until `until`;
    /// the first deadline that passes, with when it was seen.
    fn run(
        d: &mut ConnectionDeadlines,
        timer: &mut Option<Instant>,
        until: Instant,
    ) -> Option<(Expired, Instant)> {
        loop {
            if let Some(at) = d.take_timer() {
                *timer = Some(at);
            }
            let at = match *timer {
                Some(at) if at <= until => at,
                _ => return None,
            };
            *timer = None;
            if let Err(e) = d.fired(at) {
                return Some((e, at));
            }
        }
    }

    #[test]
    fn a_fresh_connection_that_sends_nothing_closes_at_the_idle_timeout() {
        let t0 = Instant::now();
        let mut d = ConnectionDeadlines::new(&config(), t0);
        let mut timer = None;
        assert_eq!(
            run(&mut d, &mut timer, t0 + secs(500)),
            Some((Expired::Idle, t0 + secs(75)))
        );
    }

    #[test]
    fn a_head_begun_must_end_within_the_head_timeout_even_late_in_the_idle_time() {
        let t0 = Instant::now();
        let mut d = ConnectionDeadlines::new(&config(), t0);
        let mut timer = None;
        assert_eq!(run(&mut d, &mut timer, t0 + secs(60)), None);
        d.received(|| t0 + secs(60));
        // The idle deadline (75 s) no longer applies; the head's (90 s) does.
        assert_eq!(
            run(&mut d, &mut timer, t0 + secs(500)),
            Some((Expired::Head, t0 + secs(90)))
        );
    }

    #[test]
    fn a_slow_handler_is_never_cut_off_and_its_answer_must_go_out_in_time() {
        let t0 = Instant::now();
        let mut d = ConnectionDeadlines::new(&config(), t0);
        let mut timer = None;
        d.received(|| t0);
        d.request_began(false);
        assert_eq!(run(&mut d, &mut timer, t0 + secs(1000)), None);
        d.answered(t0 + secs(1000));
        // Not flushed: the write deadline passes first.
        assert_eq!(
            run(&mut d, &mut timer, t0 + secs(2000)),
            Some((Expired::Write, t0 + secs(1020)))
        );
    }

    #[test]
    fn after_the_answer_is_written_the_idle_timeout_counts_from_the_answer() {
        let t0 = Instant::now();
        let mut d = ConnectionDeadlines::new(&config(), t0);
        let mut timer = None;
        d.received(|| t0 + secs(1));
        d.request_began(false);
        d.answered(t0 + secs(2));
        d.flushed();
        assert_eq!(
            run(&mut d, &mut timer, t0 + secs(500)),
            Some((Expired::Idle, t0 + secs(77)))
        );
    }

    #[test]
    fn requests_leave_the_timer_alone() {
        let t0 = Instant::now();
        let mut d = ConnectionDeadlines::new(&config(), t0);
        assert_eq!(d.take_timer(), Some(t0 + secs(20)), "set at the accept");
        for i in 1..100u64 {
            let t = t0 + Duration::from_millis(i);
            d.received(|| t);
            d.request_began(false);
            d.answered(t);
            d.flushed();
            assert_eq!(d.take_timer(), None);
        }
        // It fires at 20 s with nothing due and is set again.
        assert_eq!(d.fired(t0 + secs(20)), Ok(()));
        assert_eq!(d.take_timer(), Some(t0 + secs(40)));
    }

    #[test]
    fn bytes_after_the_head_began_do_not_restart_it() {
        let t0 = Instant::now();
        let mut d = ConnectionDeadlines::new(&config(), t0);
        let mut timer = None;
        d.received(|| t0);
        for s in 1..30 {
            assert_eq!(run(&mut d, &mut timer, t0 + secs(s)), None);
            d.received(|| panic!("no clock needed mid-head"));
        }
        assert_eq!(
            run(&mut d, &mut timer, t0 + secs(500)),
            Some((Expired::Head, t0 + secs(30)))
        );
    }

    #[test]
    fn http2_has_no_head_deadline_and_is_idle_only_with_no_stream_open() {
        let t0 = Instant::now();
        let mut d = ConnectionDeadlines::new(&config(), t0);
        let mut timer = None;
        d.received(|| t0);
        d.request_began(true);
        d.request_began(true);
        d.answered(t0 + secs(1));
        d.flushed();
        // One stream still open: bytes are frames, nothing runs.
        d.received(|| panic!("frames start no head"));
        assert_eq!(run(&mut d, &mut timer, t0 + secs(1000)), None);
        d.answered(t0 + secs(1000));
        d.flushed();
        d.received(|| panic!("frames start no head"));
        assert_eq!(
            run(&mut d, &mut timer, t0 + secs(2000)),
            Some((Expired::Idle, t0 + secs(1075)))
        );
    }

    #[test]
    fn an_abandoned_request_leaves_the_connection_idle_with_nothing_to_write() {
        let t0 = Instant::now();
        let mut d = ConnectionDeadlines::new(&config(), t0);
        let mut timer = None;
        d.request_began(true);
        d.request_began(true);
        d.request_abandoned(t0 + secs(5));
        assert_eq!(
            run(&mut d, &mut timer, t0 + secs(500)),
            None,
            "one stream still open"
        );
        d.request_abandoned(t0 + secs(600));
        assert_eq!(
            run(&mut d, &mut timer, t0 + secs(1000)),
            Some((Expired::Idle, t0 + secs(675)))
        );
    }

    #[test]
    fn timeouts_of_duration_max_never_fire() {
        let t0 = Instant::now();
        let endless = ServerConfig {
            idle_timeout: Duration::MAX,
            head_timeout: Duration::MAX,
            write_timeout: Duration::MAX,
            ..ServerConfig::default()
        };
        let mut d = ConnectionDeadlines::new(&endless, t0);
        let mut timer = None;
        let year = secs(365 * 24 * 60 * 60);
        assert_eq!(run(&mut d, &mut timer, t0 + year), None);
        d.received(|| t0 + year);
        d.request_began(false);
        d.answered(t0 + year);
        assert_eq!(run(&mut d, &mut timer, t0 + year * 2), None);
    }

    #[test]
    fn the_timer_is_never_later_than_a_deadline_that_starts_after_it_was_set() {
        // Bytes arriving at any moment of the idle time get their full head
        // timeout and not a second more.
        for start in [1u64, 29, 30, 31, 44, 45, 59, 60, 61, 74] {
            let t0 = Instant::now();
            let mut d = ConnectionDeadlines::new(&config(), t0);
            let mut timer = None;
            assert_eq!(run(&mut d, &mut timer, t0 + secs(start)), None);
            d.received(|| t0 + secs(start));
            assert_eq!(
                run(&mut d, &mut timer, t0 + secs(500)),
                Some((Expired::Head, t0 + secs(start + 30))),
                "head begun at {start} s"
            );
        }
    }
}
