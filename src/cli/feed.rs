//! `tieuchuan new-epoch`: starts a new epoch of the feed, as the connection standard asks after the
//! database is restored from a backup (the restored log may have lost entries followers saw).
//! `tieuchuan conformance URL`: checks a server that claims to implement the feed.

use std::process::ExitCode;

use crate::config::Settings;
use crate::db;
use crate::startup;

/// Starts the epoch and prints its name and first sequence number.
pub fn new_epoch(settings: &Settings) -> Result<ExitCode, String> {
    let pool = startup::open_database(settings).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| format!("cannot open the database: {e}"))?;
    let epoch = db::catalogue_transaction(&mut conn, crate::feed::log::start_epoch).map_err(|e| e.to_string())?;
    println!("epoch {} starts at entry {}", epoch.epoch, epoch.first_seq);
    Ok(ExitCode::SUCCESS)
}

/// Checks the server at `url` and prints each check; fails when any does.
pub fn conformance(url: &str) -> Result<ExitCode, String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let report = runtime.block_on(crate::conformance::run(url));
    for outcome in &report.outcomes {
        match &outcome.failure {
            None => println!("PASS  {}", outcome.name),
            Some(failure) => println!("FAIL  {}: {failure}", outcome.name),
        }
    }
    for note in &report.notes {
        println!("NOTE  {note}");
    }
    let failed = report.outcomes.iter().filter(|o| o.failure.is_some()).count();
    println!(
        "{} checks, {failed} failed: {url} {}",
        report.outcomes.len(),
        if failed == 0 { "conforms" } else { "does not conform" }
    );
    Ok(if report.passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
