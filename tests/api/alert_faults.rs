//! Alerts under faults (#16), as real processes: a catalogue change of 1,000 records tells each
//! watcher of their field once per record; the node is killed with SIGKILL while it writes the
//! alerts and started again; on PostgreSQL a second node follows the same change log at once.
//! Every watcher ends with every alert exactly once: none lost, none written twice. The figures
//! print with `cargo test --test api -- alert_faults --nocapture`.

use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestDatabase, test_client};
use crate::node::Node;

const RECORDS: usize = 1000;
const WATCHERS: usize = 3;

fn records(field: &str, first: usize) -> String {
    (first..first + RECORDS)
        .map(|n| {
            json!({"code": format!("TCVN {n}:2026"), "title_vi": format!("Tiêu chuẩn thử cảnh báo {n}"), "field": field})
                .to_string()
                + "\n"
        })
        .collect()
}

async fn import(address: &str, admin: &str, body: String) {
    let response = (test_client().post(format!("{address}/api/v1/imports")))
        .header("content-type", "application/x-ndjson")
        .bearer_auth(admin)
        .body(body)
        .send()
        .await
        .expect("import");
    let status = response.status().as_u16();
    let report: Value = response.json().await.expect("report");
    assert_eq!((status, report["created"].as_u64()), (200, Some(RECORDS as u64)), "{report}");
}

async fn totals(address: &str, tokens: &[String]) -> Vec<i64> {
    let mut totals = Vec::new();
    for token in tokens {
        let url = format!("{address}/api/v1/me/notifications?per_page=1");
        let page: Value = match test_client().get(url).bearer_auth(token).send().await {
            Ok(response) => response.json().await.unwrap_or_default(),
            Err(_) => Value::Null,
        };
        totals.push(page["total"].as_i64().unwrap_or(-1));
    }
    totals
}

/// Waits until every watcher has `want` notifications; how long it took.
async fn all_told(address: &str, tokens: &[String], want: i64) -> Duration {
    let started = Instant::now();
    loop {
        let got = totals(address, tokens).await;
        if got.iter().all(|&n| n >= want) {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(180), "alerts never all came: {got:?} of {want}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_thousand_changed_records_alert_every_watcher_once_across_a_kill() {
    let db = TestDatabase::seeded();
    let admin = token_for(account("faults.admin").role("admin").province(None).insert_into(&db));
    let tokens: Vec<String> =
        (0..WATCHERS).map(|i| token_for(account(&format!("faults.watcher{i}")).insert_into(&db))).collect();
    let mut a = Node::start(&db, "a");
    a.ready().await;
    for token in &tokens {
        for field in ["thu_canh_bao_1", "thu_canh_bao_2"] {
            let response = (test_client().post(format!("{}/api/v1/me/watches", a.address())))
                .bearer_auth(token)
                .json(&json!({ "field": field }))
                .send()
                .await
                .expect("watch");
            assert_eq!(response.status().as_u16(), 201);
        }
    }

    // Undisturbed: how many alerts 1,000 changed records make, and how long they take.
    let started = Instant::now();
    import(&a.address(), &admin, records("thu_canh_bao_1", 80_000)).await;
    let imported = started.elapsed();
    let told = all_told(&a.address(), &tokens, RECORDS as i64).await;
    eprintln!(
        "{RECORDS} records created for {WATCHERS} watchers of their field: {} notifications; the import took {imported:?}, \
         every notification was written {told:?} after it answered",
        RECORDS * WATCHERS
    );

    // Killed while it writes the next 1,000 records' alerts, then started again (and on
    // PostgreSQL, a second node follows the same log at once).
    import(&a.address(), &admin, records("thu_canh_bao_2", 90_000)).await;
    a.kill();
    let second = db.url.starts_with("postgres").then(|| Node::start(&db, "b"));
    a.restart(&db);
    a.ready().await;
    if let Some(b) = &second {
        b.ready().await;
    }
    let told = all_told(&a.address(), &tokens, 2 * RECORDS as i64).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(totals(&a.address(), &tokens).await, vec![2 * RECORDS as i64; WATCHERS], "each alert exactly once");
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = db.connect();
    let duplicates: Vec<Count> = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM (SELECT user_id, seq, code, change FROM notifications \
         GROUP BY user_id, seq, code, change HAVING COUNT(*) > 1) AS twice",
    )
    .load(&mut conn)
    .expect("count");
    assert_eq!(duplicates[0].n, 0);
    let behind: Vec<Count> = diesel::sql_query(
        "SELECT (SELECT MAX(seq) FROM change_log) - (SELECT seq FROM change_cursors WHERE name = 'notifications') AS n",
    )
    .load(&mut conn)
    .expect("cursor");
    assert_eq!(behind[0].n, 0, "the cursor is at the head");
    eprintln!(
        "after SIGKILL and a restart{}: all {} notifications written {told:?} after the restart began, none twice",
        if second.is_some() { " with a second node" } else { "" },
        2 * RECORDS * WATCHERS
    );
}
