//! [`skip`]: what a check does when the peer it needs is missing.

/// The variable that turns a missing interop peer into a failure. CI sets
/// it, so a green CI run means every peer ran; on a developer's machine a
/// missing peer only prints why its check did not run.
pub const REQUIRE_PEERS: &str = "XMLRPC_REQUIRE_PEERS";

/// Reports that a check cannot run because `why`: a printed `SKIPPED:`
/// line, or a panic when [`REQUIRE_PEERS`] is set.
pub fn skip(why: &str) {
    if std::env::var_os(REQUIRE_PEERS).is_some() {
        panic!("{REQUIRE_PEERS} is set, but {why}");
    }
    println!("SKIPPED: {why}");
}
