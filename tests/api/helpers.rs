//! Test harness: a fresh database per test (a SQLite file, or a PostgreSQL database when
//! `TEST_DATABASE_URL` is set) and the real application on a real port.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::r2d2::PooledConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};
use tempfile::TempDir;
use tieuchuan::config::Settings;
use tieuchuan::db::pool::DatabaseManager;
use tieuchuan::db::{self, DatabaseUrl};
use tieuchuan::startup::Application;

static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

/// A database that exists for one test and is dropped after it.
pub struct TestDatabase {
    pub url: String,
    postgres_admin: Option<(String, String)>,
    pub dir: TempDir,
}

impl TestDatabase {
    /// A new, empty database on the backend the test run targets.
    pub fn new() -> TestDatabase {
        TestDatabase::named(&next_name())
    }

    /// A database holding what the service seeds at first start (the real catalogue, its texts,
    /// corrections and removals), with its search index: a copy of this run's template.
    pub fn seeded() -> TestDatabase {
        let template = crate::template::template();
        let dir = tempfile::tempdir().expect("a temporary directory");
        crate::template::copy_files(template, dir.path());
        match &template.postgres_admin {
            None => TestDatabase { url: dir.path().join("test.db").display().to_string(), postgres_admin: None, dir },
            Some((admin_url, template_name)) => {
                let name = next_name();
                let url = create_postgres(admin_url, &name, Some(template_name));
                TestDatabase { url, postgres_admin: Some((admin_url.clone(), name)), dir }
            }
        }
    }

    /// A new, empty database of this name (PostgreSQL) or in a new directory (SQLite).
    pub fn named(name: &str) -> TestDatabase {
        let dir = tempfile::tempdir().expect("a temporary directory");
        match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.trim().is_empty()) {
            None => {
                let url = dir.path().join("test.db").display().to_string();
                TestDatabase { url, postgres_admin: None, dir }
            }
            Some(admin_url) => {
                let url = create_postgres(&admin_url, name, None);
                TestDatabase { url, postgres_admin: Some((admin_url, name.to_string())), dir }
            }
        }
    }

    /// A direct connection (schema migrated), for assertions below the API.
    pub fn connect(&self) -> PooledConnection<DatabaseManager> {
        let pool = db::build_pool(&DatabaseUrl::parse(&self.url), 1).expect("pool");
        let mut conn = pool.get().expect("connection");
        db::run_migrations(&mut conn).expect("migrations");
        conn
    }

    /// Settings pointing at this database, listening on a free port.
    pub fn settings(&self) -> Settings {
        Settings {
            listen: "127.0.0.1:0".to_string(),
            data_dir: self.dir.path().join("data"),
            database_url: Some(self.url.clone()),
            jwt_secret: Some(crate::accounts_helpers::TEST_SECRET.into()),
            feed_signing_key: Some(crate::accounts_helpers::TEST_FEED_SEED.into()),
            ..Settings::default()
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres_admin
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
        }
    }
}

/// A database name no other test of this process uses.
fn next_name() -> String {
    format!("tieuchuan_test_{}_{}", std::process::id(), NEXT_DATABASE.fetch_add(1, Ordering::SeqCst))
}

/// Creates (again) a PostgreSQL database, empty or a copy of a template; returns its URL.
fn create_postgres(admin_url: &str, name: &str, template: Option<&str>) -> String {
    let mut admin = PgConnection::establish(admin_url).expect("TEST_DATABASE_URL must reach PostgreSQL");
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).expect("drop");
    let copy = template.map(|t| format!(" TEMPLATE {t}")).unwrap_or_default();
    diesel::sql_query(format!("CREATE DATABASE {name}{copy}")).execute(&mut admin).expect("create database");
    with_database_name(admin_url, name)
}

/// Replaces the database name of a PostgreSQL URL (`.../postgres?host=...` → `.../NAME?host=...`).
fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// The running application and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDatabase,
}

impl TestApp {
    /// `GET` a path and return the status and the JSON body.
    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.client.get(format!("{}{path}", self.address)).send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let json =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path} answered {status} with non-JSON: {text}"));
        (status, json)
    }

    /// `GET` a standard by reference (URL-encoded here).
    pub async fn get_standard(&self, reference: &str) -> (u16, serde_json::Value) {
        self.get_json(&format!("/api/v1/standards/{}", encode(reference))).await
    }
}

/// Percent-encodes everything but unreserved characters.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Starts the application on a fresh database with the seed catalogue.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(TestDatabase::seeded(), |_| {}).await
}

/// Starts the application on the given database, after adjusting its settings.
pub async fn spawn_app_on(db: TestDatabase, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = db.settings();
    adjust(&mut settings);
    let application = Application::build(settings).await.expect("the application starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    TestApp { address, client: test_client(), db }
}

/// A client that lets an idle connection go well before the server's keep-alive (15 s) closes it,
/// so that a request is never sent on a connection the server is closing at that moment.
pub fn test_client() -> reqwest::Client {
    reqwest::Client::builder().pool_idle_timeout(std::time::Duration::from_secs(5)).build().expect("the test client")
}

/// A free port on loopback, for a process the test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// `tieuchuan serve` on the test database, with its data in `data_dir` and listening on `port`
/// (the test secret, warnings only, no configuration file); the caller adds what its node is.
pub fn serve_command(db: &TestDatabase, data_dir: &std::path::Path, port: u16) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tieuchuan"));
    command
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("TIEUCHUAN_DATA_DIR", data_dir)
        .env("TIEUCHUAN_LISTEN", format!("127.0.0.1:{port}"))
        .env("TIEUCHUAN_JWT_SECRET", crate::accounts_helpers::TEST_SECRET)
        .env("RUST_LOG", "warn")
        .env_remove("TIEUCHUAN_CONFIG")
        .current_dir(db.dir.path());
    command
}

/// Runs the `tieuchuan` binary against the test database.
pub fn run_cli(db: &TestDatabase, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tieuchuan"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("TIEUCHUAN_DATA_DIR", db.dir.path().join("data"))
        .env_remove("TIEUCHUAN_CONFIG")
        .env("RUST_LOG", "warn")
        .current_dir(db.dir.path())
        .output()
        .expect("the binary runs")
}

/// Writes a file into the test's directory and returns its path.
pub fn write_file(db: &TestDatabase, name: &str, content: &[u8]) -> PathBuf {
    let path = db.dir.path().join(name);
    std::fs::write(&path, content).expect("write test file");
    path
}

/// How many records the seeded catalogue holds: the embedded catalogue's, less those its
/// removals take out.
pub fn seed_records() -> usize {
    seed_records_where(|_| true)
}

/// How many records of the embedded catalogue file satisfy `test`, the removed ones included (a
/// harvester sees those as deleted records).
pub fn catalogued_where(test: impl Fn(&serde_json::Value) -> bool) -> usize {
    tieuchuan::services::import::SEED_CATALOGUE
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("a seed line is JSON"))
        .filter(|record| test(record))
        .count()
}

/// How many records of the seeded catalogue, as the embedded file has them, satisfy `test`.
pub fn seed_records_where(test: impl Fn(&serde_json::Value) -> bool) -> usize {
    let removed: Vec<serde_json::Value> = tieuchuan::services::seed::SEED_REMOVALS
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("a removal is JSON")["code"].clone())
        .collect();
    catalogued_where(|record| !removed.contains(&record["code"]) && test(record))
}

/// The seed catalogue shipped with the project.
pub fn seed_catalogue_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("standards-data/catalogue.jsonl")
}

/// Standard output and error of a finished command, for assertions and failure messages.
pub fn output_text(output: &Output) -> (String, String) {
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}
