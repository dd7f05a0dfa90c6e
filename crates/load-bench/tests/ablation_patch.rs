//! The floor experiment of `docs/performance.md` ("Floors") switches parts
//! of the request path off with `ablation.patch`, a patch kept beside the
//! benchmark instead of switches shipped in the library. It must keep
//! applying to the library as it is, or the page's instructions go stale.

use std::path::Path;
use std::process::Command;

#[test]
fn the_ablation_patch_applies_to_the_library() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = crate_dir.join("../..");
    if !root.join(".git").exists() {
        eprintln!("not a git checkout: the patch cannot be checked here");
        return;
    }
    let out = Command::new("git")
        .current_dir(&root)
        .args(["apply", "--check", "-v"])
        .arg(crate_dir.join("ablation.patch"))
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "crates/load-bench/ablation.patch no longer applies (refresh it: apply it by \
         hand, then `git diff -- crates/letta-telemetry > crates/load-bench/ablation.patch`):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // the switches the page names are all in it
    let patch = std::fs::read_to_string(crate_dir.join("ablation.patch")).expect("patch");
    for switch in ["\"attrs\"", "\"tm\"", "\"ctx\"", "LETTA_ABLATE"] {
        assert!(patch.contains(switch), "{switch} missing from the patch");
    }
}
