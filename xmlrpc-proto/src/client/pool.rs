//! [`Pool`]: idle keep-alive connections and the rule for reusing them, and
//! [`may_retry`]: the one rule for sending a call again.
//!
//! The pool holds whatever the transport calls a connection (a socket and
//! its machine); dropping one closes it. It decides which idle connection a
//! call gets (the most recently used: the least likely to have been closed
//! by the server), when one is too old to trust, and how many are kept.
//! Time is an argument, as everywhere in the core.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::{ClientConfig, ClientError};

/// Idle connections of one client, shared by its clones.
#[derive(Debug)]
pub struct Pool<C> {
    idle: Mutex<Vec<(C, Instant)>>,
    max_idle: usize,
    max_age: Duration,
}

impl<C> Pool<C> {
    /// An empty pool sized by `config` ([`ClientConfig::max_idle_connections`],
    /// [`ClientConfig::idle_connection_timeout`]).
    pub fn new(config: &ClientConfig) -> Self {
        Pool {
            idle: Mutex::new(Vec::new()),
            max_idle: config.max_idle_connections,
            max_age: config.idle_connection_timeout,
        }
    }

    /// The connection a call should use: the most recently returned one
    /// that has been idle for less than the idle timeout at `now`. Older
    /// ones are dropped (closed) on the way.
    pub fn take(&self, now: Instant) -> Option<C> {
        let mut idle = self.lock();
        while let Some((conn, since)) = idle.pop() {
            if now.saturating_duration_since(since) < self.max_age {
                return Some(conn);
            }
        }
        None
    }

    /// Returns a connection that can carry another call, idle from `now`;
    /// dropped (closed) when the pool is full.
    pub fn put(&self, conn: C, now: Instant) {
        let mut idle = self.lock();
        if idle.len() < self.max_idle {
            idle.push((conn, now));
        }
    }

    /// Idle connections held now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when no connection is idle.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The idle list. A panic while it was held cannot leave it
    /// inconsistent (each change is one push or pop), so a poisoned lock
    /// is simply taken over.
    fn lock(&self) -> MutexGuard<'_, Vec<(C, Instant)>> {
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Whether a call that failed with `error` may be sent again on a fresh
/// connection, after `attempts` attempts. Only once, and only when the
/// connection machine said the server cannot have run it (a reused
/// connection closed before any byte of the answer: see
/// [`ClientError::Closed`]). XML-RPC calls are not idempotent, so nothing
/// else is ever retried.
pub fn may_retry(error: &ClientError, attempts: u32) -> bool {
    attempts == 1 && matches!(error, ClientError::Closed { retryable: true })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Address;

    fn pool(max_idle: usize) -> Pool<u32> {
        let mut config = ClientConfig::new(Address::parse("http://x/").expect("address"));
        config.max_idle_connections = max_idle;
        config.idle_connection_timeout = Duration::from_secs(30);
        Pool::new(&config)
    }

    #[test]
    fn newest_first_and_capped() {
        let now = Instant::now();
        let pool = pool(2);
        pool.put(1, now);
        pool.put(2, now);
        pool.put(3, now); // over the cap: closed
        assert_eq!(pool.len(), 2);
        assert_eq!(pool.take(now), Some(2));
        assert_eq!(pool.take(now), Some(1));
        assert_eq!(pool.take(now), None);
    }

    #[test]
    fn too_old_connections_are_dropped_not_used() {
        let start = Instant::now();
        let pool = pool(4);
        pool.put(1, start);
        pool.put(2, start + Duration::from_secs(20));
        let later = start + Duration::from_secs(31);
        assert_eq!(pool.take(later), Some(2));
        pool.put(2, start + Duration::from_secs(20));
        assert_eq!(pool.take(start + Duration::from_secs(50)), None);
        assert!(pool.is_empty());
    }

    #[test]
    fn no_reuse_when_the_size_is_zero() {
        let pool = pool(0);
        pool.put(1, Instant::now());
        assert_eq!(pool.take(Instant::now()), None);
    }

    #[test]
    fn a_poisoned_lock_is_taken_over() {
        let pool = std::sync::Arc::new(pool(4));
        let clone = pool.clone();
        let _ = std::panic::catch_unwind(move || {
            let _guard = clone.idle.lock();
            panic!("poison it");
        });
        pool.put(7, Instant::now());
        assert_eq!(pool.take(Instant::now()), Some(7));
    }

    #[test]
    fn only_an_unseen_call_is_retried_and_only_once() {
        let unseen = ClientError::Closed { retryable: true };
        let seen = ClientError::Closed { retryable: false };
        assert!(may_retry(&unseen, 1));
        assert!(!may_retry(&unseen, 2));
        assert!(!may_retry(&seen, 1));
        let timeout = ClientError::Timeout(super::super::TimeoutKind::FirstByte);
        assert!(!may_retry(&timeout, 1));
    }
}
