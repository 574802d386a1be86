//! The connection standard's feed (#13): a follower reproduces the catalogue from the feed alone
//! and checks it against a signed checkpoint; writers on two connections never let a follower skip
//! an entry; a rolled-back writer leaves no gap; an entry altered in the database is detected; a
//! new epoch sends followers back to the start; full pages are immutable; a follower at the head
//! can wait for the next change.

use diesel::RunQueryDsl;
use serde_json::Value;

use crate::accounts_helpers::{account, token_for};
use crate::follower::Follower;
use crate::helpers::{TestApp, TestDatabase, spawn_app_on};
use tieuchuan::db::{self, DbConnection};
use tieuchuan::feed;

pub async fn import_csv(app: &TestApp, admin: &str, csv: String) -> u16 {
    let response = app
        .client
        .post(format!("{}/api/v1/imports", app.address))
        .header("content-type", "text/csv")
        .bearer_auth(admin)
        .body(csv)
        .send()
        .await
        .expect("import");
    response.status().as_u16()
}

fn server_digest(conn: &mut DbConnection) -> String {
    feed::record::catalogue_digest(conn).expect("digest")
}

fn admin(app: &TestApp) -> String {
    token_for(account("feed.admin").role("admin").province(None).insert(app))
}

#[tokio::test]
async fn a_follower_reproduces_the_catalogue_from_the_feed_and_checks_the_signed_checkpoint() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let mut follower = Follower::default();
    let applied = follower.sync(&app.client, &app.address).await.expect("the feed verifies");
    assert!(applied >= crate::helpers::seed_records(), "the epoch starts with the whole catalogue: {applied}");
    let admin = admin(&app);
    let csv = "code,title_vi,status\nQCVN 06:2022/BXD,An toàn cháy cho nhà và công trình (sửa),in_force\nTCVN 14998:2026,Cửa sổ - Phương pháp thử,unknown\n";
    assert_eq!(import_csv(&app, &admin, csv.into()).await, 200);
    let applied = follower.sync(&app.client, &app.address).await.expect("the new entries verify");
    assert_eq!(applied, 2, "one update and one new record");
    follower.verify_checkpoint(&app.client, &app.address).await.expect("the checkpoint verifies");
    let mut conn = app.db.connect();
    assert_eq!(follower.digest(), server_digest(&mut conn), "the follower holds the catalogue exactly");
    assert_eq!(follower.records["QCVN 06:2022/BXD"]["title_vi"], "An toàn cháy cho nhà và công trình (sửa)");
}

#[tokio::test]
async fn writers_on_two_connections_never_let_a_follower_skip_an_entry() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let admin = admin(&app);
    let mut follower = Follower::default();
    follower.sync(&app.client, &app.address).await.expect("start");
    let write = |first: u32| {
        let (app, admin) = (&app, &admin);
        async move {
            for batch in 0..6 {
                let rows: String = (0..5)
                    .map(|i| format!("TCVN {}:2026,Tiêu chuẩn thử {first} {batch} {i}\n", first + batch * 10 + i))
                    .collect();
                assert_eq!(import_csv(app, admin, format!("code,title_vi\n{rows}")).await, 200);
            }
        }
    };
    let follow = async {
        let mut rounds = 0;
        while follower.records.len() < crate::helpers::seed_records() + 60 && rounds < 400 {
            follower.sync(&app.client, &app.address).await.expect("no gap, no broken chain while writers write");
            rounds += 1;
        }
    };
    futures_util::join!(write(20_000), write(30_000), follow);
    follower.sync(&app.client, &app.address).await.expect("the rest");
    assert_eq!(follower.records.len(), crate::helpers::seed_records() + 60);
    let mut conn = app.db.connect();
    assert_eq!(follower.digest(), server_digest(&mut conn));
}

#[tokio::test]
async fn a_writer_that_rolls_back_leaves_no_gap() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let mut conn = app.db.connect();
    let before = db::change_log::latest_seq(&mut conn).expect("head");
    let change = feed::log::Change { action: "updated", changed_at: chrono::Utc::now().naive_utc() };
    let failed: Result<(), diesel::result::Error> = db::catalogue_transaction(&mut conn, |conn| {
        feed::log::upsert(conn, 1, change, "to be rolled back".into())?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(failed.is_err());
    let seq = db::catalogue_transaction(&mut conn, |conn| feed::log::upsert(conn, 1, change, "kept".into()))
        .expect("appended");
    assert_eq!(seq, before + 1, "the rolled-back entry's number is used by the next one");
    let mut follower = Follower::default();
    follower.sync(&app.client, &app.address).await.expect("no gap");
    assert_eq!(follower.after, seq);
}

#[tokio::test]
async fn an_entry_altered_in_the_database_after_the_fact_is_detected() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let mut conn = app.db.connect();
    let (drop_guard, alter) = match &*conn {
        DbConnection::Sqlite(_) => (
            "DROP TRIGGER change_log_no_update",
            "UPDATE change_log SET record = replace(record, '\"version\":1', '\"version\":9') WHERE seq = 100",
        ),
        DbConnection::Postgresql(_) => (
            "DROP TRIGGER change_log_no_update_or_delete ON change_log",
            "UPDATE change_log SET record = replace(record, '\"version\":1', '\"version\":9') WHERE seq = 100",
        ),
    };
    diesel::sql_query(drop_guard).execute(&mut *conn).expect("the guard dropped, as an intruder would");
    assert_eq!(diesel::sql_query(alter).execute(&mut *conn).expect("altered"), 1);
    let mut follower = Follower::default();
    let error = follower.sync(&app.client, &app.address).await.expect_err("the alteration is detected");
    assert!(error.contains("entry 100"), "{error}");
    assert_eq!(follower.after, 99, "nothing from the altered entry on is applied");
}

