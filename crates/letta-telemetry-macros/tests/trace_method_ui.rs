//! Expansion tests: every misuse of `#[trace_method]` and
//! `#[derive(TelemetryId)]` is one error pointing at the token
//! (`tests/ui`), and every accepted form compiles and runs (`tests/pass`).

#[test]
fn misuse_is_a_compile_error_and_every_form_compiles() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/pass/*.rs");
}
