//! The alerts' thread: the followers of the change log that run alongside the server, each with
//! its own stored cursor and lease (several nodes share them; one at a time advances each):
//! notifications (and, as their holder, the mail that is due) and webhook deliveries (and, as
//! their holder, sending what is due).

use chrono::Utc;

use crate::db::{DbConnection, change_cursors};
use crate::error::AppError;
use crate::services::watchlists::engine;
use crate::services::watchlists::mail::Mailer;
use crate::services::webhooks;

/// Creates the cursors of notifications and webhooks at the change log's head if they are new (at
/// start, before the node serves, so that no change made once it serves is missed).
pub fn start_cursors(conn: &mut DbConnection) -> Result<(), AppError> {
    let now = Utc::now().naive_utc();
    change_cursors::ensure(conn, engine::CURSOR, now)?;
    Ok(change_cursors::ensure(conn, webhooks::CURSOR, now)?)
}

/// How often the engine looks for new entries.
const INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);

/// Starts the engine on a thread of its own, as `node` (a name kept across restarts): it follows
/// the change log as long as `alive` has an owner (the running server), writing notifications and
/// queueing webhook deliveries; as the holder of each lease it mails what is due and sends the
/// webhooks' deliveries.
pub fn spawn(
    pool: crate::db::DbPool,
    node: String,
    mailer: Option<Mailer>,
    alive: std::sync::Weak<()>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("alerts".into()).spawn(move || {
        // Built on this thread: the blocking client runs a runtime of its own.
        let client = match reqwest::blocking::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
        {
            Ok(client) => client,
            Err(error) => {
                tracing::error!(%error, "alerts: no HTTP client for webhooks; the alerts thread stops");
                return;
            }
        };
        // After a failed mail, the next try waits a while (the server may be down).
        let mut mail_after = std::time::Instant::now();
        while alive.upgrade().is_some() {
            std::thread::sleep(INTERVAL);
            let mut conn = match pool.get() {
                Ok(conn) => conn,
                Err(error) => {
                    tracing::debug!(%error, "alerts: no connection");
                    continue;
                }
            };
            if notify_all(&mut conn, &node)
                && let Some(mailer) = &mailer
                && std::time::Instant::now() >= mail_after
                && let Err(error) = mailer.send_due(&mut conn, Utc::now().naive_utc())
            {
                tracing::warn!(%error, "alerts: mail not sent; it is tried again in 30 s");
                mail_after = std::time::Instant::now() + std::time::Duration::from_secs(30);
            }
            if queue_all(&mut conn, &node)
                && let Err(error) = webhooks::deliver_due(&mut conn, &client)
            {
                tracing::warn!(%error, "webhooks: deliveries not sent; they are tried again");
            }
        }
    })
}

/// Writes the notifications of every new entry; whether this node holds the lease.
fn notify_all(conn: &mut DbConnection, node: &str) -> bool {
    loop {
        match engine::step(conn, node) {
            Ok(done) if done.entries as i64 == engine::BATCH => continue,
            Ok(done) => {
                if done.notifications > 0 {
                    tracing::info!(entries = done.entries, notifications = done.notifications, "alerts written");
                }
                return !done.waiting;
            }
            Err(error) => {
                tracing::warn!(%error, "alerts: the change log could not be followed");
                return false;
            }
        }
    }
}

/// Queues the webhook deliveries of every new entry; whether this node holds the lease.
fn queue_all(conn: &mut DbConnection, node: &str) -> bool {
    loop {
        match webhooks::enqueue_step(conn, node) {
            Ok(Some(handled)) if handled as i64 == webhooks::BATCH => continue,
            Ok(Some(_)) => return true,
            Ok(None) => return false,
            Err(error) => {
                tracing::warn!(%error, "webhooks: the change log could not be followed");
                return false;
            }
        }
    }
}
