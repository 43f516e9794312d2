//! [`Admission`]: which connections a server keeps when a new one arrives at
//! the connection cap, sans IO.
//!
//! Every open connection holds a [`Ticket`]; its [`ServerConnection`]
//! keeps the ticket's state current (reading a head, busy with a request,
//! idle between requests, done). At the cap, [`Admission::admit`] makes
//! room by evicting the least useful connection, in this order:
//!
//! 1. one that is done (it answered a refusal and only lingers);
//! 2. one whose request head is not complete `first_head_window` after it
//!    began (after the accept, for a fresh connection): a slowloris, or a
//!    client that connected and sent nothing, oldest first;
//! 3. the longest-idle keep-alive connection.
//!
//! A connection with a complete request head that is not answered yet is in
//! the middle of a request and never evicted for a newcomer. Eviction and
//! the connection's own progress race through one atomic state per ticket:
//! either the request's head completes first (the connection is then busy
//! and not evicted) or the eviction does (the connection then closes
//! without reading the request), never both.
//!
//! The driver keeps a `K` per connection, a "kick" that wakes it (an event
//! for a task, a socket handle to shut down for a thread); `admit` hands
//! back the evicted connection's kick, and the driver uses it. The woken
//! connection's machine sees the eviction at its next input and closes.
//!
//! [`ServerConnection`]: super::ServerConnection

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::budget::BodyBudget;
use super::ServerConfig;

/// The connections of one server: the cap, who is evicted at it, and the
/// shared [`BodyBudget`].
pub struct Admission<K> {
    shared: Arc<Shared<K>>,
}

/// An open connection's place in an [`Admission`]. Give it to
/// [`ServerConnection::admitted`](super::ServerConnection::admitted); the
/// place is freed when the ticket drops.
pub struct Ticket {
    slot: Arc<Slot>,
    budget: Arc<BodyBudget>,
    owner: Arc<dyn Vacate>,
}

/// A newcomer was admitted.
#[derive(Debug)]
pub struct Admitted<K> {
    /// Its ticket.
    pub ticket: Ticket,
    /// The kick of the connection evicted to make room: wake it (it closes
    /// at its next input).
    pub evicted: Option<K>,
}

/// At the cap with nothing to evict: every connection is in the middle of a
/// request or began its head less than `first_head_window` ago.
#[derive(Debug, PartialEq, Eq)]
pub struct Full<K> {
    /// When a connection reading a head becomes evictable (try again then,
    /// or when one closes); `None` when only busy connections are open.
    pub retry_at: Option<Instant>,
    /// The newcomer's kick, handed back for the next try.
    pub kick: K,
}

struct Shared<K> {
    registry: Mutex<Registry<K>>,
    cap: usize,
    first_head_window: Duration,
    budget: Arc<BodyBudget>,
    base: Instant,
}

struct Registry<K> {
    entries: Vec<Option<Entry<K>>>,
    free: Vec<usize>,
    open: usize,
}

struct Entry<K> {
    slot: Arc<Slot>,
    kick: K,
}

/// Frees a ticket's place; type-erases `K` out of [`Ticket`].
trait Vacate: Send + Sync {
    fn vacate(&self, slot: &Arc<Slot>);
}