#[tokio::test]
async fn a_new_epoch_sends_followers_back_to_its_start() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let mut follower = Follower::default();
    follower.sync(&app.client, &app.address).await.expect("start");
    let old_epoch = follower.epoch.clone().expect("an epoch");
    let output = crate::helpers::run_cli(&app.db, &["new-epoch"]);
    let (stdout, stderr) = crate::helpers::output_text(&output);
    assert!(output.status.success(), "{stderr}");
    let mut conn = app.db.connect();
    let epoch = db::change_log::current_epoch(&mut conn).expect("read").expect("an epoch");
    assert_ne!(epoch.epoch, old_epoch);
    assert!(stdout.contains(&epoch.epoch), "{stdout}");
    let (status, body) = app.get_json(&format!("/api/v1/changes?after={}&epoch={old_epoch}", follower.after)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("epoch_changed")), "{body}");
    let error = follower.sync(&app.client, &app.address).await.expect_err("the old follower stops");
    assert!(error.contains("409"), "{error}");
    let mut fresh = Follower::default();
    fresh.sync(&app.client, &app.address).await.expect("the new epoch verifies");
    assert_eq!(fresh.epoch.as_deref(), Some(epoch.epoch.as_str()));
    assert_eq!(fresh.digest(), server_digest(&mut conn), "the new epoch alone holds the whole catalogue");
    fresh.verify_checkpoint(&app.client, &app.address).await.expect("checkpoint");
    let (status, body) = app.get_json(&format!("/api/v1/changes?after={}", fresh.after + 5)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("beyond_head")), "{body}");
}

#[tokio::test]
async fn full_pages_are_immutable_and_the_head_page_revalidates() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let admin = admin(&app);
    let rows: String = (0..700).map(|i| format!("TCVN {}:2025,Tiêu chuẩn trang {i}\n", 40_000 + i)).collect();
    assert_eq!(import_csv(&app, &admin, format!("code,title_vi\n{rows}")).await, 200);
    let first = app.client.get(format!("{}/api/v1/changes?after=0", app.address)).send().await.expect("page");
    let cache = first.headers()["cache-control"].to_str().expect("text").to_string();
    let tag = first.headers()["etag"].to_str().expect("text").to_string();
    let page: Value = first.json().await.expect("json");
    assert_eq!((page["complete"].as_bool(), page["entries"].as_array().map(Vec::len)), (Some(true), Some(1000)));
    assert!(cache.contains("immutable") && cache.contains("public"), "{cache}");
    let again = app
        .client
        .get(format!("{}/api/v1/changes?after=0", app.address))
        .header("if-none-match", &tag)
        .send()
        .await
        .expect("revalidation");
    assert_eq!(again.status().as_u16(), 304);
    let head = app.client.get(format!("{}/api/v1/changes?after=1000", app.address)).send().await.expect("head");
    assert!(head.headers()["cache-control"].to_str().expect("text").contains("no-cache"));
    let head: Value = head.json().await.expect("json");
    assert_eq!(head["complete"], false);
    assert_eq!(head["entries"][0]["seq"], 1001);
    let (status, part) = app.get_json("/api/v1/changes?after=990&limit=50").await;
    assert_eq!((status, part["entries"].as_array().map(Vec::len)), (200, Some(10)), "a page stops at 1000");
    for bad in ["after=-1", "limit=0", "limit=1001", "wait=61", "after=x", "epoch=%3Cscript%3E"] {
        let (status, body) = app.get_json(&format!("/api/v1/changes?{bad}")).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_parameter")), "{bad}: {body}");
    }
}

#[tokio::test]
async fn a_follower_at_the_head_waits_for_the_next_change() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let admin = admin(&app);
    let mut follower = Follower::default();
    follower.sync(&app.client, &app.address).await.expect("start");
    let url = format!("{}/api/v1/changes?after={}&wait=30", app.address, follower.after);
    let waiting = app.client.get(&url).send();
    let write = async {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        import_csv(&app, &admin, "code,title_vi\nTCVN 14997:2026,Cửa đi - Yêu cầu\n".into()).await
    };
    let (answer, written) = futures_util::join!(waiting, write);
    assert_eq!(written, 200);
    let page: Value = answer.expect("answered").json().await.expect("json");
    assert_eq!(page["entries"][0]["code"], "TCVN 14997:2026", "{page}");
    follower.apply(&page).expect("the waited-for entry verifies");
}
