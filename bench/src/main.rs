//! `tieuchuan-bench`: writes the synthetic corpus, measures the service (import, index build,
//! cold start, search over HTTP and in process) and its peers (SQLite FTS5, PostgreSQL full-text
//! search) on the same documents and queries at two sizes, scores all three with the judged
//! queries, and writes `bench/RESULTS.md`, `bench/results.json` and `bench/results.svg`.

mod chart;
mod engines;
mod load;
mod process;
mod report;
mod run;
mod targets;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Benchmarks tieuchuan against SQLite FTS5 and PostgreSQL full-text search (loopback only).
#[derive(Debug, Clone, Parser)]
pub struct Args {
    /// Synthetic standards in the large corpus (the 371 real ones come on top).
    #[arg(long, default_value_t = 20_000)]
    pub docs: usize,
    /// The small corpus has a `scale`-th of the large one's standards, real ones included (0: none).
    #[arg(long, default_value_t = 10)]
    pub scale: usize,
    /// The corpus seed: the same seed writes the same corpus.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Scratch space for corpora, data directories and peer databases.
    #[arg(long, default_value = "bench/work")]
    pub work: PathBuf,
    /// Where RESULTS.md, results.json and results.svg go.
    #[arg(long, default_value = "bench")]
    pub out: PathBuf,
    /// The release binary of the service.
    #[arg(long, default_value = "target/release/tieuchuan")]
    pub binary: PathBuf,
    /// A PostgreSQL URL whose role may create databases (the peers get databases of their own).
    #[arg(long, env = "BENCH_POSTGRES_URL", default_value = "postgresql:///postgres?host=/var/run/postgresql")]
    pub postgres: String,
    /// Each load phase runs the whole query set at least once and for at least this long.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Judged queries for the relevance figures.
    #[arg(long, default_value = "../shared/eval/dev-queries.jsonl")]
    pub judged: PathBuf,
    /// Measure the service only.
    #[arg(long)]
    pub no_peers: bool,
    /// Only search, in process and then over HTTP per query type, on the data directory and
    /// queries an earlier run left in `work` (for profiling: run it under `perf record`).
    #[arg(long)]
    pub floor_only: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run::all(&args) {
        Ok(path) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
