//! A national node as a real process for the tests: `tieuchuan serve` on the test database with
//! the test feed key, texts in the database and loopback as its trusted proxy; it can be killed
//! with SIGKILL and started again on the same port and data, and it is killed when dropped.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::accounts_helpers::TEST_FEED_SEED;
use crate::helpers::{TestApp, TestDatabase, free_port, serve_command};

/// One national node; killed when dropped.
pub struct Node {
    child: Child,
    pub port: u16,
    name: String,
}

fn spawn_node(db: &TestDatabase, name: &str, port: u16) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(db.dir.path().join(format!("{name}.log")))
        .map_or_else(|_| Stdio::null(), Stdio::from);
    serve_command(db, &db.dir.path().join(name), port)
        .env("TIEUCHUAN_FEED_SIGNING_KEY", TEST_FEED_SEED)
        .env("TIEUCHUAN_BLOB_STORE", "database")
        .env("TIEUCHUAN_TRUSTED_PROXIES", "127.0.0.1")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("a node starts")
}

impl Node {
    /// A node named `name` (its data dir and log file in the test's directory) on a free port.
    pub fn start(db: &TestDatabase, name: &str) -> Node {
        let port = free_port();
        Node { child: spawn_node(db, name, port), port, name: name.to_string() }
    }

    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until the node answers `/readyz`.
    pub async fn ready(&self) {
        let started = Instant::now();
        while !reqwest::get(format!("{}/readyz", self.address())).await.is_ok_and(|r| r.status().is_success()) {
            assert!(started.elapsed() < Duration::from_secs(90), "node on {} never became ready", self.port);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// SIGKILL, as a power cut would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the node again on the same port, database and data dir.
    pub fn restart(&mut self, db: &TestDatabase) {
        self.kill();
        self.child = spawn_node(db, &self.name, self.port);
    }

    /// The node as the helpers that take an app see it; the database is the one it serves.
    pub fn app(&self, db: TestDatabase) -> TestApp {
        TestApp { address: self.address(), client: reqwest::Client::new(), db }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}
