//! The mirror's accounts: every 15 seconds it fetches its upstream's key set (so that it verifies
//! the access tokens the upstream issues) and the accounts of its province, and keeps them. An
//! account counts as confirmed only while the last good fetch is under a minute old, so that a
//! suspension made at the upstream takes effect here within a minute even when the line is down:
//! past that, the mirror's officials read public texts only, until the upstream answers again.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{NaiveDateTime, Utc};

use super::link::{LinkError, UpstreamLink};
use crate::auth::tokens::TokenKeys;
use crate::db::{DbPool, replica_accounts, write_transaction};
use crate::error::AppError;
use crate::services::with_connection;

/// How often the mirror asks.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(15);
/// How old the last good fetch may be for the mirror to vouch for an account.
pub const CONFIRMATION_SECONDS: i64 = 60;

/// When the mirror last heard its upstream's accounts.
#[derive(Debug, Default)]
pub struct AccountSync {
    /// Unix seconds of the last good fetch; 0 for never.
    confirmed_at: AtomicI64,
}

impl AccountSync {
    /// Whether the accounts were confirmed lately enough at `now`.
    pub fn confirmed(&self, now: NaiveDateTime) -> bool {
        let at = self.confirmed_at.load(Ordering::Relaxed);
        at > 0 && now.and_utc().timestamp() - at <= CONFIRMATION_SECONDS
    }

    fn mark(&self, now: NaiveDateTime) {
        self.confirmed_at.store(now.and_utc().timestamp(), Ordering::Relaxed);
    }
}

/// The mirror side of accounts: its link, its keys and when it last heard.
pub struct MirrorAccounts {
    pub link: Arc<UpstreamLink>,
    pub sync: Arc<AccountSync>,
    keys: Arc<TokenKeys>,
    pool: DbPool,
}

impl MirrorAccounts {
    pub fn new(link: Arc<UpstreamLink>, keys: Arc<TokenKeys>, pool: DbPool) -> MirrorAccounts {
        MirrorAccounts { link, sync: Arc::new(AccountSync::default()), keys, pool }
    }

    /// Fetches the key set and the accounts once and keeps them; returns how many accounts
    /// changed.
    pub async fn sync_once(&self) -> Result<usize, SyncError> {
        let keys = self.link.key_set().await?;
        if self.keys.trust(&keys.keys) == 0 {
            tracing::warn!("the upstream publishes no token key: its officials cannot sign in here");
        }
        let listed = self.link.accounts().await?;
        let changed = with_connection(&self.pool, move |conn| {
            write_transaction(conn, |conn| Ok::<_, AppError>(replica_accounts::replace(conn, &listed.accounts)?))
        })
        .await
        .map_err(|e| SyncError::Database(format!("{e:?}")))?;
        self.sync.mark(Utc::now().naive_utc());
        Ok(changed)
    }

    /// Keeps the accounts in step, for as long as the process lives.
    pub fn spawn(self: &Arc<Self>) {
        let this = Arc::clone(self);
        actix_web::rt::spawn(async move {
            let mut failing = false;
            loop {
                match this.sync_once().await {
                    Ok(changed) => {
                        if failing || changed > 0 {
                            tracing::info!(changed, "the mirror's accounts are in step with the upstream");
                        }
                        failing = false;
                    }
                    Err(error) => {
                        if !failing {
                            tracing::warn!(%error, "the mirror cannot fetch its accounts; restricted reading stops within a minute");
                        }
                        failing = true;
                    }
                }
                tokio::time::sleep(SYNC_INTERVAL).await;
            }
        });
    }
}

/// Why a fetch of the accounts failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error("the mirror's database: {0}")]
    Database(String),
}
