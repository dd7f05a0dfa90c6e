//! A throwaway PostgreSQL cluster (Debian's `postgresql` package): `initdb`
//! into a temporary directory, then the `postgres` server in the foreground
//! on a free 127.0.0.1 port, with trust authentication for user `postgres`.
//!
//! PostgreSQL refuses to run as root, so when the tests run as root the
//! cluster directory is handed to the `postgres` OS user and both programs
//! run under its uid/gid (set directly on the child, so the PID we hold is
//! the server's own). The server gets a fast shutdown (SIGINT) on drop, then
//! a kill if it has not exited within five seconds.

use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::free_port;
use crate::{PeerError, PeerProcess};

/// A running PostgreSQL server on 127.0.0.1.
#[derive(Debug)]
pub struct Postgres {
    process: PeerProcess,
    port: u16,
}

/// The newest `/usr/lib/postgresql/<version>/bin` directory.
pub fn bin_dir() -> Result<PathBuf, PeerError> {
    let root = Path::new("/usr/lib/postgresql");
    let mut best: Option<(u32, PathBuf)> = None;
    if let Ok(entries) = std::fs::read_dir(root) {
        for e in entries.flatten() {
            let bin = e.path().join("bin");
            let version = e
                .file_name()
                .to_string_lossy()
                .split('.')
                .next()
                .and_then(|v| v.parse::<u32>().ok());
            if let Some(v) = version
                && bin.join("postgres").exists()
                && best.as_ref().is_none_or(|(b, _)| v > *b)
            {
                best = Some((v, bin));
            }
        }
    }
    best.map(|(_, p)| p).ok_or_else(|| PeerError::NotInstalled {
        what: "PostgreSQL (postgres, initdb)".into(),
        looked_at: root.to_path_buf(),
    })
}

/// The uid and gid of the `postgres` OS user, from `/etc/passwd`.
fn postgres_user() -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        (f.len() > 3 && f[0] == "postgres")
            .then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
            .flatten()
    })
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

fn chown_tree(path: &Path, uid: u32, gid: u32) -> std::io::Result<()> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid))?;
    if path.is_dir() {
        for e in std::fs::read_dir(path)? {
            chown_tree(&e?.path(), uid, gid)?;
        }
    }
    Ok(())
}

impl Postgres {
    /// Initialises a cluster and starts the server; waits for its port.
    pub fn start() -> Result<Self, PeerError> {
        let bin = bin_dir()?;
        let port = free_port()?;
        let user = if is_root() {
            Some(postgres_user().ok_or_else(|| PeerError::NotInstalled {
                what: "the postgres OS user (running as root)".into(),
                looked_at: PathBuf::from("/etc/passwd"),
            })?)
        } else {
            None
        };
        let as_user = |cmd: &mut Command| {
            if let Some((uid, gid)) = user {
                cmd.uid(uid).gid(gid);
            }
        };
        let mut setup: Result<(), PeerError> = Ok(());
        let mut process = PeerProcess::spawn("postgres", |dir| {
            let data = dir.join("data");
            setup = (|| {
                if let Some((uid, gid)) = user {
                    chown_tree(dir, uid, gid).map_err(PeerError::Io)?;
                }
                let mut initdb = Command::new(bin.join("initdb"));
                initdb
                    .arg("-D")
                    .arg(&data)
                    .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
                    .current_dir(dir);
                as_user(&mut initdb);
                let out = initdb.output().map_err(|source| PeerError::Spawn {
                    name: "initdb".into(),
                    source,
                })?;
                if !out.status.success() {
                    return Err(PeerError::Exited {
                        name: "initdb".into(),
                        status: out.status.to_string(),
                        log: format!(
                            "{}{}",
                            String::from_utf8_lossy(&out.stdout),
                            String::from_utf8_lossy(&out.stderr)
                        ),
                    });
                }
                Ok(())
            })();
            let mut cmd = Command::new(bin.join("postgres"));
            cmd.arg("-D")
                .arg(&data)
                .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-k"])
                .arg(dir)
                .args(["-c", "fsync=off", "-c", "max_connections=50"])
                .current_dir(dir);
            as_user(&mut cmd);
            cmd
        })?;
        setup?;
        process.wait_for_port(port, Duration::from_secs(30))?;
        Ok(Self { process, port })
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `postgres://postgres@127.0.0.1:<port>/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The server's output so far.
    pub fn output(&self) -> String {
        self.process.output()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let pid = self.process.pid().to_string();
        if Command::new("kill").args(["-INT", &pid]).status().is_ok() {
            let deadline = Instant::now() + Duration::from_secs(5);
            while self.process.is_running() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        self.process.kill();
    }
}