impl<K: Send + 'static> Admission<K> {
    /// An empty set of connections for a server with `config`, at most
    /// `cap` at once (see [`ServerConfig::connection_cap`]). `now` is the
    /// time base of the tickets' clocks.
    pub fn new(config: &ServerConfig, cap: usize, now: Instant) -> Self {
        Admission {
            shared: Arc::new(Shared {
                registry: Mutex::new(Registry {
                    entries: Vec::new(),
                    free: Vec::new(),
                    open: 0,
                }),
                cap: cap.max(1),
                first_head_window: config.first_head_window,
                budget: Arc::new(BodyBudget::new(config)),
                base: now,
            }),
        }
    }

    /// Admits a connection accepted at `now`, whose driver wakes it with
    /// `kick`: below the cap at once, at the cap by evicting the least
    /// useful connection (see the module docs), or not at all ([`Full`]).
    pub fn admit(&self, now: Instant, kick: K) -> Result<Admitted<K>, Full<K>> {
        let shared = &self.shared;
        let mut registry = shared.lock();
        let mut evicted = None;
        if registry.open >= shared.cap {
            match shared.evict(&mut registry, now) {
                Ok(victim) => evicted = Some(victim),
                Err(retry_at) => return Err(Full { retry_at, kick }),
            }
        }
        let slot = Arc::new(Slot::new(shared.base, now));
        let entry = Entry {
            slot: Arc::clone(&slot),
            kick,
        };
        match registry.free.pop() {
            Some(i) => registry.entries[i] = Some(entry),
            None => registry.entries.push(Some(entry)),
        }
        registry.open += 1;
        drop(registry);
        let owner: Arc<dyn Vacate> = Arc::clone(shared) as Arc<dyn Vacate>;
        Ok(Admitted {
            ticket: Ticket {
                slot,
                budget: Arc::clone(&shared.budget),
                owner,
            },
            evicted,
        })
    }

    /// Connections open now (evicted ones no longer count).
    pub fn open(&self) -> usize {
        self.shared.lock().open
    }

    /// The most connections open at once.
    pub fn cap(&self) -> usize {
        self.shared.cap
    }

    /// The body budget every admitted connection charges.
    pub fn budget(&self) -> &Arc<BodyBudget> {
        &self.shared.budget
    }

    /// Calls `f` with the kick of every open connection (to wake them all
    /// for a shutdown, say).
    pub fn for_each_kick(&self, mut f: impl FnMut(&K)) {
        for entry in self.shared.lock().entries.iter().flatten() {
            f(&entry.kick);
        }
    }
}

impl<K> Clone for Admission<K> {
    fn clone(&self) -> Self {
        Admission {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<K> Shared<K> {
    fn lock(&self) -> MutexGuard<'_, Registry<K>> {
        // Every update leaves the registry whole: take a poisoned one over.
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Evicts the least useful connection and returns its kick, or says
    /// when to try again (see [`Full::retry_at`]).
    fn evict(&self, registry: &mut Registry<K>, now: Instant) -> Result<K, Option<Instant>> {
        let now_ns = self.nanos(now);
        let window = u64::try_from(self.first_head_window.as_nanos()).unwrap_or(u64::MAX);
        // A candidate can turn busy between the look and the eviction; the
        // compare-and-swap then fails and the next look skips it.
        loop {
            let mut best: Option<(u8, u64, usize, u64)> = None;
            let mut retry_at: Option<u64> = None;
            for (i, entry) in registry.entries.iter().enumerate() {
                let Some(entry) = entry else { continue };
                let word = entry.slot.word.load(Ordering::Acquire);
                let (state, since) = unpack(word);
                let rank = match state {
                    State::Done => 0,
                    State::Head if now_ns.saturating_sub(since) >= window => 1,
                    State::Head => {
                        let at = since.saturating_add(window);
                        retry_at = Some(retry_at.map_or(at, |r| r.min(at)));
                        continue;
                    }
                    State::Idle => 2,
                    State::Busy | State::Evicted => continue,
                };
                if best.is_none_or(|(r, s, _, _)| (rank, since) < (r, s)) {
                    best = Some((rank, since, i, word));
                }
            }
            let Some((_, _, i, word)) = best else {
                return Err(retry_at.map(|ns| self.base + Duration::from_nanos(ns)));
            };
            let Some(entry) = registry.entries[i].take() else {
                continue;
            };
            let evicted = entry
                .slot
                .word
                .compare_exchange(
                    word,
                    pack(State::Evicted, 0),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok();
            if evicted {
                registry.free.push(i);
                registry.open -= 1;
                return Ok(entry.kick);
            }
            registry.entries[i] = Some(entry);
        }
    }

    fn nanos(&self, t: Instant) -> u64 {
        let ns = t.saturating_duration_since(self.base).as_nanos();
        u64::try_from(ns).unwrap_or(SINCE_MASK).min(SINCE_MASK)
    }
}

impl<K: Send> Vacate for Shared<K> {
    fn vacate(&self, slot: &Arc<Slot>) {
        let mut registry = self.lock();
        // An evicted ticket's place may already hold a newcomer: find its
        // own by identity, if it still has one.
        let found = registry
            .entries
            .iter()
            .position(|e| e.as_ref().is_some_and(|e| Arc::ptr_eq(&e.slot, slot)));
        if let Some(i) = found {
            registry.entries[i] = None;
            registry.free.push(i);
            registry.open -= 1;
        }
    }
}

impl Ticket {
    /// The budget this connection's request bodies are charged to.
    pub(crate) fn budget(&self) -> &Arc<BodyBudget> {
        &self.budget
    }

    /// Records the connection's state at `now`; false when it was evicted
    /// (it must close, whatever it was doing).
    pub(crate) fn set(&self, state: State, now: Instant) -> bool {
        self.slot.set(state, now)
    }

    /// True once the connection was evicted.
    pub(crate) fn is_evicted(&self) -> bool {
        unpack(self.slot.word.load(Ordering::Acquire)).0 == State::Evicted
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.owner.vacate(&self.slot);
    }
}

impl std::fmt::Debug for Ticket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (state, _) = unpack(self.slot.word.load(Ordering::Relaxed));
        f.debug_struct("Ticket").field("state", &state).finish()
    }
}

impl<K> std::fmt::Debug for Admission<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admission")
            .field("open", &self.shared.lock().open)
            .field("cap", &self.shared.cap)
            .field("first_head_window", &self.shared.first_head_window)
            .finish_non_exhaustive()
    }
}

