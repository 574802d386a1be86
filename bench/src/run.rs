//! The run, phase by phase, printing figures as they come: per corpus size the service, then the
//! peers on the same documents and queries; then relevance on the real catalogue.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use tieuchuan::corpus::BenchQuery;
use tieuchuan::services::relevance::{self, RelevanceReport};

use crate::Args;
use crate::engines::fts5::Fts5;
use crate::engines::postgres::Postgres;
use crate::engines::service::{HttpClient, InProcess, open_index, relevance as service_relevance};
use crate::engines::{self, BuildFigures};
use crate::load::{self, Budget, Client, LoadFigures};
use crate::process::{Subject, tree_size};

/// Concurrency levels every engine is driven at.
pub const CLIENTS: [usize; 2] = [1, 32];

/// Everything measured.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub date: String,
    pub machine: String,
    pub command: String,
    pub sizes: Vec<SizeRun>,
    pub relevance: Vec<RelevanceRow>,
}

/// One corpus size.
#[derive(Debug, Clone, Serialize)]
pub struct SizeRun {
    pub standards: usize,
    pub text_bytes: u64,
    pub queries: usize,
    pub service: ServiceRun,
    pub peers: Vec<PeerRun>,
}

/// The service's figures at one size.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceRun {
    pub import_seconds: f64,
    pub import_peak_rss: u64,
    pub reindex_seconds: f64,
    pub reindex_peak_rss: u64,
    pub index_bytes: u64,
    pub database_bytes: u64,
    pub ready_seconds: f64,
    pub serve_peak_rss: u64,
    pub floor: LoadFigures,
    pub http: Vec<LoadFigures>,
}

/// A peer's figures at one size.
#[derive(Debug, Clone, Serialize)]
pub struct PeerRun {
    pub engine: String,
    pub build: BuildFigures,
    pub load: Vec<LoadFigures>,
}

/// Relevance of one engine on the real catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct RelevanceRow {
    pub engine: String,
    pub ndcg: f64,
    pub mrr: f64,
    pub code_top1: Option<f64>,
    pub by_type: BTreeMap<String, f64>,
}

impl RelevanceRow {
    fn of(engine: &str, report: &RelevanceReport) -> RelevanceRow {
        println!("  relevance {engine}: nDCG@10 {:.3}, MRR {:.3}", report.overall.ndcg, report.overall.mrr);
        RelevanceRow {
            engine: engine.into(),
            ndcg: report.overall.ndcg,
            mrr: report.overall.mrr,
            code_top1: report.overall.code_top1,
            by_type: report.by_type.iter().map(|(t, f)| (t.clone(), f.ndcg)).collect(),
        }
    }
}

/// Runs everything and writes the report; returns the report's path.
pub fn all(args: &Args) -> Result<PathBuf, String> {
    if args.floor_only {
        return profile(args);
    }
    std::fs::create_dir_all(&args.work).map_err(|e| format!("{}: {e}", args.work.display()))?;
    let binary = std::fs::canonicalize(&args.binary)
        .map_err(|e| format!("{}: {e} (build it: cargo build --release)", args.binary.display()))?;
    let mut sizes = Vec::new();
    // The small corpus holds a `scale`-th of the large one's standards, the real ones included.
    let real = engines::real_catalogue()?.len();
    let small = (args.docs + real).checked_div(args.scale).map_or(0, |n| n.saturating_sub(real));
    if small > 0 {
        sizes.push(one_size(args, &binary, small)?);
    }
    sizes.push(one_size(args, &binary, args.docs)?);
    let relevance = relevance_rows(args)?;
    let results = Results {
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        machine: crate::report::machine(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        sizes,
        relevance,
    };
    crate::report::write(&args.out, &results)
}

/// `--floor-only`: the query set in process, then per query type in process and over HTTP, on the
/// data directory and corpus an earlier run left in `work`.
fn profile(args: &Args) -> Result<PathBuf, String> {
    let corpus = args.work.join(format!("corpus-{}", args.docs));
    let data_dir = args.work.join(format!("data-{}", args.docs));
    let queries = read_queries(&corpus)?;
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for query in &queries {
        by_type.entry(query.query_type.clone()).or_default().push(query.q.clone());
    }
    let all: Vec<String> = queries.into_iter().map(|q| q.q).collect();
    let index = open_index(&data_dir)?;
    measured("in process", &all, 1, budget(args), &|| InProcess::boxed(&index))?;
    let short = Budget { min_duration: Duration::from_secs(1), max_rounds: 50 };
    for (kind, queries) in &by_type {
        measured(kind, queries, 1, short, &|| InProcess::boxed(&index))?;
    }
    drop(index);
    let subject = Subject { binary: std::fs::canonicalize(&args.binary).map_err(|e| e.to_string())?, data_dir };
    let (server, _) = subject.serve(free_port()?)?;
    for (kind, queries) in &by_type {
        measured(&format!("HTTP {kind}"), queries, 1, short, &|| HttpClient::boxed(&server.base))?;
    }
    server.stop()?;
    Ok(args.work.clone())
}

/// A loopback port nothing listens on.
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).map_err(|e| e.to_string())
}

