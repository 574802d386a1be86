//! The rules of the service: what each operation does, independent of HTTP. Each use case is one
//! method of a service that holds the pool (`Accounts`, `Catalogue`, `Checks`, `Texts`, `Usage`,
//! `SearchService`): it opens its own units of work, and runs CPU-heavy work between them, never
//! while holding a connection.

pub mod accounts;
pub mod alert_thread;
pub mod allowances;
pub mod catalogue;
pub mod change_feeds;
pub mod checks;
pub mod documents;
pub mod editing;
pub mod feed;
pub mod gate;
pub mod harvest;
pub mod import;
pub mod mirror_links;
pub mod odata;
pub mod references;
pub mod relevance;
pub mod search;
pub mod seed;
pub mod snapshots;
pub mod usage;
pub mod watchlists;
pub mod webhooks;

pub use crate::db::{DbConnection, DbPool};
use crate::error::AppError;

/// Who may change the catalogue on this node: admins, and nobody when the node mirrors an upstream
/// (the upstream is the master; its changes arrive through the feed).
#[derive(Debug, Clone, Default)]
pub struct CatalogueWrites {
    mirror_of: Option<String>,
}

impl CatalogueWrites {
    /// Writes on a node that mirrors `upstream` (if any).
    pub fn new(mirror_of: Option<&str>) -> CatalogueWrites {
        CatalogueWrites { mirror_of: mirror_of.map(str::to_string) }
    }

    /// Allows a catalogue write by this caller, or says why not.
    pub fn allow(&self, caller: &crate::auth::Caller) -> Result<(), AppError> {
        self.refuse_on_mirror()?;
        crate::auth::policy::authorize(caller, crate::auth::policy::Action::EditCatalogue)
    }

    /// On a mirror nobody writes, whoever asks: the refusal names where to write instead.
    pub fn refuse_on_mirror(&self) -> Result<(), AppError> {
        match &self.mirror_of {
            None => Ok(()),
            Some(upstream) => Err(AppError::conflict(
                crate::error::ErrorCode::ReadOnlyMirror,
                format!("this node mirrors {upstream}: change the catalogue there, and the change will arrive here"),
            )),
        }
    }
}

/// Runs database work on the blocking pool with a pooled connection, never on an async worker.
/// The thread is marked as holding a connection while `work` runs (see `db::holding_connection`).
pub(crate) async fn with_connection<T, F>(pool: &DbPool, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        let _held = crate::db::pool::held();
        work(&mut conn)
    })
    .await?
}
