//! The router every adapter serves in the suite: the demo service plus a few
//! methods that let a test see what the server saw.
//!
//! | method | does |
//! |---|---|
//! | `echo(x)` | returns `x` (demo service) |
//! | `factorial(n)` | demo service: int, i8 past 32 bits, -32602 outside 0..=20 |
//! | `suite.sleep(ms)` | blocks the handler `ms` milliseconds, returns `ms` |
//! | `suite.async_echo(x)` | an async handler returning `x` |
//! | `suite.peer()` | the peer address the transport put in the context |
//! | `suite.header(name)` | that request header's value, `""` when absent |
//! | `suite.user()` | the Basic-auth user, `""` when none |
//! | `suite.fault(code, msg)` | answers with that fault |
//! | `suite.panic()` | panics (the router turns it into -32603) |

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use xmlrpc_proto::service::Router;

/// Counters the suite's handlers keep, so tests can wait for the server.
#[derive(Debug, Default)]
pub struct SuiteState {
    /// `suite.sleep` calls currently sleeping.
    pub sleeping: AtomicUsize,
    /// `suite.sleep` calls that finished.
    pub slept: AtomicUsize,
}

impl SuiteState {
    /// Waits until `n` sleeps are in progress; false after `limit`.
    pub fn wait_sleeping(&self, n: usize, limit: Duration) -> bool {
        let start = Instant::now();
        while self.sleeping.load(Ordering::SeqCst) < n {
            if start.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        true
    }
}

/// The suite's router and the state its handlers share.
pub struct SuiteService {
    /// Hand this to `Adapter::start_server`.
    pub router: Arc<Router>,
    /// What the handlers observed.
    pub state: Arc<SuiteState>,
}

/// Builds the suite's router (see the module table).
pub fn suite_service() -> SuiteService {
    let state = Arc::new(SuiteState::default());
    let router = Router::new();
    SuiteService {
        router: Arc::new(router),
        state,
    }
}