/// What a connection is doing, as eviction sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// A complete request head arrived and is not answered yet.
    Busy,
    /// Reading a request head (or waiting for the first byte of a fresh
    /// connection's) since the time stored with it.
    Head,
    /// Idle between keep-alive requests since the time stored with it.
    Idle,
    /// Answered for the last time (a refusal, lingering, closing).
    Done,
    /// Evicted: close.
    Evicted,
}

/// One connection's state and since when, in one atomic word: the state in
/// the top 3 bits, nanoseconds since the admission's base below.
struct Slot {
    word: AtomicU64,
    base: Instant,
}

const SINCE_MASK: u64 = (1 << 61) - 1;

fn pack(state: State, since: u64) -> u64 {
    let tag = match state {
        State::Busy => 0,
        State::Head => 1,
        State::Idle => 2,
        State::Done => 3,
        State::Evicted => 4,
    };
    (tag << 61) | (since & SINCE_MASK)
}

fn unpack(word: u64) -> (State, u64) {
    let state = match word >> 61 {
        0 => State::Busy,
        1 => State::Head,
        2 => State::Idle,
        3 => State::Done,
        _ => State::Evicted,
    };
    (state, word & SINCE_MASK)
}

impl Slot {
    /// A fresh connection, reading its first head since `now`.
    fn new(base: Instant, now: Instant) -> Self {
        let slot = Slot {
            word: AtomicU64::new(0),
            base,
        };
        slot.word
            .store(pack(State::Head, slot.nanos(now)), Ordering::Release);
        slot
    }

    fn nanos(&self, t: Instant) -> u64 {
        let ns = t.saturating_duration_since(self.base).as_nanos();
        u64::try_from(ns).unwrap_or(SINCE_MASK).min(SINCE_MASK)
    }

