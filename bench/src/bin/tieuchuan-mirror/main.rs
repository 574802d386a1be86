//! A provincial mirror's figures (`bench/mirror-figures`): a release mirror process started on its
//! own SQLite database behind a slow line (`line`: 256 kbit/s and 40 ms each way unless told) to a
//! running national instance, then measured: its bootstrap (time and bytes until the catalogue is
//! searchable, then until every public text is kept), 100 changes (bytes, and time until they are
//! searchable on the mirror), the lag under a steady stream of changes (p50, p99), and a search on
//! the mirror against the same search sent to the national instance over the line.

mod line;
mod probe;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::Value;

use line::Line;
use probe::Probe;

/// A mirror's figures against a running national instance.
#[derive(Debug, Parser)]
struct Args {
    /// The national instance, e.g. `http://127.0.0.1:18095`.
    #[arg(long)]
    national: String,
    /// The `tieuchuan` binary the mirror runs.
    #[arg(long)]
    binary: PathBuf,
    /// An empty directory for the mirror's data and log.
    #[arg(long)]
    work: PathBuf,
    /// An admin of the national instance (username:password), who makes the changes.
    #[arg(long)]
    admin: String,
    /// The gen-corpus directory the national instance imported (its queries are searched).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// The line's rate each way, in kbit/s.
    #[arg(long, default_value_t = 256)]
    kbit: u64,
    /// The line's delay each way, in milliseconds.
    #[arg(long, default_value_t = 40)]
    delay_ms: u64,
    /// The rate while the public texts are fetched, once the catalogue is searchable (the
    /// line's rate when not given).
    #[arg(long)]
    texts_kbit: Option<u64>,
    /// How long the texts may take before the figure reports what arrived.
    #[arg(long, default_value_t = 900)]
    texts_seconds: u64,
    /// How long the steady stream of changes lasts, and one change every how many milliseconds.
    #[arg(long, default_value_t = 60)]
    stream_seconds: u64,
    #[arg(long, default_value_t = 250)]
    stream_every_ms: u64,
    /// Searches compared (each sent three times to each side).
    #[arg(long, default_value_t = 40)]
    searches: usize,
}

/// The mirror process; killed when dropped.
struct MirrorProcess(Child);

impl Drop for MirrorProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_mirror(args: &Args, line: &Line, key: &str, port: u16) -> Result<MirrorProcess, String> {
    let log = std::fs::File::create(args.work.join("mirror.log")).map_err(|e| e.to_string())?;
    let child = Command::new(&args.binary)
        .arg("serve")
        .env_remove("DATABASE_URL")
        .env_remove("TIEUCHUAN_CONFIG")
        .env("TIEUCHUAN_DATA_DIR", args.work.join("mirror"))
        .env("TIEUCHUAN_LISTEN", format!("127.0.0.1:{port}"))
        .env("TIEUCHUAN_JWT_SECRET", "a benchmark-only CSRF secret of more than 32 bytes, mirror side")
        .env("TIEUCHUAN_UPSTREAM", &line.address)
        .env("TIEUCHUAN_UPSTREAM_PUBLIC_KEY", key)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("{}: {e}", args.binary.display()))?;
    Ok(MirrorProcess(child))
}

