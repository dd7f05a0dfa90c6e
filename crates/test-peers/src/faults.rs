//! Faulty network peers for the fault suite, on 127.0.0.1 with free ports:
//! a collector that accepts connections and never answers, and a proxy
//! that delays every answer of a real collector. Both stop (their threads
//! end) when dropped.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::PeerError;

/// How often the accept loops look at their stop flag.
const POLL: Duration = Duration::from_millis(20);

/// A TCP listener that accepts every connection, reads what is sent and
/// never answers: a collector that hangs (gRPC or HTTP alike).
#[derive(Debug)]
pub struct HungCollector {
    port: u16,
    stop: Arc<AtomicBool>,
    connections: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl HungCollector {
    /// Listens on a free port.
    pub fn start() -> Result<Self, PeerError> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(PeerError::Io)?;
        listener.set_nonblocking(true).map_err(PeerError::Io)?;
        let port = listener.local_addr().map_err(PeerError::Io)?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let (stop2, count) = (stop.clone(), connections.clone());
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new();
            while !stop2.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        count.fetch_add(1, Ordering::Relaxed);
                        let _ = stream.set_nonblocking(true);
                        held.push(stream);
                    }
                    Err(_) => std::thread::sleep(POLL),
                }
                // Drain what clients send, so they never block on a full
                // window; answer nothing.
                let mut buf = [0u8; 16 * 1024];
                for s in &mut held {
                    while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
                }
            }
        });
        Ok(Self {
            port,
            stop,
            connections,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }
}

impl Drop for HungCollector {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A TCP proxy in front of `target` that holds every chunk the target sends
/// back for `delay` before passing it on: a slow collector.
#[derive(Debug)]
pub struct SlowProxy {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SlowProxy {
    /// Listens on a free port and forwards to 127.0.0.1:`target`.
    pub fn start(target: u16, delay: Duration) -> Result<Self, PeerError> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(PeerError::Io)?;
        listener.set_nonblocking(true).map_err(PeerError::Io)?;
        let port = listener.local_addr().map_err(PeerError::Io)?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                let Ok((client, _)) = listener.accept() else {
                    std::thread::sleep(POLL);
                    continue;
                };
                let _ = client.set_nonblocking(false);
                let Ok(upstream) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                let (Ok(client2), Ok(upstream2)) = (client.try_clone(), upstream.try_clone())
                else {
                    continue;
                };
                std::thread::spawn(move || pipe(client, upstream, Duration::ZERO));
                std::thread::spawn(move || pipe(upstream2, client2, delay));
            }
        });
        Ok(Self {
            port,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for SlowProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Copies `from` to `to`, waiting `delay` before each chunk.
fn pipe(mut from: TcpStream, mut to: TcpStream, delay: Duration) {
    let mut buf = [0u8; 64 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if !delay.is_zero() {
                    std::thread::sleep(delay);
                }
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
