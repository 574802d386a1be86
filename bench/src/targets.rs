//! The targets of the benchmark issue, each with what this run measured and whether it is met.

use std::fmt::Write as _;

use crate::run::Results;

/// Appends the targets table (large corpus, against its peers).
pub fn write(md: &mut String, r: &Results) {
    let Some(large) = r.sizes.last() else { return };
    let s = &large.service;
    let (one, many) = (&s.http[0], s.http.last().unwrap_or(&s.http[0]));
    let peer = |name: &str| large.peers.iter().find(|p| p.engine == name);
    let ndcg = |name: &str| r.relevance.iter().find(|row| row.engine == name).map(|row| row.ndcg);
    let mut rows: Vec<(String, String, bool)> = vec![
        ("p50 under 3 ms, 1 client, over HTTP".into(), format!("{:.3} ms", one.p50_ms), one.p50_ms < 3.0),
        ("p99 under 20 ms, 1 client, over HTTP".into(), format!("{:.3} ms", one.p99_ms), one.p99_ms < 20.0),
    ];
    for (name, times) in [("SQLite FTS5", 10.0), ("PostgreSQL FTS", 50.0)] {
        if let Some(p) = peer(name) {
            let theirs = p.load.last().map_or(0.0, |f| f.per_second);
            let ratio = many.per_second / theirs.max(1e-9);
            rows.push((
                format!("throughput ≥ {times}× {name} ({} clients)", many.concurrency),
                format!("{ratio:.1}×"),
                ratio >= times,
            ));
        }
        if let (Some(ours), Some(theirs)) = (ndcg("tieuchuan"), ndcg(name)) {
            rows.push((format!("nDCG@10 above {name}"), format!("{ours:.3} vs {theirs:.3}"), ours > theirs));
        }
    }
    if let [small, _] = r.sizes.as_slice() {
        let growth = one.p50_ms / small.service.http[0].p50_ms.max(1e-9);
        let docs = large.standards as f64 / small.standards.max(1) as f64;
        rows.push((
            format!("{docs:.1}× the documents costs under 3× the p50 latency"),
            format!("{growth:.2}×"),
            growth < 3.0,
        ));
    }
    let overhead = one.p50_ms / s.floor.p50_ms.max(1e-9) - 1.0;
    rows.push((
        "HTTP within 25% of the in-process floor (p50, 1 client)".into(),
        format!("{:+.0}% ({:.3} vs {:.3} ms)", overhead * 100.0, one.p50_ms, s.floor.p50_ms),
        overhead <= 0.25,
    ));
    let rss = s.serve_peak_rss as f64 / (1024.0 * 1024.0);
    rows.push(("peak RSS of the service under 1 GB".into(), format!("{rss:.0} MB"), rss < 1024.0));
    rows.push((
        "full reindex under 2 minutes".into(),
        format!("{:.1} s", s.reindex_seconds),
        s.reindex_seconds < 120.0,
    ));
    let _ = writeln!(md, "## Targets at {} standards\n", large.standards);
    let _ = writeln!(md, "| target | measured | met |\n|---|---:|:---:|");
    for (target, measured, met) in rows {
        let _ = writeln!(md, "| {target} | {measured} | {} |", if met { "yes" } else { "**no**" });
    }
    md.push('\n');
}
