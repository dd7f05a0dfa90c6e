//! `own_process!` gives each test a process of its own: both tests below
//! claim the same process-wide flag, which only one test per process can.

use std::sync::atomic::{AtomicBool, Ordering};

static CLAIMED: AtomicBool = AtomicBool::new(false);

fn claim_the_process() {
    let taken_before = CLAIMED.swap(true, Ordering::SeqCst);
    assert!(!taken_before, "another test ran in this process first");
}

#[test]
fn first_claimant() {
    test_peers::own_process!();
    claim_the_process();
}

#[test]
fn second_claimant() {
    test_peers::own_process!();
    claim_the_process();
}

#[test]
fn a_test_returning_a_result_passes_its_value_through() -> Result<(), String> {
    test_peers::own_process!(Ok(()));
    claim_the_process();
    Ok(())
}
