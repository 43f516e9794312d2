//! Deadlines as instants: [`after`], a time plus a timeout that never
//! overflows, so a timeout of `Duration::MAX` means "never" instead of a
//! panic.

use std::time::{Duration, Instant};

/// The farthest a deadline is set: thirty years, "never" in practice, and
/// an instant every platform's clock can hold.
const NEVER: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);

/// `now` plus `timeout`; a timeout too large to add ends thirty years on.
///
/// ```
/// use std::time::{Duration, Instant};
/// let now = Instant::now();
/// assert_eq!(xmlrpc_proto::time::after(now, Duration::from_secs(5)), now + Duration::from_secs(5));
/// assert!(xmlrpc_proto::time::after(now, Duration::MAX) > now + Duration::from_secs(1 << 28));
/// ```
pub fn after(now: Instant, timeout: Duration) -> Instant {
    // `now + NEVER` fits wherever an `Instant` is a count from boot or
    // from a fixed epoch; were it not to, the deadline is `now` itself.
    now.checked_add(timeout.min(NEVER)).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_timeouts_add_and_huge_ones_saturate() {
        let now = Instant::now();
        assert_eq!(after(now, Duration::ZERO), now);
        assert_eq!(
            after(now, Duration::from_millis(1500)),
            now + Duration::from_millis(1500)
        );
        assert_eq!(after(now, Duration::MAX), now + NEVER);
        assert_eq!(after(now, NEVER + Duration::from_secs(1)), now + NEVER);
    }
}
