//! The mixed load test (`bench/load-mix`): many clients at once doing what officials do (search,
//! standard pages, reading a restricted text, stamped PDFs, signing in), for a fixed time against a
//! running service; then the same with attackers hammering sign-in from ever-new addresses (so that
//! only the CPU gate, not the per-address limit, stands between them and the cores). Prints, for
//! each run, the answers by status class, search p50/p99, and the service's RSS before and after.
//!
//! The service must trust 127.0.0.1 as a proxy (`TIEUCHUAN_TRUSTED_PROXIES=127.0.0.1`): each
//! client names its own address in `X-Forwarded-For`, as clients behind nginx do.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};

/// The mixed load test of a running service.
#[derive(Debug, Parser)]
struct Args {
    /// The service, e.g. `http://127.0.0.1:18090`.
    #[arg(long)]
    base: String,
    /// The service's process id, for its resident memory.
    #[arg(long)]
    pid: u32,
    /// An admin account (username:password) that creates the officials and uploads the texts.
    #[arg(long)]
    admin: String,
    /// Clients of the mix.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Attackers hammering sign-in in the second run.
    #[arg(long, default_value_t = 16)]
    attackers: usize,
    /// Seconds each run lasts.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// A Markdown text to upload as the restricted text the clients read.
    #[arg(long)]
    text: String,
}

const PASSWORD: &str = "mật khẩu đo tải của cán bộ 2026";
const QUERIES: [&str; 8] = [
    "QCVN 06:2022/BXD",
    "an toàn cháy cho nhà và công trình",
    "tcvn 5574",
    "bê tông cốt thép",
    "nuoc thai cong nghiep",
    "qcvn 01 2021 bxd",
    "phòng cháy chữa cháy",
    "kết cấu thép",
];

/// One kind of request of the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Search,
    Page,
    Read,
    Download,
    SignIn,
}

/// What one run saw.
#[derive(Default)]
struct Tally {
    statuses: BTreeMap<(Kind, u16), u64>,
    search_ms: Vec<f64>,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn body_of(response: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let mut response = response;
    let text = response.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn post_json(
    agent: &ureq::Agent,
    url: &str,
    from: &str,
    token: Option<&str>,
    body: &Value,
) -> Result<(u16, Value), String> {
    let mut request = agent.post(url).header("content-type", "application/json").header("x-forwarded-for", from);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request.send(body.to_string()).map(body_of).map_err(|e| format!("{url}: {e}"))
}

fn sign_in(agent: &ureq::Agent, base: &str, from: &str, username: &str, password: &str) -> Result<String, String> {
    let (status, body) = post_json(
        agent,
        &format!("{base}/api/v1/auth/login"),
        from,
        None,
        &json!({"username": username, "password": password}),
    )?;
    body["access_token"].as_str().map(str::to_string).ok_or(format!("sign-in of {username}: {status} {body}"))
}

/// A one-page PDF, small and valid, for the stamped downloads.
fn small_pdf() -> Vec<u8> {
    let content = b"BT /F1 12 Tf 72 720 Td (Quy chuan thu tai) Tj ET";
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", content.len()).into_bytes(), content.to_vec(), b"\nendstream".to_vec()].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (number, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", number + 1).into_bytes());
        out.extend(object);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).into_bytes(),
    );
    out
}