    fn set(&self, state: State, now: Instant) -> bool {
        let new = pack(state, self.nanos(now));
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            if unpack(current).0 == State::Evicted {
                return false;
            }
            match self
                .word
                .compare_exchange_weak(current, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return true,
                Err(seen) => current = seen,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(cap: usize, now: Instant) -> Admission<u32> {
        let config = ServerConfig {
            first_head_window: Duration::from_secs(1),
            ..ServerConfig::default()
        };
        Admission::new(&config, cap, now)
    }

    fn admit(a: &Admission<u32>, now: Instant, kick: u32) -> Admitted<u32> {
        a.admit(now, kick).expect("admitted")
    }

    #[test]
    fn below_the_cap_admits_without_evicting() {
        let t0 = Instant::now();
        let a = admission(2, t0);
        let first = admit(&a, t0, 1);
        let second = admit(&a, t0, 2);
        assert_eq!((first.evicted, second.evicted), (None, None));
        assert_eq!(a.open(), 2);
        drop(first);
        assert_eq!(a.open(), 1);
    }

    #[test]
    fn a_fresh_connection_is_safe_during_the_window_then_evicted_oldest_first() {
        let t0 = Instant::now();
        let a = admission(2, t0);
        let _old = admit(&a, t0, 1);
        let _young = admit(&a, t0 + Duration::from_millis(500), 2);
        let full = a.admit(t0 + Duration::from_millis(900), 3).unwrap_err();
        assert_eq!(full.retry_at, Some(t0 + Duration::from_secs(1)));
        let third = admit(&a, t0 + Duration::from_secs(2), 3);
        assert_eq!(third.evicted, Some(1));
        assert!(_old.ticket.is_evicted() && !_young.ticket.is_evicted());
        assert_eq!(a.open(), 2);
    }

    #[test]
    fn a_busy_connection_is_never_evicted() {
        let t0 = Instant::now();
        let a = admission(1, t0);
        let busy = admit(&a, t0, 1);
        assert!(busy.ticket.set(State::Busy, t0));
        let full = a.admit(t0 + Duration::from_secs(60), 2).unwrap_err();
        assert_eq!(full.retry_at, None);
        assert!(!busy.ticket.is_evicted());
    }

    #[test]
    fn order_is_done_then_slow_head_then_longest_idle() {
        let t0 = Instant::now();
        let a = admission(4, t0);
        let idle_long = admit(&a, t0, 1);
        let idle_short = admit(&a, t0, 2);
        let slow_head = admit(&a, t0, 3);
        let done = admit(&a, t0, 4);
        let later = t0 + Duration::from_secs(5);
        assert!(idle_long
            .ticket
            .set(State::Idle, t0 + Duration::from_secs(1)));
        assert!(idle_short
            .ticket
            .set(State::Idle, t0 + Duration::from_secs(2)));
        assert!(done.ticket.set(State::Done, t0 + Duration::from_secs(3)));
        let order: Vec<u32> = (10..14)
            .map(|k| {
                let admitted = admit(&a, later, k);
                // Newcomers turn busy at once, so they are never chosen here.
                assert!(admitted.ticket.set(State::Busy, later));
                std::mem::forget(admitted.ticket);
                admitted.evicted.expect("someone evicted")
            })
            .collect();
        assert_eq!(order, [4, 3, 1, 2]);
        drop((idle_long, idle_short, slow_head, done));
    }

    #[test]
    fn an_evicted_connection_cannot_turn_busy_and_its_drop_frees_nothing_twice() {
        let t0 = Instant::now();
        let a = admission(1, t0);
        let victim = admit(&a, t0, 1);
        let later = t0 + Duration::from_secs(2);
        let newcomer = admit(&a, later, 2);
        assert_eq!(newcomer.evicted, Some(1));
        assert!(!victim.ticket.set(State::Busy, later), "eviction won");
        drop(victim);
        assert_eq!(a.open(), 1, "the newcomer's place survives the victim");
        drop(newcomer);
        assert_eq!(a.open(), 0);
    }

    #[test]
    fn kicks_of_every_open_connection() {
        let t0 = Instant::now();
        let a = admission(8, t0);
        let held: Vec<_> = (0..3).map(|k| admit(&a, t0, k)).collect();
        let mut kicks = Vec::new();
        a.for_each_kick(|k| kicks.push(*k));
        kicks.sort_unstable();
        assert_eq!(kicks, [0, 1, 2]);
        drop(held);
    }
}
