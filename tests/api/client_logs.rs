//! What a client sends never becomes a log line or an address as written: forwarded headers are
//! believed only from configured proxies, and control characters are escaped in logs, error
//! messages and account events. The log is read from a real `tieuchuan serve` process.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::json;
use tieuchuan::db::schema::account_events;

use crate::accounts::registration;
use crate::accounts_helpers::TEST_SECRET;
use crate::helpers::{TestDatabase, free_port, spawn_app_on};

#[tokio::test]
async fn forged_addresses_and_control_characters_never_reach_the_log_as_sent() {
    let db = TestDatabase::seeded();
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_tieuchuan"))
        .env("DATABASE_URL", &db.url)
        .env("TIEUCHUAN_DATA_DIR", db.dir.path().join("data"))
        .env("TIEUCHUAN_LISTEN", format!("127.0.0.1:{port}"))
        .env("TIEUCHUAN_JWT_SECRET", TEST_SECRET)
        .env("RUST_LOG", "info")
        .env_remove("TIEUCHUAN_CONFIG")
        .env_remove("TIEUCHUAN_TRUSTED_PROXIES")
        .current_dir(db.dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "the server never answered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let response = client
        .get(format!("{base}/api/v1/standards?kind=x%0Aforged%20log%20line"))
        .header("x-forwarded-for", "6.6.6.6")
        .header("user-agent", "evil\" client_ip=9.9.9.9")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.expect("json");
    let message = body["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(!message.chars().any(char::is_control), "the message echoes a control character: {message:?}");
    let login = json!({"username": "ghost\nFAKE EVENT", "password": "whatever it is"});
    client.post(format!("{base}/api/v1/auth/login")).json(&login).send().await.expect("login");
    server.kill().expect("stop");
    let mut log = String::new();
    server.stderr.take().expect("stderr").read_to_string(&mut log).expect("log");
    server.wait().expect("exit");
    assert!(log.lines().all(|line| !line.trim_start().starts_with("forged")), "a forged line:\n{log}");
    assert!(!log.contains("6.6.6.6"), "a forwarded address from an untrusted peer:\n{log}");
    assert!(log.contains("http.client_ip=127.0.0.1"), "the real peer is logged:\n{log}");
    assert!(log.contains(r#"http.user_agent="evil\" client_ip=9.9.9.9""#), "the user agent is quoted:\n{log}");
    let details: Vec<Option<String>> =
        account_events::table.select(account_events::detail).load(&mut db.connect()).expect("events");
    assert!(details.iter().flatten().all(|d| !d.contains('\n')), "{details:?}");
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    for (trusted, expect_second_address_free) in [("127.0.0.1", true), ("", false)] {
        let app = spawn_app_on(TestDatabase::seeded(), |s| s.trusted_proxies = trusted.into()).await;
        let register = |i: usize, forwarded: &'static str| {
            app.client
                .post(format!("{}/api/v1/auth/register", app.address))
                .header("x-forwarded-for", forwarded)
                .header("x-forwarded-proto", "https")
                .json(&registration(&format!("fwd.{i}"), "ha-tinh"))
                .send()
        };
        for i in 0..10 {
            assert_eq!(register(i, "6.6.6.6").await.expect("register").status().as_u16(), 201);
        }
        assert_eq!(register(10, "6.6.6.6").await.expect("register").status().as_u16(), 429);
        let other = register(11, "7.7.7.7").await.expect("register");
        let hsts = other.headers().contains_key("strict-transport-security");
        assert_eq!(other.status().as_u16() == 201, expect_second_address_free, "trusted={trusted:?}");
        assert_eq!(hsts, expect_second_address_free, "HTTPS is believed only from a trusted proxy");
    }
}
