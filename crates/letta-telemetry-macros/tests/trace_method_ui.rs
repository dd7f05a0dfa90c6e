//! Compile-fail tests: every misuse of `#[trace_method]` and
//! `#[derive(TelemetryId)]` is an error pointing at the token.

#[test]
fn misuse_is_a_compile_error() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
