//! `Debug` of the client and its builder never shows the URL password or a
//! header value (which may be a token).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use transport_tokio::Client;

#[test]
fn client_debug_redacts_the_url_password() {
    let client = Client::new("http://alice:s3cret@127.0.0.1:1/RPC2").expect("client");
    let shown = format!("{client:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(
        shown.contains("alice") && shown.contains("/RPC2") && shown.contains("<redacted>"),
        "{shown}"
    );
}

#[test]
fn builder_debug_shows_no_password_and_no_header_values() {
    let builder = Client::builder("http://alice:s3cret@127.0.0.1:1/RPC2")
        .header("Authorization", "Bearer t0ken");
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains("s3cret") && !shown.contains("t0ken"),
        "{shown}"
    );
    assert!(
        shown.contains("alice") && shown.to_lowercase().contains("authorization"),
        "{shown}"
    );
}
