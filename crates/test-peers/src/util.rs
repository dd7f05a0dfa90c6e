//! Ports and paths shared by every peer.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::PeerError;

/// A TCP port on 127.0.0.1 that was free a moment ago (bound then released).
pub fn free_port() -> Result<u16, PeerError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(PeerError::Io)?;
    Ok(listener.local_addr().map_err(PeerError::Io)?.port())
}

/// `n` distinct free ports (held together while choosing, so they differ).
pub fn free_ports(n: usize) -> Result<Vec<u16>, PeerError> {
    let listeners = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(PeerError::Io)?;
    listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()).map_err(PeerError::Io))
        .collect()
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
pub fn port_open(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

/// Waits until 127.0.0.1:`port` accepts connections, up to `timeout`.
pub fn wait_for_port(port: u16, timeout: Duration) -> Result<(), PeerError> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if port_open(port) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(PeerError::PortTimeout {
        port,
        timeout,
        log: String::new(),
    })
}

/// The workspace root (two levels above this crate's manifest).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}

/// `<workspace>/.venv`, where `scripts/install-peers` installs the peers.
pub fn venv_dir() -> PathBuf {
    workspace_root().join(".venv")
}

/// `<workspace>/.venv/bin/<name>`, when it exists.
pub fn venv_bin(name: &str) -> Result<PathBuf, PeerError> {
    let path = venv_dir().join("bin").join(name);
    if path.exists() {
        Ok(path)
    } else {
        Err(PeerError::NotInstalled {
            what: name.to_owned(),
            looked_at: path,
        })
    }
}

/// Every `site-packages` directory of the virtual environment
/// (`.venv/lib/python3.*/site-packages`).
pub fn venv_site_packages() -> Vec<PathBuf> {
    let lib = venv_dir().join("lib");
    let Ok(entries) = std::fs::read_dir(&lib) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path().join("site-packages"))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// A file installed by a Python package: the first
/// `site-packages/<relative>` of the virtual environment that exists.
pub fn venv_package_file(relative: &str) -> Result<PathBuf, PeerError> {
    venv_site_packages()
        .into_iter()
        .map(|d| d.join(relative))
        .find(|p| p.exists())
        .ok_or_else(|| PeerError::NotInstalled {
            what: relative.to_owned(),
            looked_at: venv_dir().join("lib/python*/site-packages").join(relative),
        })
}
