//! [`BodyBudget`]: the bytes of request bodies a whole server holds at
//! once, shared by all its connections.
//!
//! `max_message_size` bounds one body; this bounds them all together, so
//! many connections that each send most of a large body and stop cannot
//! take the server's memory. A declared `Content-Length` is reserved before
//! the first body byte is read; a chunked (or gzip) body is charged as its
//! bytes arrive, inflated bytes counting when they are more. A request that
//! does not fit is refused with `503` and `Retry-After`. The charge is held
//! until the call is answered, since the decoded call lives that long.
//!
//! Requests of at most `small_body` bytes may also use `body_reserve`,
//! which larger ones cannot touch: small calls still get through while
//! large bodies hold the rest of the budget.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::ServerConfig;

/// Request-body bytes held by a server's connections together.
#[derive(Debug)]
pub struct BodyBudget {
    used: AtomicU64,
    total: u64,
    reserve: u64,
    small: u64,
}

/// Bytes one request holds in a [`BodyBudget`]; given back when dropped.
#[derive(Debug)]
pub(crate) struct Charge {
    budget: Arc<BodyBudget>,
    amount: u64,
}

impl BodyBudget {
    /// The budget of `config` (`body_budget`, `body_reserve`, `small_body`).
    pub fn new(config: &ServerConfig) -> Self {
        let total = config.body_budget as u64;
        BodyBudget {
            used: AtomicU64::new(0),
            total,
            reserve: (config.body_reserve as u64).min(total),
            small: config.small_body as u64,
        }
    }

    /// Bytes held now.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// An empty charge against this budget.
    pub(crate) fn charge(self: &Arc<Self>) -> Charge {
        Charge {
            budget: Arc::clone(self),
            amount: 0,
        }
    }

    /// Takes `by` more bytes for a request that then holds `after`; false
    /// (and nothing taken) when they do not fit.
    fn take(&self, by: u64, after: u64) -> bool {
        let limit = if after <= self.small {
            self.total
        } else {
            self.total - self.reserve
        };
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(by).filter(|&n| n <= limit)
            })
            .is_ok()
    }
}

impl Charge {
    /// Grows the charge to at least `bytes`; false when the budget has no
    /// room (the charge stays as it was).
    pub(crate) fn grow_to(&mut self, bytes: u64) -> bool {
        if bytes <= self.amount {
            return true;
        }
        let ok = self.budget.take(bytes - self.amount, bytes);
        if ok {
            self.amount = bytes;
        }
        ok
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.budget.used.fetch_sub(self.amount, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(total: usize, reserve: usize, small: usize) -> Arc<BodyBudget> {
        Arc::new(BodyBudget::new(&ServerConfig {
            body_budget: total,
            body_reserve: reserve,
            small_body: small,
            ..ServerConfig::default()
        }))
    }

    #[test]
    fn large_bodies_stop_short_of_the_reserve_and_small_ones_use_it() {
        let b = budget(1000, 100, 10);
        let mut large = b.charge();
        assert!(large.grow_to(900));
        let mut second = b.charge();
        assert!(!second.grow_to(11), "past the reserve for a large body");
        assert!(second.grow_to(10), "a small body takes from the reserve");
        assert_eq!(b.used(), 910);
        drop(large);
        assert_eq!(b.used(), 10);
    }

    #[test]
    fn growing_charges_only_the_difference_and_a_refusal_keeps_the_charge() {
        let b = budget(100, 0, 0);
        let mut c = b.charge();
        assert!(c.grow_to(40) && c.grow_to(30) && c.grow_to(60));
        assert_eq!(b.used(), 60);
        assert!(!c.grow_to(101));
        assert_eq!(b.used(), 60);
        drop(c);
        assert_eq!(b.used(), 0);
    }

    #[test]
    fn the_budget_is_never_overdrawn_by_concurrent_charges() {
        let b = budget(1_000, 0, 0);
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let b = Arc::clone(&b);
                std::thread::spawn(move || {
                    let mut kept = Vec::new();
                    for _ in 0..1_000 {
                        let mut c = b.charge();
                        if c.grow_to(7) {
                            kept.push(c);
                        }
                    }
                    kept
                })
            })
            .collect();
        let granted: Vec<Charge> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect();
        assert_eq!(granted.len(), 1_000 / 7);
        assert_eq!(b.used(), 7 * (1_000 / 7) as u64);
    }
}
