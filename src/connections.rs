//! Holding under connection floods: connections counted per client address (a trusted proxy's
//! are not: it is many clients), requests from an address over its limit answered 429 and closed
//! before their body is read, and a request body that stops arriving (nothing for
//! `BODY_IDLE`), or arrives slower than `BODY_MIN_RATE` once past `BODY_GRACE`, cut off. The
//! time to send the request head is bounded by the server (`client_request_timeout`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, ResponseError};
use futures_util::StreamExt;

use crate::client_address::TrustedProxies;
use crate::error::{AppError, ErrorCode};

/// The longest a request body may pause.
pub const BODY_IDLE: Duration = Duration::from_secs(20);
/// How long a body may arrive at any pace before `BODY_MIN_RATE` applies.
pub const BODY_GRACE: Duration = Duration::from_secs(30);
/// The slowest a body may arrive on average after the grace (bytes a second): far below a
/// provincial line's slowest, far above a slow-drip attack.
pub const BODY_MIN_RATE: u64 = 1024;

/// Open connections per client address, shared by every worker.
#[derive(Debug, Default)]
pub struct ConnectionCounts {
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One counted connection; dropped (and uncounted) when the connection closes.
#[derive(Debug)]
pub struct ConnectionSlot {
    address: IpAddr,
    counts: Arc<ConnectionCounts>,
    /// Whether the address had more connections than allowed when this one opened.
    over: bool,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.counts.open.lock()
            && let Some(count) = open.get_mut(&self.address)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.address);
            }
        }
    }
}

impl ConnectionCounts {
    /// Counts a new connection from `address`; the slot knows whether the address is over `limit`.
    pub fn open(counts: &Arc<ConnectionCounts>, address: IpAddr, limit: usize) -> ConnectionSlot {
        let count = match counts.open.lock() {
            Ok(mut open) => {
                let count = open.entry(address).or_insert(0);
                *count += 1;
                *count
            }
            Err(_) => 0,
        };
        ConnectionSlot { address, counts: Arc::clone(counts), over: count > limit }
    }
}

/// What `HttpServer::on_connect` runs: counts plain TCP connections by peer, except a trusted
/// proxy's.
pub fn on_connect(
    counts: Arc<ConnectionCounts>,
    proxies: TrustedProxies,
    limit: usize,
) -> impl Fn(&dyn std::any::Any, &mut actix_web::dev::Extensions) + Send + Sync + 'static {
    move |connection, data| {
        let peer = connection.downcast_ref::<actix_web::rt::net::TcpStream>().and_then(|s| s.peer_addr().ok());
        if let Some(peer) = peer
            && !proxies.0.contains(&peer.ip())
        {
            data.insert(ConnectionCounts::open(&counts, peer.ip(), limit));
        }
    }
}

/// Middleware: refuses requests on connections over their address's limit (closing them), and
/// bounds how slowly a body may arrive.
pub async fn guard(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if request.conn_data::<ConnectionSlot>().is_some_and(|slot| slot.over) {
        let error = AppError::TooManyRequests {
            code: ErrorCode::TooManyConnections,
            message: "too many connections from your address; close some and try again".into(),
            retry_after: 5,
        };
        let mut response = error.error_response();
        response.head_mut().set_connection_type(actix_web::http::ConnectionType::Close);
        return Ok(request.into_response(response));
    }
    let payload = request.take_payload();
    request.set_payload(Payload::from(paced(payload).fuse().boxed_local()));
    Ok(next.call(request).await?.map_into_boxed_body())
}

/// The body as it arrives, cut off when it pauses too long or comes too slowly.
fn paced(payload: Payload) -> impl futures_util::Stream<Item = Result<Bytes, PayloadError>> {
    let started = Instant::now();
    futures_util::stream::unfold((payload, 0u64, false), move |(mut payload, received, done)| async move {
        if done {
            return None;
        }
        match tokio::time::timeout(BODY_IDLE, payload.next()).await {
            Ok(Some(Ok(chunk))) => {
                let received = received + chunk.len() as u64;
                let elapsed = started.elapsed();
                if elapsed > BODY_GRACE && received < BODY_MIN_RATE.saturating_mul(elapsed.as_secs()) {
                    return Some((Err(too_slow()), (payload, received, true)));
                }
                Some((Ok(chunk), (payload, received, false)))
            }
            Ok(Some(Err(error))) => Some((Err(error), (payload, received, true))),
            Ok(None) => None,
            Err(_) => Some((Err(too_slow()), (payload, received, true))),
        }
    })
}

fn too_slow() -> PayloadError {
    PayloadError::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "the request body stopped arriving"))
}
