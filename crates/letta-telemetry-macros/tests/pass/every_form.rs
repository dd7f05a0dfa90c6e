//! Every form `#[trace_method]` accepts compiles and runs unchanged without a
//! tracer: plain, destructured and generic parameters, every option, async
//! functions, `impl Trait` returns and impl blocks.

use letta_telemetry::trace_method;

#[derive(Debug)]
struct Point {
    x: i32,
    y: i32,
}

#[trace_method]
fn plain(a: u8, b: &str) -> usize {
    usize::from(a) + b.len()
}

#[trace_method]
fn destructured((a, b): (i32, i32), Point { x, y }: Point, [first, ..]: [u8; 2]) -> i32 {
    a + b + x + y + i32::from(first)
}

#[trace_method(skip(secret), fields(kind = "test"), name = "custom")]
fn options(secret: String, visible: u32) -> Result<u32, String> {
    let _ = secret;
    Ok(visible)
}

#[trace_method(include(shown))]
fn include(shown: u8, hidden: u8) -> u8 {
    shown + hidden
}

#[trace_method(skip_all)]
fn skip_all(request_data: u8, agent_state: u8) -> u8 {
    request_data + agent_state
}

#[trace_method]
async fn async_fn(x: u8) -> Result<u8, std::io::Error> {
    Ok(x)
}

#[trace_method]
fn returns_impl(n: u32) -> impl Iterator<Item = u32> {
    0..n
}

#[trace_method]
fn generic<T: std::fmt::Debug + Clone>(value: &T) -> T {
    value.clone()
}

struct Service;

#[trace_method]
impl Service {
    fn method(&self, n: u8) -> u8 {
        n
    }

    #[trace_method(skip(n))]
    fn with_options(&self, n: u8) -> u8 {
        n + 1
    }
}

fn main() {
    assert_eq!(plain(1, "ab"), 3);
    assert_eq!(destructured((1, 2), Point { x: 3, y: 4 }, [5, 6]), 15);
    assert_eq!(options("s".into(), 7), Ok(7));
    assert_eq!(include(1, 2), 3);
    assert_eq!(skip_all(1, 2), 3);
    assert_eq!(returns_impl(3).sum::<u32>(), 3);
    assert_eq!(generic(&"x"), "x");
    assert_eq!(Service.method(2), 2);
    assert_eq!(Service.with_options(2), 3);
    // The async function is a future like any other.
    let _future = async_fn(1);
}
