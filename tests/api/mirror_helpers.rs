//! A provincial mirror as a real process for the tests: a second `tieuchuan serve` with
//! `upstream` set (and, when given, its credential), on its own database; killed when dropped.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use serde_json::Value;

use crate::helpers::{TestApp, TestDatabase, free_port, serve_command};
use tieuchuan::feed::record::catalogue_digest;

/// A mirror process on its own database; killed when dropped.
pub struct Mirror {
    child: Child,
    pub db: TestDatabase,
    port: u16,
    upstream: String,
    key: String,
    credential: Option<String>,
}

/// `tieuchuan serve` on `db`, mirroring `upstream`, whose feed key is `key`, with a credential.
fn spawn_mirror(db: &TestDatabase, port: u16, upstream: &str, key: &str, credential: Option<&str>) -> Child {
    let mut command = serve_command(db, &db.dir.path().join("data"), port);
    if let Some(credential) = credential {
        command.env("TIEUCHUAN_UPSTREAM_CREDENTIAL", credential);
    }
    command
        .env("TIEUCHUAN_UPSTREAM", upstream)
        .env("TIEUCHUAN_UPSTREAM_PUBLIC_KEY", key)
        .stdout(Stdio::null())
        .stderr(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(db.dir.path().join("mirror.log"))
                .map_or_else(|_| Stdio::null(), Stdio::from),
        )
        .spawn()
        .expect("the mirror starts")
}

impl Mirror {
    /// A mirror of `upstream` without a credential (public texts only).
    pub async fn start(upstream: &TestApp) -> Mirror {
        Mirror::start_with(upstream, None).await
    }

    /// A mirror of `upstream` with the credential `credential`.
    pub async fn start_with(upstream: &TestApp, credential: Option<&str>) -> Mirror {
        Mirror::start_via(upstream, &upstream.address, credential).await
    }

    /// A mirror of `upstream` that reaches it at `via` (a proxy in front of it).
    pub async fn start_via(upstream: &TestApp, via: &str, credential: Option<&str>) -> Mirror {
        let keys: Value = upstream
            .client
            .get(format!("{}/.well-known/jwks.json", upstream.address))
            .send()
            .await
            .expect("jwks")
            .json()
            .await
            .expect("json");
        let feed_key = keys["keys"]
            .as_array()
            .and_then(|keys| keys.iter().find(|k| k["kid"].as_str().is_some_and(|kid| kid.starts_with("feed-"))));
        let key = feed_key.and_then(|k| k["x"].as_str()).expect("a feed key").to_string();
        let (db, port) = (TestDatabase::new(), free_port());
        let child = spawn_mirror(&db, port, via, &key, credential);
        let credential = credential.map(str::to_string);
        Mirror { child, db, port, upstream: via.to_string(), key, credential }
    }

    fn spawn(&self) -> Child {
        spawn_mirror(&self.db, self.port, &self.upstream, &self.key, self.credential.as_deref())
    }

    /// What the mirror logged (warnings and errors), for a failing test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.db.dir.path().join("mirror.log")).unwrap_or_default()
    }

    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGKILL, as a power cut would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn restart(&mut self) {
        self.kill();
        self.child = self.spawn();
    }

    pub async fn readiness(&self) -> Option<Value> {
        let response = reqwest::get(format!("{}/readyz", self.address())).await.ok()?;
        response.json().await.ok()
    }

    /// Waits until the mirror has applied the upstream's head and indexed it; returns its readiness.
    pub async fn caught_up(&self, upstream: &TestApp) -> Value {
        let started = Instant::now();
        loop {
            let head = tieuchuan::db::change_log::latest_seq(&mut upstream.db.connect()).expect("head");
            // Caught up means holding the upstream's head and having indexed it for search.
            if let Some(ready) = self.readiness().await
                && ready["mirror"]["seq"].as_i64() == Some(head)
                && ready["index_lag"].as_i64() == Some(0)
            {
                return ready;
            }
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "the mirror did not catch up: {:?}",
                self.readiness().await
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub fn digest(&self) -> String {
        catalogue_digest(&mut self.db.connect()).expect("the mirror's digest")
    }

    /// How many times the mirror applied each upstream entry after its snapshot.
    pub fn applications(&self) -> Vec<(String, i64)> {
        #[derive(diesel::QueryableByName)]
        struct Applied {
            #[diesel(sql_type = diesel::sql_types::Text)]
            summary: String,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            times: i64,
        }
        let rows: Vec<Applied> = diesel::sql_query(
            "SELECT summary, COUNT(*) AS times FROM change_log WHERE summary LIKE '% entry %' GROUP BY summary",
        )
        .load(&mut *self.db.connect())
        .expect("the mirror's log");
        rows.into_iter().map(|row| (row.summary, row.times)).collect()
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        self.kill();
    }
}

pub async fn import(app: &TestApp, admin: &str, csv: String) {
    assert_eq!(crate::feed::import_csv(app, admin, csv).await, 200);
}

pub fn upstream_digest(app: &TestApp) -> String {
    catalogue_digest(&mut app.db.connect()).expect("the upstream's digest")
}
