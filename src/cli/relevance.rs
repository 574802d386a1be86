//! `tieuchuan eval`: the relevance harness on the configured catalogue, printed as a table.

use std::path::Path;
use std::process::ExitCode;

use crate::config::Settings;
use crate::search::{Abbreviations, SearchIndex};
use crate::services::relevance::{self, Figures};
use crate::services::seed;
use crate::startup;

/// Runs the judged queries of `path` through an index built from the database.
pub fn run(settings: &Settings, path: &Path, all: bool) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let queries = relevance::parse_judged(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let pool = startup::open_database(settings).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| format!("cannot open the database: {e}"))?;
    seed::seed_for(&mut conn, settings).map_err(|e| e.to_string())?;
    let abbreviations = Abbreviations::load(&settings.data_dir).map_err(|e| e.to_string())?;
    let index = SearchIndex::in_memory(&mut conn, abbreviations).map_err(|e| e.to_string())?;
    let report = relevance::evaluate(&index, &queries).map_err(|e| e.to_string())?;
    println!("{:<14} {:>7} {:>8} {:>8} {:>10}", "type", "queries", "nDCG@10", "MRR", "code-top1");
    let line = |name: &str, f: &Figures| {
        let top1 = f.code_top1.map_or("-".to_string(), |v| format!("{v:.3}"));
        println!("{name:<14} {:>7} {:>8.3} {:>8.3} {top1:>10}", f.queries, f.ndcg, f.mrr);
    };
    for (query_type, figures) in &report.by_type {
        line(query_type, figures);
    }
    line("overall", &report.overall);
    let shown: Vec<_> = report.outcomes.iter().filter(|o| all || o.ndcg < 0.999 || o.top1 == Some(false)).collect();
    if !shown.is_empty() {
        println!("\n{}:", if all { "queries" } else { "misses (nDCG@10 below 1)" });
    }
    for outcome in shown {
        let wanted: Vec<String> = outcome.query.rel.iter().map(|(c, g)| format!("{c}={g}")).collect();
        println!(
            "  {} [{}] {:?}: nDCG {:.3}, RR {:.3}\n      wanted {}\n      got    {}",
            outcome.query.id,
            outcome.query.query_type,
            outcome.query.q,
            outcome.ndcg,
            outcome.reciprocal_rank,
            wanted.join(", "),
            outcome.hits.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
