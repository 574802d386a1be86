//! The command line: `serve` (the default), `migrate`, `import`, `reindex`, `new-epoch`,
//! `create-admin`, `conformance`, `eval`, `gen-corpus`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Settings;
use crate::corpus::{self, CorpusSpec};
use crate::search;
use crate::services::documents::TextStorage;
use crate::services::import::{self, FileFormat, ImportOptions, ImportReport};
use crate::startup::{self, Application};
use crate::telemetry;

mod admin;
mod feed;
mod relevance;

/// The national library of Vietnamese standards and technical regulations.
#[derive(Debug, Parser)]
#[command(name = "tieuchuan", version, about)]
pub struct Cli {
    /// TOML config file (default: ./tieuchuan.toml when present). Environment variables win.
    #[arg(long, env = "TIEUCHUAN_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (also what a bare `tieuchuan` does).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Import catalogue files (JSON Lines or CSV), each in one transaction.
    Import {
        /// Files to import: `.jsonl`, `.ndjson`, `.json` (JSON Lines) or `.csv`.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Report what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows of a file that has invalid ones.
        #[arg(long)]
        skip_invalid: bool,
        /// The files hold sourced corrections of catalogued records (`code`, `source`,
        /// `confidence`, `status`, `status_note`, `replaced_by`, `fields`), not records.
        #[arg(long)]
        corrections: bool,
    },
    /// Rebuild the search index from the database; a running service switches to it.
    Reindex,
    /// Start a new epoch of the feed (after restoring the database from a backup): followers
    /// start again from a snapshot or from the new epoch's first entry.
    NewEpoch,
    /// Create an admin account (password from TIEUCHUAN_ADMIN_PASSWORD or a prompt); idempotent.
    CreateAdmin {
        username: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        full_name: Option<String>,
    },
    /// Write a deterministic synthetic corpus for benchmarks: the real records plus N standards
    /// with ~30 KB bodies drawn from the real QCVN 06 text, and a mixed query set.
    GenCorpus {
        /// Synthetic standards besides the real ones.
        #[arg(long, default_value_t = 20_000)]
        docs: usize,
        /// The same seed writes the same corpus.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write `catalogue.jsonl`, `texts/` and `queries.jsonl`.
        #[arg(long, default_value = "bench/corpus")]
        out: PathBuf,
        /// Size of each body, in bytes.
        #[arg(long, default_value_t = 30_000)]
        body_bytes: usize,
        /// Queries in the query set.
        #[arg(long, default_value_t = 200)]
        queries: usize,
    },
    /// Check a server that claims to implement the connection standard's feed (this one or a
    /// provincial re-publisher): ordering, gaps, chain, signatures, snapshot, caching.
    Conformance {
        /// The server's address (`https://tieuchuan.gov.vn`).
        url: String,
    },
    /// Run judged queries through search and print nDCG@10, MRR and code-top1.
    Eval {
        /// JSON Lines of judged queries (`../shared/eval/dev-queries.jsonl`).
        path: PathBuf,
        /// Print every query, not only the misses.
        #[arg(long)]
        all: bool,
    },
}

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log_format);
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => startup::open_database(&settings).map(|_| ExitCode::SUCCESS).map_err(|e| e.to_string()),
        Command::Import { paths, dry_run, skip_invalid, corrections } => {
            let options = ImportOptions { dry_run, skip_invalid, ..ImportOptions::default() };
            if corrections {
                correct_files(&settings, &paths, &options)
            } else {
                import_files(&settings, &paths, options)
            }
        }
        Command::Reindex => reindex(&settings),
        Command::NewEpoch => feed::new_epoch(&settings),
        Command::GenCorpus { docs, seed, out, body_bytes, queries } => {
            gen_corpus(&CorpusSpec { docs, seed, body_bytes, queries }, &out)
        }
        Command::Eval { path, all } => relevance::run(&settings, &path, all),
        Command::Conformance { url } => feed::conformance(&url),
        Command::CreateAdmin { username, email, full_name } => {
            admin::create_admin(&settings, &username, email, full_name)
        }
    };
    outcome.unwrap_or_else(|error| {
        eprintln!("error: {error}");
        ExitCode::FAILURE
    })
}

