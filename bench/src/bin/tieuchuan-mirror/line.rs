//! A slow line between the mirror and its upstream, as a TCP proxy on loopback: each direction is
//! one shared link of a set rate (all connections share it, as they share a province's line) with
//! a one-way delay and a router's buffer of 64 segments; it counts the bytes it carries.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A segment's payload, as TCP over Ethernet carries it.
const SEGMENT: usize = 1448;
/// Segments the line holds while it is busy.
const BUFFER_SEGMENTS: usize = 64;

/// One direction of the line: its rate, when it is free next, and what it carried.
pub struct Link {
    pub bits_per_second: AtomicU64,
    pub carried: AtomicU64,
    delay: Duration,
    free_at: Mutex<Instant>,
}

impl Link {
    fn new(bits_per_second: u64, delay: Duration) -> Link {
        Link {
            bits_per_second: AtomicU64::new(bits_per_second),
            carried: AtomicU64::new(0),
            delay,
            free_at: Mutex::new(Instant::now()),
        }
    }

    /// Waits while `bytes` go onto the line behind what is already on it.
    fn transmit(&self, bytes: usize) {
        let rate = self.bits_per_second.load(Ordering::Relaxed).max(1);
        let cost = Duration::from_secs_f64(bytes as f64 * 8.0 / rate as f64);
        let done = {
            let mut free_at = self.free_at.lock().unwrap_or_else(PoisonError::into_inner);
            *free_at = (*free_at).max(Instant::now()) + cost;
            *free_at
        };
        sleep_until(done);
        self.carried.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

fn sleep_until(at: Instant) {
    let now = Instant::now();
    if at > now {
        std::thread::sleep(at - now);
    }
}

/// The line: towards the mirror (`down`) and towards the upstream (`up`).
pub struct Line {
    pub address: String,
    pub down: Arc<Link>,
    pub up: Arc<Link>,
}

impl Line {
    /// A line to `upstream` (host:port) of `bits_per_second` each way and `delay` each way.
    pub fn start(upstream: &str, bits_per_second: u64, delay: Duration) -> Result<Line, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let address = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
        let (down, up) = (Arc::new(Link::new(bits_per_second, delay)), Arc::new(Link::new(bits_per_second, delay)));
        let (to_mirror, to_upstream) = (Arc::clone(&down), Arc::clone(&up));
        let upstream = upstream.to_string();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                let _ = (client.set_nodelay(true), server.set_nodelay(true));
                if let (Ok(client_read), Ok(server_read)) = (client.try_clone(), server.try_clone()) {
                    carry(client_read, server, Arc::clone(&to_upstream));
                    carry(server_read, client, Arc::clone(&to_mirror));
                }
            }
        });
        Ok(Line { address, down, up })
    }

    /// Bytes carried both ways so far.
    pub fn bytes(&self) -> u64 {
        self.down.carried.load(Ordering::Relaxed) + self.up.carried.load(Ordering::Relaxed)
    }

    /// Sets both directions' rate.
    pub fn set_rate(&self, bits_per_second: u64) {
        self.down.bits_per_second.store(bits_per_second, Ordering::Relaxed);
        self.up.bits_per_second.store(bits_per_second, Ordering::Relaxed);
    }
}

/// Bytes on the line, and when they may arrive.
type Segment = (Instant, Vec<u8>);

/// Carries one direction of a connection over `link`: a reader that stamps each segment with the
/// moment it may arrive, and a writer that delivers it then, at the link's rate.
fn carry(mut from: TcpStream, to: TcpStream, link: Arc<Link>) {
    let (segments, arriving): (SyncSender<Segment>, Receiver<Segment>) = sync_channel(BUFFER_SEGMENTS);
    let delay = link.delay;
    std::thread::spawn(move || {
        let mut buffer = [0u8; SEGMENT];
        loop {
            match from.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if segments.send((Instant::now() + delay, buffer[..n].to_vec())).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = from.shutdown(Shutdown::Read);
    });
    std::thread::spawn(move || {
        let mut to = to;
        for (at, segment) in arriving {
            sleep_until(at);
            link.transmit(segment.len());
            if to.write_all(&segment).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}
