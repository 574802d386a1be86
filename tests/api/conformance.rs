//! `tieuchuan conformance URL` (#13): it passes this service (with a full page of the feed and a
//! public text, so that every check runs), prints each check, and fails a server whose log was
//! altered after the fact, naming the broken entry.

use diesel::RunQueryDsl;

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestApp, TestDatabase, output_text, spawn_app_on};
use crate::texts::upload;
use tieuchuan::db::DbConnection;

async fn grown(app: &TestApp) {
    let admin = token_for(account("conformance.admin").role("admin").province(None).insert(app));
    let rows: String = (0..700).map(|i| format!("TCVN {}:2026,Tiêu chuẩn thử nghiệm số {i}\n", 20_000 + i)).collect();
    let imported = (app.client.post(format!("{}/api/v1/imports", app.address)))
        .header("content-type", "text/csv")
        .bearer_auth(&admin)
        .body(format!("code,title_vi\n{rows}"))
        .send()
        .await
        .expect("import");
    assert_eq!(imported.status().as_u16(), 200);
    let text = "# QCVN 01:2021/BXD\nQuy hoạch xây dựng.\n".repeat(20).into_bytes();
    assert_eq!(upload(app, &admin, "QCVN 01:2021/BXD", "qh.md", text, None).await.0, 201);
}

#[tokio::test]
async fn this_service_conforms_and_the_command_says_so() {
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.snapshot_interval_seconds = 0).await;
    grown(&app).await;
    let report = tieuchuan::conformance::run(&app.address).await;
    let failures: Vec<_> = report.outcomes.iter().filter_map(|o| o.failure.clone()).collect();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(report.outcomes.len(), 8, "every check ran: {:?}", report.outcomes);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let (data, address) = (app.db.dir.path().join("cli"), app.address.clone());
    // The command blocks; the service runs on this test's runtime, so the command waits elsewhere.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_tieuchuan"))
            .args(["conformance", &address])
            .env("TIEUCHUAN_DATA_DIR", data)
            .env_remove("TIEUCHUAN_CONFIG")
            .output()
            .expect("the binary runs")
    })
    .await
    .expect("the command ran");
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("PASS  the feed is in order") && stdout.contains("conforms"), "{stdout}");
}

#[tokio::test]
async fn a_server_whose_log_was_altered_does_not_conform() {
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.snapshot_interval_seconds = 0).await;
    let mut conn = app.db.connect();
    let drop_guard = match &*conn {
        DbConnection::Sqlite(_) => "DROP TRIGGER change_log_no_update",
        DbConnection::Postgresql(_) => "DROP TRIGGER change_log_no_update_or_delete ON change_log",
    };
    diesel::sql_query(drop_guard).execute(&mut *conn).expect("the guard dropped, as an intruder would");
    let altered = diesel::sql_query("UPDATE change_log SET code = code || ' ' WHERE seq = 200").execute(&mut *conn);
    assert_eq!(altered.expect("altered"), 1);
    let report = tieuchuan::conformance::run(&app.address).await;
    let failure = report.outcomes.iter().find_map(|o| o.failure.clone()).expect("a failure");
    assert!(failure.contains("entry 200") && failure.contains("chain"), "{failure}");
    assert!(!report.passed());
}
