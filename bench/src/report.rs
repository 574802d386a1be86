//! The report: `RESULTS.md` (machine, date, tables, ratios to each peer, targets met or missed),
//! `results.json` (every figure), and `results.svg` (throughput and latency by engine).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::run::{Results, SizeRun};

const MB: f64 = 1024.0 * 1024.0;

/// The CPU, cores, memory and kernel of this machine.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map_or("unknown CPU", |m| m.trim_start_matches([' ', '\t', ':']).trim());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{model}, {cores} cores available, {memory:.0} GiB memory, Linux {}", kernel.trim())
}

/// Writes the three files; returns the path of `RESULTS.md`.
pub fn write(out: &Path, results: &Results) -> Result<PathBuf, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let json = serde_json::to_string_pretty(results).map_err(|e| e.to_string())?;
    std::fs::write(out.join("results.json"), json).map_err(|e| e.to_string())?;
    std::fs::write(out.join("results.svg"), crate::chart::svg(results)).map_err(|e| e.to_string())?;
    let path = out.join("RESULTS.md");
    std::fs::write(&path, markdown(results)).map_err(|e| e.to_string())?;
    Ok(path)
}

fn markdown(r: &Results) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmark results\n");
    let _ = writeln!(md, "Written by `bench/run` (`{}`) on {}.\n", r.command, r.date);
    let _ = writeln!(md, "- Machine: {}", r.machine);
    let _ = writeln!(md, "- Everything on loopback; the service is the release build; peers run in the same run.");
    let _ = writeln!(
        md,
        "- Corpus: `tieuchuan gen-corpus` (the 371 real records + synthetic standards whose titles recombine real \
         titles and whose ~30 KB bodies are runs of the real QCVN 06:2022/BXD text); queries: the corpus's \
         `queries.jsonl` (codes, code fragments, title words with and without diacritics, body phrases, typos).\n"
    );
    let _ = writeln!(md, "![throughput and latency](results.svg)\n");
    let _ = writeln!(md, "Where the time goes, and what was changed because of it: [PROFILE.md](PROFILE.md).\n");
    for size in &r.sizes {
        size_section(&mut md, size);
    }
    if let Some(large) = r.sizes.last() {
        ratios(&mut md, large);
    }
    if let [small, large] = r.sizes.as_slice() {
        scaling(&mut md, small, large);
    }
    let _ = writeln!(md, "## Relevance on the real catalogue (`../shared/eval/dev-queries.jsonl`)\n");
    let _ = writeln!(md, "| engine | nDCG@10 | MRR | code-top1 | by type (nDCG@10) |\n|---|---:|---:|---:|---|");
    for row in &r.relevance {
        let types: Vec<String> = row.by_type.iter().map(|(t, v)| format!("{t} {:.3}", v + 0.0)).collect();
        let top1 = row.code_top1.map_or("-".into(), |v| format!("{v:.3}"));
        let _ = writeln!(md, "| {} | {:.3} | {:.3} | {top1} | {} |", row.engine, row.ndcg, row.mrr, types.join(", "));
    }
    md.push('\n');
    crate::targets::write(&mut md, r);
    md.push_str(PEERS);
    md
}

fn size_section(md: &mut String, size: &SizeRun) {
    let s = &size.service;
    let _ = writeln!(
        md,
        "## {} standards, {:.0} MB of text, {} queries\n",
        size.standards,
        size.text_bytes as f64 / MB,
        size.queries
    );
    let _ = writeln!(md, "| service | figure |\n|---|---:|");
    let rows = [
        ("import (`tieuchuan import`, texts included)", format!("{:.1} s", s.import_seconds)),
        ("full index build (`tieuchuan reindex`)", format!("{:.1} s", s.reindex_seconds)),
        ("index size", format!("{:.0} MB", s.index_bytes as f64 / MB)),
        ("database size", format!("{:.0} MB", s.database_bytes as f64 / MB)),
        ("cold start to ready (`/readyz`)", format!("{:.2} s", s.ready_seconds)),
        (
            "peak RSS: import / reindex / serving",
            format!(
                "{:.0} / {:.0} / {:.0} MB",
                s.import_peak_rss as f64 / MB,
                s.reindex_peak_rss as f64 / MB,
                s.serve_peak_rss as f64 / MB
            ),
        ),
    ];
    for (name, value) in rows {
        let _ = writeln!(md, "| {name} | {value} |");
    }
    let _ = writeln!(
        md,
        "\n| engine | clients | p50 ms | p95 ms | p99 ms | queries/s | queries | no hit | load / build | size |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let line = |md: &mut String, name: &str, f: &crate::load::LoadFigures, build: &str| {
        let _ = writeln!(
            md,
            "| {name} | {} | {:.3} | {:.3} | {:.3} | {:.1} | {} | {:.0}% | {build} |",
            f.concurrency,
            f.p50_ms,
            f.p95_ms,
            f.p99_ms,
            f.per_second,
            f.queries,
            100.0 * f.empty as f64 / f.queries.max(1) as f64
        );
    };
    line(md, "tieuchuan in process (floor)", &s.floor, " | ");
    for f in &s.http {
        let build = format!("{:.1} s | {:.0} MB", s.import_seconds + s.reindex_seconds, s.index_bytes as f64 / MB);
        line(md, "tieuchuan over HTTP", f, &build);
    }
    for peer in &size.peers {
        for f in &peer.load {
            let build = format!("{:.1} s | {:.0} MB", peer.build.seconds, peer.build.bytes as f64 / MB);
            line(md, &peer.engine, f, &build);
        }
    }
    md.push('\n');
}

