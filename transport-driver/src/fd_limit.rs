//! How many file descriptors this process may open: what the connection
//! cap is lowered to (see `ServerConfig::connection_cap`).

/// The process's soft limit on open file descriptors; `None` when there is
/// none or the platform does not say.
pub fn fd_limit() -> Option<u64> {
    #[cfg(unix)]
    return rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
    #[cfg(not(unix))]
    return None;
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn the_limit_is_known_and_above_the_three_standard_streams() {
        let limit = super::fd_limit().expect("unix processes have a descriptor limit");
        assert!(limit > 3, "{limit}");
    }
}
