//! The limits table has one source, `LIMITS.md` (the crate docs include
//! it); the README's copy must match it byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

const BEGIN: &str = "<!-- copied from xmlrpc-proto/LIMITS.md";
const END: &str = "<!-- end of LIMITS.md -->";

#[test]
fn the_readme_copies_the_one_limits_table() {
    let source = include_str!("../LIMITS.md");
    let readme = include_str!("../../README.md");
    let start = readme
        .find(BEGIN)
        .expect("the README marks where the copy begins");
    let after_marker = readme[start..].find('\n').expect("marker line") + start + 1;
    let end = readme
        .find(END)
        .expect("the README marks where the copy ends");
    assert_eq!(
        &readme[after_marker..end],
        source,
        "README.md's limits table differs from xmlrpc-proto/LIMITS.md: copy it again"
    );
}

#[test]
fn every_default_in_the_table_is_the_code_default() {
    use xmlrpc_proto::client::{config_defaults, ClientConfig};
    use xmlrpc_proto::http::{server_defaults, ConnectionModel, ServerConfig};
    use xmlrpc_proto::Limits;
    let table = include_str!("../LIMITS.md");
    let row = |name: &str| {
        table
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no row for {name}"))
            .to_owned()
    };
    let server = ServerConfig::default();
    let client = ClientConfig::new(xmlrpc_proto::http::Address::parse("http://x/").unwrap());
    assert_eq!(Limits::server().max_depth, 64);
    assert!(row("Limits::max_depth").contains("| 64 |"));
    assert!(row("Limits::max_params").contains("10,000"));
    assert_eq!(Limits::server().max_params, 10_000);
    assert!(row("ServerConfig::max_head_size").contains("16 KiB"));
    assert_eq!(server.max_head_size, 16 * 1024);
    for (name, secs) in [
        ("ServerConfig::head_timeout", server.head_timeout),
        ("ServerConfig::body_timeout", server.body_timeout),
        ("ServerConfig::idle_timeout", server.idle_timeout),
        ("ServerConfig::write_timeout", server.write_timeout),
        ("ServerConfig::linger_timeout", server.linger_timeout),
        (
            "ServerConfig::tls_handshake_timeout",
            server.tls_handshake_timeout,
        ),
        ("ServerConfig::shutdown_grace", server.shutdown_grace),
    ] {
        let text = format!("| {} s", secs.as_secs());
        assert!(
            row(name).contains(&text),
            "{name}: {secs:?} not in {}",
            row(name)
        );
    }
    let caps = row("ServerConfig::max_connections");
    assert!(caps.contains("1,024 with a thread") && caps.contains("10,000 with tasks"));
    assert!(caps.contains(&format!("minus {}", server_defaults::FD_RESERVE)));
    assert_eq!(server.max_connections, None);
    assert_eq!(server.connection_cap(ConnectionModel::Threads, None), 1024);
    assert_eq!(server.connection_cap(ConnectionModel::Tasks, None), 10_000);
    assert!(row("ServerConfig::drain_timeout").contains("| 5 s: an idle keep-alive"));
    assert_eq!(server.drain_timeout.as_secs(), 5);
    assert!(row("ServerConfig::listen_backlog").contains("| 1,024 (the kernel"));
    assert_eq!(server.listen_backlog, 1024);
    assert!(row("ServerConfig::first_head_window").contains("| 1 s:"));
    assert_eq!(server.first_head_window.as_secs(), 1);
    assert!(row("ServerConfig::body_budget").contains("| 256 MiB:"));
    assert_eq!(server.body_budget, 256 << 20);
    assert!(row("ServerConfig::body_reserve")
        .contains("| 16 MiB of the budget, only for bodies of at most 64 KiB"));
    assert_eq!(
        (server.body_reserve, server.small_body),
        (16 << 20, 64 << 10)
    );
    assert_eq!(client.max_idle_connections, 8);
    assert!(row("ClientConfig::max_idle_connections").contains("8 connections, reused for 30 s"));
    assert_eq!(client.idle_connection_timeout.as_secs(), 30);
    assert_eq!(config_defaults::CONNECT_TIMEOUT.as_secs(), 30);
    assert_eq!(config_defaults::WRITE_TIMEOUT.as_secs(), 30);
    assert!(row("ClientConfig::connect_timeout").contains("30 s / 30 s"));
    assert!(row("ClientConfig::first_byte_timeout").contains("30 s / 120 s"));
    assert_eq!(client.first_byte_timeout.as_secs(), 30);
    assert_eq!(client.response_timeout.as_secs(), 120);
}
