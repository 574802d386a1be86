//! The rules of the service: what each operation does, independent of HTTP.

pub mod accounts;
pub mod allowances;
pub mod catalogue;
pub mod documents;
pub mod editing;
pub mod import;
pub mod relevance;
pub mod search;
pub mod seed;
pub mod usage;

pub use crate::db::{DbConnection, DbPool};
use crate::error::AppError;

/// Runs database work on the blocking pool with a pooled connection, never on an async worker.
pub async fn with_connection<T, F>(pool: &DbPool, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
}
