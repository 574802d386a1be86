//! Search latency on the real catalogue, in process and over HTTP (loopback), with the judged
//! queries plus typos and empty listings. Run: `cargo run --release --example search_latency`.
//! Prints medians and tail latencies; nothing is asserted.

use std::time::{Duration, Instant};

use tieuchuan::config::Settings;
use tieuchuan::db::{self, DatabaseUrl};
use tieuchuan::search::{Abbreviations, SearchIndex, SearchRequest};
use tieuchuan::services::{relevance, seed};
use tieuchuan::startup::Application;

const ROUNDS: usize = 20;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn report(name: &str, mut samples: Vec<Duration>, wall: Duration) {
    samples.sort();
    println!(
        "{name:<34} n={:<5} p50 {:>7.3} ms  p95 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms  {:>7.0} q/s",
        samples.len(),
        percentile(&samples, 0.50),
        percentile(&samples, 0.95),
        percentile(&samples, 0.99),
        percentile(&samples, 1.0),
        samples.len() as f64 / wall.as_secs_f64()
    );
}

/// The judged queries (path as first argument, default `../shared/eval/dev-queries.jsonl`),
/// plus typos, bare kinds and the empty listing.
fn queries() -> Vec<String> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "../shared/eval/dev-queries.jsonl".into());
    let judged = std::fs::read_to_string(&path).unwrap_or_default();
    let mut queries: Vec<String> =
        relevance::parse_judged(&judged).unwrap_or_default().into_iter().map(|q| q.q).collect();
    queries
        .extend(["be tong cot thepp", "nuoc thai", "", "QCVN", "tcvn 5574", "phong chay chua chay"].map(String::from));
    queries
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = DatabaseUrl::Sqlite(dir.path().join("bench.db"));
    let pool = db::build_pool(&url, 2).expect("pool");
    let mut conn = pool.get().expect("connection");
    db::run_migrations(&mut conn).expect("migrations");
    let settings =
        tieuchuan::config::Settings { data_dir: dir.path().to_path_buf(), ..tieuchuan::config::Settings::default() };
    seed::seed_for(&mut conn, &settings).expect("seed");
    let index =
        SearchIndex::in_memory(&mut conn, Abbreviations::load(dir.path()).expect("abbreviations")).expect("index");
    let queries = queries();
    println!(
        "{} queries x {ROUNDS} rounds on the {}-standard real catalogue",
        queries.len(),
        index.stats().expect("stats").0
    );

    let mut samples = Vec::new();
    let wall = Instant::now();
    for _ in 0..ROUNDS {
        for query in &queries {
            let request = SearchRequest { query: query.clone(), page: 1, per_page: 20, ..SearchRequest::default() };
            let started = Instant::now();
            index.search(&request).expect("search");
            samples.push(started.elapsed());
        }
    }
    report("search, in process (floor)", samples, wall.elapsed());

    let mut samples = Vec::new();
    let wall = Instant::now();
    for _ in 0..ROUNDS {
        for query in &queries {
            // Every keystroke of the query, as search-as-you-type sends them.
            for end in query.char_indices().map(|(i, c)| i + c.len_utf8()) {
                let started = Instant::now();
                index.suggest(&query[..end], 8).expect("suggest");
                samples.push(started.elapsed());
            }
        }
    }
    report("suggest per keystroke, in process", samples, wall.elapsed());

    let settings = Settings {
        listen: "127.0.0.1:0".into(),
        data_dir: dir.path().join("data"),
        database_url: Some(dir.path().join("bench.db").display().to_string()),
        log_format: "text".into(),
        ..Settings::default()
    };
    let application = Application::build(settings).await.expect("the service starts");
    let base = format!("http://127.0.0.1:{}/api/v1/search?per_page=20&q=", application.port());
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::new();
    let encode = |q: &str| q.bytes().map(|b| format!("%{b:02X}")).collect::<String>();
    for concurrency in [1usize, 8] {
        let wall = Instant::now();
        let mut tasks = Vec::new();
        for worker in 0..concurrency {
            let (client, base, queries) = (client.clone(), base.clone(), queries.clone());
            tasks.push(tokio::spawn(async move {
                let mut samples = Vec::new();
                for _round in (worker..ROUNDS.max(concurrency)).step_by(concurrency) {
                    for query in &queries {
                        let started = Instant::now();
                        let response = client.get(format!("{base}{}", encode(query))).send().await.expect("request");
                        assert!(response.status().is_success(), "{query}: {}", response.status());
                        response.bytes().await.expect("body");
                        samples.push(started.elapsed());
                    }
                }
                samples
            }));
        }
        let mut samples = Vec::new();
        for task in tasks {
            samples.extend(task.await.expect("worker"));
        }
        report(&format!("search over HTTP, {concurrency} client(s)"), samples, wall.elapsed());
    }
}