fn ratios(md: &mut String, large: &SizeRun) {
    let _ = writeln!(md, "## Ratios at {} standards (tieuchuan over HTTP ÷ peer)\n", large.standards);
    let _ = writeln!(md, "| peer | clients | throughput × | p50 faster × | p99 faster × |\n|---|---:|---:|---:|---:|");
    for peer in &large.peers {
        for (ours, theirs) in large.service.http.iter().zip(&peer.load) {
            let _ = writeln!(
                md,
                "| {} | {} | {:.1} | {:.1} | {:.1} |",
                peer.engine,
                ours.concurrency,
                ours.per_second / theirs.per_second.max(1e-9),
                theirs.p50_ms / ours.p50_ms.max(1e-9),
                theirs.p99_ms / ours.p99_ms.max(1e-9)
            );
        }
    }
    let (floor, http) = (&large.service.floor, &large.service.http[0]);
    let _ = writeln!(
        md,
        "\nHTTP adds {:.3} ms to the in-process p50 of {:.3} ms ({:+.0}%).\n",
        http.p50_ms - floor.p50_ms,
        floor.p50_ms,
        100.0 * (http.p50_ms / floor.p50_ms.max(1e-9) - 1.0)
    );
}

fn scaling(md: &mut String, small: &SizeRun, large: &SizeRun) {
    let factor = large.standards as f64 / small.standards.max(1) as f64;
    let _ = writeln!(md, "## Scaling: {} → {} standards (×{factor:.1})\n", small.standards, large.standards);
    let _ = writeln!(md, "| engine | clients | p50 × | p99 × | throughput ÷ |\n|---|---:|---:|---:|---:|");
    let mut rows = vec![("tieuchuan over HTTP".to_string(), &small.service.http, &large.service.http)];
    for (a, b) in small.peers.iter().zip(&large.peers) {
        rows.push((a.engine.clone(), &a.load, &b.load));
    }
    for (engine, before, after) in rows {
        for (a, b) in before.iter().zip(after.iter()) {
            let _ = writeln!(
                md,
                "| {engine} | {} | {:.2} | {:.2} | {:.2} |",
                a.concurrency,
                b.p50_ms / a.p50_ms.max(1e-9),
                b.p99_ms / a.p99_ms.max(1e-9),
                a.per_second / b.per_second.max(1e-9)
            );
        }
    }
    md.push('\n');
}

const PEERS: &str = "## How the peers are set up\n
- **SQLite FTS5** (the bundled SQLite of `libsqlite3-sys`): one `fts5(code, title, body, tokenize = 'unicode61 \
remove_diacritics 2')` table; the query's words (letters and digits) each quoted and all required; \
`ORDER BY bm25(docs, 10.0, 5.0, 1.0)` (code, title, body); `snippet()` of the body; 10 hits. One connection per client.
- **PostgreSQL 15 FTS**: `unaccent` behind an immutable wrapper, the `simple` configuration, a stored generated \
`tsvector` (code and title weight A, body weight D) with a GIN index; `websearch_to_tsquery`, `ts_rank_cd`, \
`ts_headline` of the (unaccented) body for the 10 hits. One connection per client.
- **tieuchuan**: `GET /api/v1/search?q=…&per_page=10` (highlighted titles and body snippets with their section, \
facets, totals), one keep-alive connection per client; the floor is the same search called in process.
";
