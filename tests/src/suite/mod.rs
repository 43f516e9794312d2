//! The shared adapter suite: each function is one test, generic over the
//! transport. [`adapter_suite!`](crate::adapter_suite) turns them into `#[test]`s.

mod agree;
mod calls;
mod concurrency;
mod deadline;
mod faults;
mod intercept;
mod keepalive;
mod limits;
mod overload;
mod peer;
mod proxy;
mod scgi;
mod secure;
mod shutdown;

pub use agree::*;
pub use calls::*;
pub use concurrency::*;
pub use deadline::*;
pub use faults::*;
pub use intercept::*;
pub use keepalive::*;
pub use limits::*;
pub use overload::*;
pub use peer::*;
pub use proxy::*;
pub use scgi::*;
pub use secure::*;
pub use shutdown::*;

use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::{Fault, Value};

use crate::service::{suite_service, SuiteState};
use crate::{Adapter, ClientOpts, RunningServer, ServerOpts, SuiteClient};

/// A running suite server and the state its handlers share.
pub struct Fixture {
    /// The server (stopped when dropped).
    pub server: RunningServer,
    /// What its handlers observed.
    pub state: std::sync::Arc<SuiteState>,
}

/// Starts the suite's service on adapter `A` with `opts`.
pub fn serve<A: Adapter>(opts: ServerOpts) -> Fixture {
    let service = suite_service();
    let server = A::start_server(service.router, opts);
    Fixture {
        server,
        state: service.state,
    }
}

/// A client of adapter `A`; the suite cannot go on without one.
pub fn client<A: Adapter>(url: &str, opts: &ClientOpts) -> Box<dyn SuiteClient> {
    match A::client(url, opts) {
        Ok(client) => client,
        Err(e) => panic!("[{}] cannot build a client for {url}: {e}", A::NAME),
    }
}

/// `echo(value)` must give `value` back.
pub fn assert_echo(client: &dyn SuiteClient, value: Value) {
    match client.call_value("echo", vec![value.clone()]) {
        Ok(back) => assert_eq!(back, value, "echo changed the value"),
        Err(e) => panic!("echo of {value:?} failed: {e}"),
    }
}

/// The fault a call must have produced.
pub fn expect_fault(result: Result<Value, ClientError>) -> Fault {
    match result {
        Err(ClientError::Fault(fault)) => fault,
        other => panic!("expected a fault, got {other:?}"),
    }
}