fn budget(args: &Args) -> Budget {
    Budget { min_duration: Duration::from_secs_f64(args.seconds), max_rounds: 200 }
}

fn one_size(args: &Args, binary: &Path, docs: usize) -> Result<SizeRun, String> {
    let corpus = args.work.join(format!("corpus-{docs}"));
    let data_dir = args.work.join(format!("data-{docs}"));
    let _ = std::fs::remove_dir_all(&data_dir);
    let subject = Subject { binary: binary.to_path_buf(), data_dir: data_dir.clone() };
    let corpus_arg = corpus.display().to_string();
    let (docs_arg, seed_arg) = (docs.to_string(), args.seed.to_string());
    subject.run(&["gen-corpus", "--docs", &docs_arg, "--seed", &seed_arg, "--out", &corpus_arg])?;
    let queries: Vec<String> = read_queries(&corpus)?.into_iter().map(|q| q.q).collect();
    let catalogue = corpus.join("catalogue.jsonl").display().to_string();
    println!("corpus of {docs} synthetic standards (+ the real ones), {} queries", queries.len());
    let import = subject.run(&["import", &catalogue])?;
    println!("  import {:.1} s, peak RSS {} MB", import.wall.as_secs_f64(), import.peak_rss >> 20);
    let reindex = subject.run(&["reindex"])?;
    println!("  reindex {:.1} s, peak RSS {} MB", reindex.wall.as_secs_f64(), reindex.peak_rss >> 20);
    let index = open_index(&data_dir)?;
    let standards = usize::try_from(index.stats().map_err(|e| e.to_string())?.0).unwrap_or(0);
    let floor = measured("in process", &queries, 1, budget(args), &|| InProcess::boxed(&index))?;
    drop(index);
    let (server, ready) = subject.serve(free_port()?)?;
    println!("  ready {:.2} s after start", ready.as_secs_f64());
    let mut http = Vec::new();
    for clients in CLIENTS {
        http.push(measured("HTTP", &queries, clients, budget(args), &|| HttpClient::boxed(&server.base))?);
    }
    let serve_peak_rss = server.stop()?;
    println!("  service peak RSS {} MB", serve_peak_rss >> 20);
    let service = ServiceRun {
        import_seconds: import.wall.as_secs_f64(),
        import_peak_rss: import.peak_rss,
        reindex_seconds: reindex.wall.as_secs_f64(),
        reindex_peak_rss: reindex.peak_rss,
        index_bytes: tree_size(&data_dir.join("index")),
        database_bytes: tree_size(&data_dir.join("tieuchuan.db")),
        ready_seconds: ready.as_secs_f64(),
        serve_peak_rss,
        floor,
        http,
    };
    let peers = if args.no_peers { Vec::new() } else { peers(args, &corpus, docs, &queries)? };
    Ok(SizeRun { standards, text_bytes: tree_size(&corpus.join("texts")), queries: queries.len(), service, peers })
}

