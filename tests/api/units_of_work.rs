//! Units of work (#12): CPU work (argon2, stamping) never holds a pooled connection, account
//! writes never wait for the change-log lock, reports count by Vietnam day, and uploads are read
//! by one extractor that refuses a field sent twice and keeps nothing of a broken body.

use futures_util::future::join_all;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use crate::accounts_helpers::{PASSWORD, account, token_for};
use crate::helpers::{TestApp, TestDatabase, spawn_app_on};
use crate::pdf_helpers::pdf_with_pages;
use crate::texts::{admin, upload};

async fn status_of(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.expect("request").status().as_u16()
}

async fn documents_of(app: &TestApp, reference: &str) -> usize {
    let (_, detail) = app.get_standard(reference).await;
    detail["documents"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn sign_ins_and_stamping_leave_the_pool_to_everyone_else() {
    // Two connections, and more sign-ins and stamped downloads than that at once: with CPU work
    // inside a unit of work, every other request would wait on it (and a debug build stops it).
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.db_pool_size = 2).await;
    let token = admin(&app);
    let (status, created) =
        upload(&app, &token, "TCVN 3118:2022", "b.pdf", pdf_with_pages(&["Bê tông nặng"]), None).await;
    assert_eq!(status, 201, "{created}");
    let pdf = format!("{}/api/v1/standards/tcvn-3118-2022/documents/{}/pdf", app.address, created["id"]);
    for n in 0..8 {
        account(&format!("busy.official.{n}")).insert(&app);
    }
    let reader = token_for(account("busy.reader").insert(&app));
    let sign_ins = (0..8).map(|n| {
        let body = json!({"username": format!("busy.official.{n}"), "password": PASSWORD});
        status_of(app.client.post(format!("{}/api/v1/auth/login", app.address)).json(&body))
    });
    let downloads = (0..4).map(|_| status_of(app.client.get(&pdf).bearer_auth(&reader)));
    let profiles = (0..8).map(|_| status_of(app.client.get(format!("{}/api/v1/me", app.address)).bearer_auth(&reader)));
    let (sign_ins, downloads, profiles) = tokio::join!(join_all(sign_ins), join_all(downloads), join_all(profiles));
    assert!(sign_ins.iter().all(|s| *s == 200), "sign-ins: {sign_ins:?}");
    assert!(downloads.iter().all(|s| *s == 200), "stamped downloads: {downloads:?}");
    assert!(profiles.iter().all(|s| *s == 200), "profiles meanwhile: {profiles:?}");
}

#[tokio::test]
async fn account_writes_never_wait_for_the_change_log_lock() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    if !app.db.url.starts_with("postgres") {
        // SQLite has one writer at a time by design; the change-log lock is PostgreSQL's.
        return;
    }
    account("lock.official").insert(&app);
    let mut importer = app.db.connect();
    diesel::connection::SimpleConnection::batch_execute(
        &mut *importer,
        "BEGIN; LOCK TABLE change_log IN EXCLUSIVE MODE;",
    )
    .expect("a catalogue writer holds the change log");
    let body = json!({"username": "lock.official", "password": PASSWORD});
    let response = app
        .client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&body)
        .timeout(std::time::Duration::from_secs(30))
        .send()
        .await
        .expect("the sign-in is answered while the change log is locked");
    assert_eq!(response.status().as_u16(), 200);
    let pair: Value = response.json().await.expect("tokens");
    let refresh = json!({"refresh_token": pair["refresh_token"]});
    let (status, _) = app.call("POST", "/api/v1/auth/refresh", None, Some(refresh.clone())).await;
    assert_eq!(status, 200, "a refresh does not wait either");
    diesel::connection::SimpleConnection::batch_execute(&mut *importer, "ROLLBACK;").expect("release");
}

#[tokio::test]
async fn reading_is_counted_on_the_vietnam_day() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let token = admin(&app);
    let (_, created) =
        upload(&app, &token, "TCVN 5574:2018", "t.md", "# Một\nPhần một.".as_bytes().to_vec(), None).await;
    let official = token_for(account("day.reader").insert(&app));
    let path = format!("/api/v1/standards/tcvn-5574-2018/documents/{}/text", created["id"]);
    let (status, _) = app.call("GET", &path, Some(&official), None).await;
    assert_eq!(status, 200);
    let (status, report) = app.call("GET", "/api/v1/reports/usage?group_by=day", Some(&official), None).await;
    assert_eq!(status, 200, "{report}");
    let hanoi_today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive().to_string();
    assert_eq!(report["rows"][0]["key"], hanoi_today.as_str(), "{report}");
    assert_eq!(report["to"], hanoi_today.as_str(), "the default period ends today in Vietnam");
}

#[tokio::test]
async fn a_file_sent_twice_is_refused_and_nothing_is_kept() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let token = admin(&app);
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(b"# A\nmot".to_vec()).file_name("a.md"))
        .part("file", reqwest::multipart::Part::bytes(b"# B\nhai".to_vec()).file_name("b.md"));
    let response = app
        .client
        .post(format!("{}/api/v1/standards/tcvn-5574-2018/documents", app.address))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.expect("the envelope");
    assert_eq!(body["error"]["code"], "invalid_parameter", "{body}");
    assert_eq!(documents_of(&app, "TCVN 5574:2018").await, 0);
}

#[tokio::test]
async fn a_body_cut_off_midway_keeps_nothing() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let token = admin(&app);
    let address = app.address.trim_start_matches("http://").to_string();
    let part =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.md\"\r\n\r\n# Một\nPhần một đã tới.";
    let head = format!(
        "POST /api/v1/standards/tcvn-5574-2018/documents HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {}\r\n\r\n",
        part.len() + 10_000
    );
    let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(part.as_bytes()).await.expect("part of the body");
    stream.shutdown().await.expect("the line drops");
    drop(stream);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(documents_of(&app, "TCVN 5574:2018").await, 0, "half a file is not a text");
}
