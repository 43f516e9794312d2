//! Misuses of `#[rpc]` fail to compile with a clear message at the span
//! that caused them; the expected messages are `tests/ui/*.stderr`
//! (regenerate with `TRYBUILD=overwrite`, then read them).

#[test]
fn misuse_is_a_clear_compile_error() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