/// Uploads a text as `registered` and returns its id.
fn upload(
    agent: &ureq::Agent,
    base: &str,
    token: &str,
    reference: &str,
    name: &str,
    bytes: &[u8],
) -> Result<i64, String> {
    let boundary = "tieuchuanloadboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"access_level\"\r\n\r\nregistered\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let response = agent
        .post(format!("{base}/api/v1/standards/{reference}/documents"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .send(&body[..])
        .map_err(|e| e.to_string())?;
    let (status, view) = body_of(response);
    view["id"].as_i64().ok_or(format!("upload to {reference}: {status} {view}"))
}

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// Where the mix's requests go.
struct Targets {
    base: String,
    read: String,
    pdf: String,
}

/// One client of the mix: a fixed share of each kind of request until `stop`.
fn client(n: usize, targets: &Targets, token: &str, stop: &AtomicBool, tally: &Mutex<Tally>) {
    let agent = agent();
    let from = format!("10.{}.{}.{}", n / 65_536, (n / 256) % 256, n % 256);
    let username = format!("load.official.{n}");
    let mut mine = Tally::default();
    let mut i = n;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        // Of every hundred requests: one sign-in, two stamped PDFs, fifteen reads of a section,
        // twenty standard pages, the rest searches.
        let kind = match i % 100 {
            0 => Kind::SignIn,
            1 | 2 => Kind::Download,
            3..=17 => Kind::Read,
            18..=37 => Kind::Page,
            _ => Kind::Search,
        };
        let started = Instant::now();
        let answer = match kind {
            Kind::Search => agent
                .get(format!("{}/api/v1/search", targets.base))
                .query("q", QUERIES[i % QUERIES.len()])
                .header("x-forwarded-for", &from)
                .call(),
            Kind::Page => agent
                .get(format!("{}/tieu-chuan/qcvn-06-2022-bxd", targets.base))
                .header("x-forwarded-for", &from)
                .call(),
            Kind::Read => agent
                .get(&targets.read)
                .header("authorization", format!("Bearer {token}"))
                .header("x-forwarded-for", &from)
                .call(),
            Kind::Download => agent
                .get(&targets.pdf)
                .header("authorization", format!("Bearer {token}"))
                .header("x-forwarded-for", &from)
                .call(),
            Kind::SignIn => agent
                .post(format!("{}/api/v1/auth/login", targets.base))
                .header("content-type", "application/json")
                .header("x-forwarded-for", &from)
                .send(json!({"username": username, "password": PASSWORD}).to_string()),
        };
        let status = match answer {
            Ok(mut response) => {
                let _ = response.body_mut().read_to_vec();
                response.status().as_u16()
            }
            Err(_) => 0,
        };
        if kind == Kind::Search {
            mine.search_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        *mine.statuses.entry((kind, status)).or_insert(0) += 1;
    }
    if let Ok(mut all) = tally.lock() {
        for (key, count) in mine.statuses {
            *all.statuses.entry(key).or_insert(0) += count;
        }
        all.search_ms.extend(mine.search_ms);
    }
}

/// An attacker: guesses passwords of made-up accounts, each guess from a new address.
fn attacker(n: usize, base: &str, stop: &AtomicBool, guesses: &AtomicU64) {
    let agent = agent();
    let mut i: u64 = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let from = format!("172.{}.{}.{}", 16 + n % 16, (i / 256) % 256, i % 256);
        let body = json!({"username": format!("guess.{n}.{i}"), "password": format!("đoán thử {i}")});
        let _ = post_json(&agent, &format!("{base}/api/v1/auth/login"), &from, None, &body);
        guesses.fetch_add(1, Ordering::Relaxed);
    }
}

fn run(args: &Args, targets: &Targets, tokens: &[String], attackers: usize) -> String {
    let stop = AtomicBool::new(false);
    let tally = Mutex::new(Tally::default());
    let guesses = AtomicU64::new(0);
    let rss_before = rss_kb(args.pid);
    std::thread::scope(|scope| {
        for (n, token) in tokens.iter().enumerate() {
            let (stop, tally) = (&stop, &tally);
            scope.spawn(move || client(n, targets, token, stop, tally));
        }
        for n in 0..attackers {
            let (stop, guesses, base) = (&stop, &guesses, targets.base.as_str());
            scope.spawn(move || attacker(n, base, stop, guesses));
        }
        std::thread::sleep(Duration::from_secs(args.seconds));
        stop.store(true, Ordering::Relaxed);
    });
    let rss_after = rss_kb(args.pid);
    let mut tally = tally.into_inner().unwrap_or_default();
    tally.search_ms.sort_by(f64::total_cmp);
    let at = |p: f64| {
        tally.search_ms.get(((tally.search_ms.len().saturating_sub(1)) as f64 * p) as usize).copied().unwrap_or(0.0)
    };
    let server_errors: u64 = tally.statuses.iter().filter(|((_, s), _)| *s >= 500 || *s == 0).map(|(_, c)| c).sum();
    let mut lines = vec![format!(
        "{} clients{}, {} s: search p50 {:.1} ms, p99 {:.1} ms ({} searches); 5xx or no answer: {server_errors}; RSS {rss_before} kB before, {rss_after} kB after",
        tokens.len(),
        if attackers > 0 {
            format!(" + {attackers} attackers ({} sign-in guesses)", guesses.load(Ordering::Relaxed))
        } else {
            String::new()
        },
        args.seconds,
        at(0.5),
        at(0.99),
        tally.search_ms.len(),
    )];
    for ((kind, status), count) in &tally.statuses {
        lines.push(format!("    {kind:?} {status}: {count}"));
    }
    lines.join("\n")
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    let base = args.base.trim_end_matches('/').to_string();
    let setup = agent();
    let (admin_name, admin_password) = args.admin.split_once(':').ok_or("--admin is username:password")?;
    let admin = sign_in(&setup, &base, "10.255.255.254", admin_name, admin_password)?;
    let text = std::fs::read(&args.text).map_err(|e| format!("{}: {e}", args.text))?;
    let read_id = upload(&setup, &base, &admin, "qcvn-06-2022-bxd", "qcvn-06.md", &text)?;
    let pdf_id = upload(&setup, &base, &admin, "tcvn-5574-2018", "tcvn-5574.pdf", &small_pdf())?;
    let targets = Targets {
        read: format!("{base}/api/v1/standards/qcvn-06-2022-bxd/documents/{read_id}/text?section=1"),
        pdf: format!("{base}/api/v1/standards/tcvn-5574-2018/documents/{pdf_id}/pdf"),
        base: base.clone(),
    };
    let mut tokens = Vec::new();
    for n in 0..args.clients {
        let username = format!("load.official.{n}");
        let account = json!({"username": username, "password": PASSWORD, "full_name": format!("Cán bộ đo tải {n}"),
            "email": format!("load{n}@example.vn"), "province": "ha-tinh", "unit": "UBND xã Cẩm Xuyên", "role": "official"});
        let (status, body) =
            post_json(&setup, &format!("{base}/api/v1/users"), "10.255.255.254", Some(&admin), &account)?;
        if status != 201 && status != 409 {
            return Err(format!("creating {username}: {status} {body}"));
        }
        tokens.push(sign_in(&setup, &base, &format!("10.254.{}.{}", n / 256, n % 256), &username, PASSWORD)?);
    }
    println!("{}", run(&args, &targets, &tokens, 0));
    println!("{}", run(&args, &targets, &tokens, args.attackers));
    Ok(())
}