/// The national instance's feed key (`x` of its `feed-…` JWK).
fn feed_key(national: &Probe) -> Result<String, String> {
    let keys = national.json("/.well-known/jwks.json")?;
    let keys = keys["keys"].as_array().cloned().unwrap_or_default();
    let key = keys.iter().find(|k| k["kid"].as_str().is_some_and(|kid| kid.starts_with("feed-")));
    key.and_then(|k| k["x"].as_str()).map(str::to_string).ok_or_else(|| "the national instance has no feed key".into())
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// Waits until `done` holds, polling every 50 ms, up to `limit`.
fn until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) -> Result<Duration, String> {
    let started = Instant::now();
    while !done() {
        if started.elapsed() > limit {
            return Err(format!("{what}: not within {} s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(started.elapsed())
}

fn count_files(path: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(path) else { return 0 };
    entries
        .flatten()
        .map(|entry| if entry.file_type().is_ok_and(|t| t.is_dir()) { count_files(&entry.path()) } else { 1 })
        .sum()
}

/// The queries of a gen-corpus directory (its first `searches`), or a few real ones.
fn queries(dir: Option<&Path>, searches: usize) -> Result<Vec<String>, String> {
    let builtin = ["bê tông cốt thép", "QCVN 06:2022", "phòng cháy chữa cháy", "nuoc sach sinh hoat", "TCVN 5574"];
    let Some(dir) = dir else { return Ok(builtin.iter().map(|q| q.to_string()).collect()) };
    let text = std::fs::read_to_string(dir.join("queries.jsonl")).map_err(|e| format!("queries.jsonl: {e}"))?;
    let queries = text.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).collect::<Vec<_>>();
    Ok(queries.iter().filter_map(|q| q["q"].as_str().map(str::to_string)).take(searches).collect())
}

/// The public texts the national instance publishes by hash (its snapshot manifest lists them).
fn public_texts(national: &Probe) -> Result<usize, String> {
    let signed = national.json("/api/v1/snapshot")?;
    signed["manifest"]["texts"].as_array().map(Vec::len).ok_or_else(|| "the manifest lists no texts".into())
}

fn percentile(values: &[f64], share: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = ((sorted.len() as f64 - 1.0) * share).round() as usize;
    sorted.get(at).copied().unwrap_or(f64::NAN)
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// A steady stream of one change every `every` for `length`; the lag of each, from the
/// national instance's answer to the mirror finding it, in milliseconds.
fn stream(
    national: &Probe,
    mirror: &Probe,
    token: &str,
    length: Duration,
    every: Duration,
) -> Result<Vec<f64>, String> {
    let pending: Arc<Mutex<VecDeque<(String, Instant)>>> = Arc::default();
    let writer = {
        let (pending, national, token) = (Arc::clone(&pending), Probe::new(&national.base), token.to_string());
        std::thread::spawn(move || -> Result<usize, String> {
            let started = Instant::now();
            let mut written = 0;
            while started.elapsed() < length {
                let code = format!("TCVN {}:2026", 92_000 + written);
                national.import(&token, std::slice::from_ref(&code), "Dòng thay đổi đều đặn")?;
                pending.lock().unwrap_or_else(PoisonError::into_inner).push_back((code, Instant::now()));
                written += 1;
                std::thread::sleep(every);
            }
            Ok(written)
        })
    };
    let mut lags = Vec::new();
    loop {
        let front = pending.lock().unwrap_or_else(PoisonError::into_inner).front().cloned();
        match front {
            Some((code, written)) if mirror.finds(&code) => {
                lags.push(written.elapsed().as_secs_f64() * 1e3);
                pending.lock().unwrap_or_else(PoisonError::into_inner).pop_front();
            }
            Some((code, written)) if written.elapsed() > Duration::from_secs(300) => {
                return Err(format!("{code} never reached the mirror"));
            }
            None if writer.is_finished() => break,
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let written = writer.join().map_err(|_| "the writer panicked".to_string())??;
    if written != lags.len() {
        return Err(format!("{written} changes written, {} seen on the mirror", lags.len()));
    }
    Ok(lags)
}

/// Each query three times on each side: milliseconds on the mirror, and on the national instance
/// over the line.
fn searches(mirror: &Probe, over_line: &Probe, queries: &[String]) -> Result<(Vec<f64>, Vec<f64>), String> {
    let (mut local, mut remote) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        for query in queries {
            let path = format!("/api/v1/search?q={}", probe::encode(query));
            for (side, times) in [(mirror, &mut local), (over_line, &mut remote)] {
                let started = Instant::now();
                let (status, _) = side.get(&path)?;
                if status != 200 {
                    return Err(format!("{}{path}: {status}", side.base));
                }
                times.push(started.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    Ok((local, remote))
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    let national = Probe::new(&args.national);
    let (public_texts, queries) = (public_texts(&national)?, queries(args.corpus.as_deref(), args.searches)?);
    let head = national.head()?;
    let standards = national.readiness().and_then(|r| r["standards"].as_i64()).ok_or("the national is not ready")?;
    let upstream = args.national.trim_start_matches("http://").trim_end_matches('/').to_string();
    let line = Line::start(&upstream, args.kbit * 1000, Duration::from_millis(args.delay_ms))?;
    let port = free_port()?;
    let mirror = Probe::new(&format!("http://127.0.0.1:{port}"));
    let started = Instant::now();
    let _process = start_mirror(&args, &line, &feed_key(&national)?, port)?;

    // Bootstrap: the catalogue searchable, then every public text kept.
    until(Duration::from_secs(7200), "the mirror's catalogue", || {
        mirror.readiness().is_some_and(|r| {
            r["mirror"]["seq"].as_i64() >= Some(head) && r["standards"] == standards && r["index_lag"] == 0
        })
    })?;
    let searchable = started.elapsed();
    let searchable_bytes = line.bytes();
    if let Some(kbit) = args.texts_kbit {
        line.set_rate(kbit * 1000);
    }
    let blobs = args.work.join("mirror/blobs");
    let texts_started = Instant::now();
    let texts_limit = Duration::from_secs(args.texts_seconds);
    let _ = until(texts_limit, "the public texts", || count_files(&blobs) >= public_texts);
    let (kept, texts_time, texts_bytes) = (count_files(&blobs), texts_started.elapsed(), line.bytes());
    line.set_rate(args.kbit * 1000);
    // The bodies kept go into the mirror's index before anything else is measured.
    until(Duration::from_secs(1800), "the mirror's index of the texts", || {
        mirror.readiness().is_some_and(|r| r["index_lag"] == 0)
    })?;

    // 100 changes.
    let token = national.sign_in(&args.admin)?;
    let codes: Vec<String> = (0..100).map(|i| format!("TCVN {}:2026", 91_000 + i)).collect();
    let before = line.bytes();
    national.import(&token, &codes, "Thay đổi đo bản sao")?;
    let changed = Instant::now();
    until(Duration::from_secs(600), "100 changes on the mirror", || {
        mirror.finds(&codes[99]) && mirror.finds(&codes[0])
    })?;
    let (changes_time, changes_bytes) = (changed.elapsed(), line.bytes() - before);

    // A steady stream, then the searches.
    let every = Duration::from_millis(args.stream_every_ms);
    let lags = stream(&national, &mirror, &token, Duration::from_secs(args.stream_seconds), every)?;
    let over_line = Probe::new(&line.address);
    let (local, remote) = searches(&mirror, &over_line, &queries)?;

    let rate = format!("{} kbit/s, {} ms each way", args.kbit, args.delay_ms);
    println!("| figure ({rate}) | value |\n|---|---:|");
    println!("| records (the national head: seq {head}) | {standards} |");
    println!(
        "| bootstrap: catalogue searchable on the mirror | {}, {:.2} MB over the line |",
        seconds(searchable),
        searchable_bytes as f64 / 1e6
    );
    let texts_rate = args.texts_kbit.map_or(String::new(), |k| format!(" (the line at {k} kbit/s for them)"));
    println!(
        "| bootstrap: public texts kept{texts_rate} | {kept} of {public_texts} in {} more, {:.2} MB over the line in all |",
        seconds(texts_time),
        texts_bytes as f64 / 1e6
    );
    println!(
        "| 100 changes: searchable on the mirror | {} after the national commit, {changes_bytes} bytes over the line |",
        seconds(changes_time)
    );
    println!(
        "| lag under a change every {} ms for {} s ({} changes) | p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms |",
        args.stream_every_ms,
        args.stream_seconds,
        lags.len(),
        percentile(&lags, 0.5),
        percentile(&lags, 0.99),
        percentile(&lags, 1.0)
    );
    println!(
        "| search ({} queries, 3 rounds): on the mirror | median {:.1} ms, p90 {:.1} ms |",
        queries.len(),
        percentile(&local, 0.5),
        percentile(&local, 0.9)
    );
    println!(
        "| the same search at the national instance over the line | median {:.0} ms, p90 {:.0} ms |",
        percentile(&remote, 0.5),
        percentile(&remote, 0.9)
    );
    Ok(())
}