fn serve(settings: Settings) -> Result<ExitCode, String> {
    actix_web::rt::System::new().block_on(async move {
        let application = Application::build(settings).await.map_err(|e| e.to_string())?;
        tracing::info!(port = application.port(), "tieuchuan is serving");
        application.run_until_stopped().await.map_err(|e| e.to_string())?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

fn reindex(settings: &Settings) -> Result<ExitCode, String> {
    let pool = startup::open_database(settings).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| format!("cannot open the database: {e}"))?;
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("indexing [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let documents = search::indexer::rebuild(&settings.data_dir, &mut conn, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    println!(
        "reindexed {documents} standards in {:.1} s; a running service switches to the new index",
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn gen_corpus(spec: &CorpusSpec, out: &Path) -> Result<ExitCode, String> {
    let bar = ProgressBar::new(spec.docs as u64).with_style(
        ProgressStyle::with_template("writing [{bar:40}] {pos}/{len}").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let summary = corpus::generate(spec, out, &mut || bar.inc(1)).map_err(|e| format!("{}: {e}", out.display()))?;
    bar.finish_and_clear();
    println!(
        "{}: {} standards ({} with texts, {:.1} MB of text), {} queries, in {:.1} s",
        out.display(),
        summary.records,
        summary.texts,
        summary.text_bytes as f64 / 1e6,
        summary.queries,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn import_files(settings: &Settings, paths: &[PathBuf], options: ImportOptions) -> Result<ExitCode, String> {
    if let Some(upstream) = settings.mirror_of() {
        return Err(format!("this node mirrors {upstream}: import there, and the change will arrive here"));
    }
    let pool = startup::open_database(settings).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| format!("cannot open the database: {e}"))?;
    let texts = TextStorage::from_settings(settings);
    let mut all_applied = true;
    for path in paths {
        let format = FileFormat::from_path(path)
            .ok_or_else(|| format!("{}: unknown file type (use .jsonl, .ndjson, .json or .csv)", path.display()))?;
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| format!("{}: not UTF-8 text ({e})", path.display()))?;
        let rows = import::read_rows(&text, format).map_err(|e| format!("{}: {e}", path.display()))?;
        let bar = ProgressBar::new(rows.len() as u64).with_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(path.display().to_string());
        let base_dir = path.parent().map(Path::to_path_buf);
        let options = ImportOptions { texts: Some(texts.import_source(base_dir)), ..options.clone() };
        let report =
            import::import_rows(&mut conn, rows, options.clone(), &mut || bar.inc(1)).map_err(|e| e.to_string())?;
        bar.finish_and_clear();
        all_applied &= print_report(&path.display().to_string(), &report, &options);
    }
    Ok(if all_applied { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn correct_files(settings: &Settings, paths: &[PathBuf], options: &ImportOptions) -> Result<ExitCode, String> {
    if let Some(upstream) = settings.mirror_of() {
        return Err(format!("this node mirrors {upstream}: correct records there, and the change will arrive here"));
    }
    let pool = startup::open_database(settings).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| format!("cannot open the database: {e}"))?;
    let mut all_applied = true;
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let report = import::corrections::apply_text(&mut conn, &text, options)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        all_applied &= print_report(&path.display().to_string(), &report, options);
    }
    Ok(if all_applied { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Prints the errors and the summary of one file; returns whether the file went in (or would).
fn print_report(name: &str, report: &ImportReport, options: &ImportOptions) -> bool {
    for error in &report.invalid {
        eprintln!("{name}:{}: {}", error.line, error.reason);
    }
    let rejected = !report.invalid.is_empty() && !options.skip_invalid;
    if rejected {
        println!(
            "{name}: rejected, nothing imported: {} of {} rows are invalid (fix them, or pass --skip-invalid)",
            report.invalid.len(),
            report.rows
        );
        return false;
    }
    let verb = if report.dry_run { "would import" } else { "imported" };
    println!(
        "{name}: {verb} {} rows: {} created, {} updated, {} unchanged, {} invalid skipped, {} others marked replaced, \
         {} texts attached",
        report.rows,
        report.created,
        report.updated,
        report.unchanged,
        report.invalid.len(),
        report.derived_replaced,
        report.texts_added
    );
    if !report.has_changes() {
        println!("{name}: nothing to change: the catalogue already holds these records");
    } else if report.dry_run {
        println!("{name}: dry run: nothing was written");
    }
    true
}
