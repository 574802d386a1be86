//! `tieuchuan new-epoch`: starts a new epoch of the feed, as the connection standard asks after the
//! database is restored from a backup (the restored log may have lost entries followers saw).

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
