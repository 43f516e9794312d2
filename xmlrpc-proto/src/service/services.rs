//! [`Service`]: a set of methods registered on a router in one go.

use super::Router;

/// A set of methods that registers itself on a [`Router`]: what
/// `#[xmlrpc_proto::rpc]` generates for a trait (`MathServer<S>` for
/// `trait Math`), and what [`Router::add_service`] takes.
///
/// Implement it by hand to bundle closures the same way:
///
/// ```
/// use xmlrpc_proto::service::{Router, Service};
/// use xmlrpc_proto::Fault;
///
/// struct Clock;
///
/// impl Service for Clock {
///     fn register(self, router: &mut Router) {
///         router
///             .register("clock.zero", || -> Result<i32, Fault> { Ok(0) })
///             .help("Always 0.");
///     }
/// }
///
/// let mut router = Router::new();
/// router.add_service(Clock);
/// ```
pub trait Service {
    /// Registers every method of the service on `router`, replacing any
    /// method registered earlier under the same name.
    fn register(self, router: &mut Router);
}

impl Router {
    /// Registers every method of `service` (see [`Service`]); returns the
    /// router for the next one.
    pub fn add_service(&mut self, service: impl Service) -> &mut Self {
        service.register(self);
        self
    }
}