fn peers(args: &Args, corpus: &Path, docs: usize, queries: &[String]) -> Result<Vec<PeerRun>, String> {
    let mut fill = |each: &mut dyn FnMut(engines::Doc) -> Result<(), String>| engines::read_corpus(corpus, each);
    let (fts5, build) = Fts5::build(&args.work.join(format!("fts5-{docs}.db")), &mut fill)?;
    println!("  SQLite FTS5 loaded in {:.1} s, {} MB", build.seconds, build.bytes >> 20);
    let mut runs = vec![peer_run("SQLite FTS5", build, queries, args, &|| fts5.client())?];
    let (postgres, build) = Postgres::build(&args.postgres, &format!("bench_fts_{docs}"), &mut fill)?;
    println!("  PostgreSQL FTS loaded in {:.1} s, {} MB", build.seconds, build.bytes >> 20);
    runs.push(peer_run("PostgreSQL FTS", build, queries, args, &|| postgres.client())?);
    Ok(runs)
}

fn peer_run(
    engine: &str,
    build: BuildFigures,
    queries: &[String],
    args: &Args,
    client: &(dyn Fn() -> Result<Box<dyn Client>, String> + Sync),
) -> Result<PeerRun, String> {
    let mut runs = Vec::new();
    for clients in CLIENTS {
        runs.push(measured(engine, queries, clients, budget(args), client)?);
    }
    Ok(PeerRun { engine: engine.into(), build, load: runs })
}

/// A warm-up pass over the first queries, then the measured phase.
fn measured(
    name: &str,
    queries: &[String],
    clients: usize,
    budget: Budget,
    client: &(dyn Fn() -> Result<Box<dyn Client>, String> + Sync),
) -> Result<LoadFigures, String> {
    let warm_up = Budget { min_duration: Duration::ZERO, max_rounds: 1 };
    load::run(&queries[..queries.len().min(20)], 1, warm_up, client)?;
    let figures = load::run(queries, clients, budget, client)?;
    println!(
        "  {name:<15} {clients:>2} client(s): p50 {:>8.3} ms  p95 {:>8.3}  p99 {:>8.3}  {:>8.1} q/s  ({} queries)",
        figures.p50_ms, figures.p95_ms, figures.p99_ms, figures.per_second, figures.queries
    );
    Ok(figures)
}

/// The query set `gen-corpus` wrote beside the corpus.
fn read_queries(corpus: &Path) -> Result<Vec<BenchQuery>, String> {
    let path = corpus.join("queries.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<BenchQuery>(l).map_err(|e| format!("{}: {e}", path.display())))
        .collect()
}

fn relevance_rows(args: &Args) -> Result<Vec<RelevanceRow>, String> {
    let text = std::fs::read_to_string(&args.judged).map_err(|e| format!("{}: {e}", args.judged.display()))?;
    let judged = relevance::parse_judged(&text)?;
    println!("relevance on the real catalogue, {} judged queries", judged.len());
    let dir = args.work.join("relevance");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut rows = vec![RelevanceRow::of("tieuchuan", &service_relevance(&dir, &judged)?)];
    if args.no_peers {
        return Ok(rows);
    }
    let real = engines::real_catalogue()?;
    let mut fill = |each: &mut dyn FnMut(engines::Doc) -> Result<(), String>| {
        real.iter().cloned().try_for_each(&mut *each).map(|()| real.len())
    };
    let (fts5, _) = Fts5::build(&dir.join("fts5.db"), &mut fill)?;
    let report = relevance::evaluate_with(&judged, |q| fts5.ranked_codes(q, 10))?;
    rows.push(RelevanceRow::of("SQLite FTS5", &report));
    let (postgres, _) = Postgres::build(&args.postgres, "bench_fts_real", &mut fill)?;
    let report = relevance::evaluate_with(&judged, |q| postgres.ranked_codes(q, 10))?;
    rows.push(RelevanceRow::of("PostgreSQL FTS", &report));
    Ok(rows)
}
