//! A fault-injecting HTTP proxy for the mirror tests, between a mirror and its upstream: it adds
//! latency, limits bandwidth (256 kbit/s is 32,000 bytes a second), cuts every Nth answer in the
//! middle of its body (the connection dies), truncates every Mth (a shorter body, well framed: only
//! hashes can tell), answers every Kth repeated request for a page of the feed with the answer it
//! gave to an earlier one (a duplicated, stale response), and can be taken down (502, as a proxy
//! with no way through). It forwards bytes as they are (compressed answers stay compressed).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

/// What the proxy does to the answers; change it while it runs.
#[derive(Debug, Default)]
pub struct Faults {
    pub latency_ms: AtomicU64,
    /// 0: no limit.
    pub bytes_per_second: AtomicU64,
    /// Every Nth answer with a body of more than 1 KB is cut halfway (0: none).
    pub cut_every: AtomicU64,
    /// Every Nth such answer ends halfway, well framed (0: none).
    pub truncate_every: AtomicU64,
    /// Every Nth request for a feed page is answered with the previous feed page's answer (0: none).
    pub stale_every: AtomicU64,
    /// Every request is answered 502.
    pub down: AtomicBool,
    answers: AtomicU64,
    pages: AtomicU64,
    /// Bytes sent towards the mirror, bodies only.
    pub bytes_down: AtomicU64,
    last_page: Mutex<Option<Answer>>,
}

#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
}

/// The running proxy.
pub struct FaultProxy {
    pub address: String,
    pub faults: Arc<Faults>,
    handle: actix_web::dev::ServerHandle,
}

impl FaultProxy {
    /// A proxy to `upstream` on a free port.
    pub async fn start(upstream: &str, faults: Faults) -> FaultProxy {
        let faults = Arc::new(faults);
        let client = reqwest::Client::builder().no_gzip().build().expect("client");
        let state = web::Data::new((upstream.trim_end_matches('/').to_string(), client, Arc::clone(&faults)));
        let server = HttpServer::new(move || App::new().app_data(state.clone()).default_service(web::to(forward)))
            .workers(2)
            .bind("127.0.0.1:0")
            .expect("bind");
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        FaultProxy { address: format!("http://127.0.0.1:{port}"), faults, handle }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

type State = web::Data<(String, reqwest::Client, Arc<Faults>)>;

const HOP_BY_HOP: [&str; 5] = ["connection", "transfer-encoding", "content-length", "keep-alive", "host"];

async fn forward(request: HttpRequest, body: Bytes, state: State) -> HttpResponse {
    let (upstream, client, faults) = (&state.0, &state.1, &state.2);
    if faults.down.load(Ordering::Relaxed) {
        return HttpResponse::BadGateway().finish();
    }
    let latency = faults.latency_ms.load(Ordering::Relaxed);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let is_page = request.path() == "/api/v1/changes";
    let stale_every = faults.stale_every.load(Ordering::Relaxed);
    if is_page && stale_every > 0 && faults.pages.fetch_add(1, Ordering::Relaxed) % stale_every == stale_every - 1 {
        let stale = faults.last_page.lock().expect("lock").clone();
        if let Some(stale) = stale {
            return respond(stale, faults, Ending::Whole).await;
        }
    }
    let method = reqwest::Method::from_bytes(request.method().as_str().as_bytes()).expect("method");
    let uri = format!("{upstream}{}", request.uri().path_and_query().map_or("/", |p| p.as_str()));
    let mut outgoing = client.request(method, uri).body(body);
    for (name, value) in request.headers() {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            outgoing = outgoing.header(name.as_str(), value.as_bytes());
        }
    }
    let Ok(response) = outgoing.send().await else { return HttpResponse::BadGateway().finish() };
    let status = response.status().as_u16();
    let headers = (response.headers().iter())
        .filter(|(name, _)| !HOP_BY_HOP.contains(&name.as_str()))
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or_default().to_string()))
        .collect();
    let Ok(body) = response.bytes().await else { return HttpResponse::BadGateway().finish() };
    let answer = Answer { status, headers, body };
    if is_page && status == 200 {
        *faults.last_page.lock().expect("lock") = Some(answer.clone());
    }
    let ending = if answer.body.len() > 1024 {
        let n = faults.answers.fetch_add(1, Ordering::Relaxed) + 1;
        let (cut, truncate) = (faults.cut_every.load(Ordering::Relaxed), faults.truncate_every.load(Ordering::Relaxed));
        if cut > 0 && n % cut == 0 {
            Ending::Cut
        } else if truncate > 0 && n % truncate == 0 {
            Ending::Truncated
        } else {
            Ending::Whole
        }
    } else {
        Ending::Whole
    };
    respond(answer, faults, ending).await
}

/// How an answer ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Whole,
    /// The connection dies halfway through the body.
    Cut,
    /// The body stops halfway, well framed.
    Truncated,
}

async fn respond(answer: Answer, faults: &Arc<Faults>, ending: Ending) -> HttpResponse {
    let mut response = HttpResponse::build(actix_web::http::StatusCode::from_u16(answer.status).expect("status"));
    for (name, value) in &answer.headers {
        response.append_header((name.as_str(), value.as_str()));
    }
    let full = answer.body.len();
    let sent = if ending == Ending::Whole { full } else { full / 2 };
    if ending == Ending::Cut {
        // The length is announced, the bytes never all come.
        response.no_chunking(full as u64);
    }
    let rate = faults.bytes_per_second.load(Ordering::Relaxed);
    let chunk = if rate > 0 { (rate / 8).max(512) as usize } else { 64 * 1024 };
    let body = answer.body.slice(..sent);
    let faults = Arc::clone(faults);
    let stream = futures_util::stream::unfold(0usize, move |at| {
        let (body, faults) = (body.clone(), Arc::clone(&faults));
        async move {
            if at == usize::MAX {
                return None;
            }
            if at >= body.len() {
                return match ending {
                    Ending::Cut => Some((Err(std::io::Error::other("the line was cut")), usize::MAX)),
                    _ => None,
                };
            }
            let end = (at + chunk).min(body.len());
            if rate > 0 {
                tokio::time::sleep(Duration::from_secs_f64((end - at) as f64 / rate as f64)).await;
            }
            faults.bytes_down.fetch_add((end - at) as u64, Ordering::Relaxed);
            Some((Ok::<_, std::io::Error>(body.slice(at..end)), end))
        }
    });
    response.streaming(stream)
}

/// The proxy's answers to a slow provincial line.
pub fn slow_line() -> Faults {
    let faults = Faults::default();
    faults.latency_ms.store(80, Ordering::Relaxed);
    faults.bytes_per_second.store(32_000, Ordering::Relaxed);
    faults
}
