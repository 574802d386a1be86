//! The rules of the service: what each operation does, independent of HTTP. Each use case is one
//! method of a service that holds the pool (`Accounts`, `Catalogue`, `Texts`, `Usage`,
//! `SearchService`): it opens its own units of work, and runs CPU-heavy work between them, never
//! while holding a connection.

pub mod accounts;
pub mod allowances;
pub mod catalogue;
pub mod change_feeds;
pub mod documents;
pub mod editing;
pub mod feed;
pub mod gate;
pub mod harvest;
pub mod import;
pub mod odata;
pub mod relevance;
pub mod search;
pub mod seed;
pub mod snapshots;
pub mod usage;

pub use crate::db::{DbConnection, DbPool};
use crate::error::AppError;

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
