//! The follower: a thread that keeps the node's index on the change log (and switches to a
//! generation `tieuchuan reindex` built), so a change made anywhere is searchable within a second.

use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use super::SearchIndex;
use crate::db::DbPool;

/// How often the change log is read.
pub const FOLLOW_INTERVAL: Duration = Duration::from_millis(250);

/// Starts following; the thread ends when the index is dropped or its directory disappears.
pub fn spawn(index: &Arc<SearchIndex>, pool: DbPool) -> std::io::Result<JoinHandle<()>> {
    let index: Weak<SearchIndex> = Arc::downgrade(index);
    std::thread::Builder::new().name("index-follower".into()).spawn(move || {
        loop {
            std::thread::sleep(FOLLOW_INTERVAL);
            let Some(index) = index.upgrade() else { break };
            if !index.is_present() {
                break;
            }
            let outcome = pool
                .get()
                .map_err(|e| e.to_string())
                .and_then(|mut conn| index.follow(&mut conn).map_err(|e| e.to_string()));
            match outcome {
                Ok(0) => {}
                Ok(applied) => tracing::debug!(applied, "search index caught up"),
                Err(error) => tracing::warn!(%error, "search index could not follow the change log"),
            }
        }
    })
}
