//! Captures the Git repository URL and commit SHA of the source being built,
//! for Datadog's source-code integration (`git.repository_url`,
//! `git.commit.sha`). Exposed to the crate as the compile-time variables
//! `LETTA_BUILD_GIT_REPOSITORY_URL` and `LETTA_BUILD_GIT_COMMIT_SHA`
//! (read with `option_env!`). `DD_GIT_REPOSITORY_URL` / `DD_GIT_COMMIT_SHA`
//! set at build time win. Silent when there is no Git.

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!s.is_empty()).then_some(s)
}

// A build script is not the runtime: the settings module cannot be used here.
#[allow(clippy::disallowed_methods)]
fn build_env(name: &str) -> Option<String> {
    println!("cargo:rerun-if-env-changed={name}");
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn strip_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://{host}{path}"),
        None => url.to_owned(),
    }
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let url = build_env("DD_GIT_REPOSITORY_URL")
        .or_else(|| git(dir, &["config", "--get", "remote.origin.url"]));
    let sha = build_env("DD_GIT_COMMIT_SHA").or_else(|| git(dir, &["rev-parse", "HEAD"]));
    // Credentials in a remote URL never go into the binary.
    if let Some(url) = url.map(|u| strip_credentials(&u)) {
        println!("cargo:rustc-env=LETTA_BUILD_GIT_REPOSITORY_URL={url}");
    }
    if let Some(sha) = sha {
        println!("cargo:rustc-env=LETTA_BUILD_GIT_COMMIT_SHA={sha}");
    }
    // Rebuild when HEAD moves (new commit or branch switch).
    if let Some(git_dir) = git(dir, &["rev-parse", "--absolute-git-dir"]) {
        let git_dir = Path::new(&git_dir);
        println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
        if let Some(head_ref) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
            println!(
                "cargo:rerun-if-changed={}",
                git_dir.join(head_ref).display()
            );
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
