//! Officials on a provincial mirror (#14), with real processes: an admin of the national instance
//! issues the mirror its credential (one province, revocable); the mirror keeps its province's
//! accounts, verifies the national instance's EdDSA tokens with its published key, forwards
//! sign-ins, fetches a restricted text the first time an entitled official reads it, and relays
//! every read to the national usage report exactly once. A suspension reaches it within a minute;
//! a revoked credential stops restricted reading there and leaves public reading alone.

use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::accounts_helpers::{PASSWORD, account, token_for};
use crate::helpers::{TestApp, TestDatabase, spawn_app_on};
use crate::mirror_helpers::Mirror;

const RESTRICTED: &str = "# QCVN 06:2022/BXD\n\nPhần dành cho cán bộ: lối thoát nạn của nhà chung cư cao tầng.\n";

/// Issues a credential for a province with an admin's token; returns the answer.
async fn issue(app: &TestApp, token: Option<&str>, province: &str) -> (u16, Value) {
    app.call("POST", "/api/v1/mirrors", token, Some(json!({"name": "Cổng Hà Tĩnh", "province": province}))).await
}

/// An upstream with a text for registered officials, an admin and a credential for Hà Tĩnh.
pub async fn upstream_with_text() -> (TestApp, String, String, i64) {
    let upstream = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let admin = token_for(account("national.admin").role("admin").province(None).insert(&upstream));
    let (status, text) = crate::texts::upload(
        &upstream,
        &admin,
        "QCVN 06:2022/BXD",
        "qcvn-06.md",
        RESTRICTED.as_bytes().to_vec(),
        Some("registered"),
    )
    .await;
    assert_eq!(status, 201, "{text}");
    let (status, issued) = issue(&upstream, Some(&admin), "ha-tinh").await;
    assert_eq!(status, 201, "{issued}");
    let secret = issued["secret"].as_str().expect("a secret").to_string();
    (upstream, admin, secret, text["id"].as_i64().expect("an id"))
}

pub async fn sign_in(address: &str, username: &str) -> (u16, Value) {
    let response = (reqwest::Client::new().post(format!("{address}/api/v1/auth/login")))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .expect("sign in");
    (response.status().as_u16(), response.json().await.unwrap_or_default())
}

pub async fn read(address: &str, token: &str, text: i64) -> (u16, Value) {
    let response = (reqwest::Client::new()
        .get(format!("{address}/api/v1/standards/qcvn-06-2022-bxd/documents/{text}/text")))
    .bearer_auth(token)
    .send()
    .await
    .expect("read");
    (response.status().as_u16(), response.json().await.unwrap_or_default())
}

/// Signs in on the mirror once it knows the account (it fetches accounts every 15 seconds) and
/// the text reads; returns the access token.
pub async fn reading_session(mirror: &Mirror, username: &str, text: i64) -> String {
    let address = &mirror.address();
    let started = Instant::now();
    loop {
        let (status, session) = sign_in(address, username).await;
        let token = session["access_token"].as_str().unwrap_or_default().to_string();
        let reading = if status == 200 { read(address, &token, text).await } else { (status, session) };
        if reading.0 == 200 {
            return token;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{username} never read on the mirror: {reading:?}\n{}",
            mirror.log()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Waits until `check` holds, up to `limit`; panics with `what` otherwise.
async fn eventually<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "{what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The upstream's access events of one account: (all, distinct event ids, relayed).
pub fn upstream_reads(app: &TestApp, user: i64) -> (i64, i64, i64) {
    #[derive(diesel::QueryableByName)]
    struct Counts {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        total: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        ids: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        relayed: i64,
    }
    let counts: Counts = diesel::sql_query(format!(
        "SELECT COUNT(*) AS total, COUNT(DISTINCT event_id) AS ids, COUNT(relayed_by) AS relayed \
         FROM access_events WHERE user_id = {user}"
    ))
    .get_result(&mut *app.db.connect())
    .expect("counts");
    (counts.total, counts.ids, counts.relayed)
}

#[tokio::test]
async fn only_an_admin_issues_lists_and_revokes_mirror_credentials() {
    let upstream = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let admin = token_for(account("credential.admin").role("admin").province(None).insert(&upstream));
    let province_admin = token_for(account("credential.tinh").role("province_admin").insert(&upstream));
    assert_eq!(issue(&upstream, None, "ha-tinh").await.0, 401);
    assert_eq!(issue(&upstream, Some(&province_admin), "ha-tinh").await.0, 403);
    assert_eq!(issue(&upstream, Some(&admin), "atlantis").await.1["error"]["code"], "unknown_province");
    let (status, issued) = issue(&upstream, Some(&admin), "ha-tinh").await;
    assert_eq!(status, 201, "{issued}");
    let secret = issued["secret"].as_str().expect("secret").to_string();
    assert!(secret.starts_with("tcm_") && secret.len() > 40, "{secret}");
    let (status, listed) = upstream.call("GET", "/api/v1/mirrors", Some(&admin), None).await;
    assert_eq!(status, 200);
    assert!(!listed.to_string().contains(&secret), "the secret is shown once only");
    assert_eq!(upstream.call("GET", "/api/v1/mirrors", Some(&province_admin), None).await.0, 403);
    let accounts = |credential: String| {
        let url = format!("{}/api/v1/mirror/accounts", upstream.address);
        async move { reqwest::Client::new().get(url).bearer_auth(credential).send().await.expect("accounts") }
    };
    let answer = accounts(secret.clone()).await;
    assert_eq!(answer.status().as_u16(), 200);
    let body: Value = answer.json().await.expect("json");
    let usernames: Vec<&str> =
        body["accounts"].as_array().expect("accounts").iter().filter_map(|a| a["username"].as_str()).collect();
    assert_eq!(usernames, vec!["credential.tinh"], "the accounts of its province, and no admin of the Ministry");
    assert!(!body.to_string().contains("password"), "{body}");
    assert_eq!(accounts(format!("{secret}x")).await.status().as_u16(), 401);
    assert_eq!(accounts(admin.clone()).await.status().as_u16(), 401, "an access token is no mirror credential");
    let id = issued["id"].as_i64().expect("id");
    let (status, revoked) = upstream.call("DELETE", &format!("/api/v1/mirrors/{id}"), Some(&admin), None).await;
    assert_eq!(status, 200);
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    let refused = accounts(secret).await;
    assert_eq!(refused.status().as_u16(), 401);
    assert_eq!(refused.json::<Value>().await.expect("json")["error"]["code"], "invalid_mirror_credential");
    assert_eq!(upstream.call("DELETE", "/api/v1/mirrors/999", Some(&admin), None).await.0, 404);
}

#[tokio::test]
async fn a_relayed_batch_sent_twice_is_stored_once() {
    let (upstream, _, secret, text) = upstream_with_text().await;
    let official = account("relay.official").insert(&upstream);
    let other = account("relay.other").province(Some("ha-noi")).insert(&upstream);
    let event = |id: &str, user: i64, province: &str| {
        json!({"event_id": id, "user_id": user, "code": "QCVN 06:2022/BXD", "document_id": text, "action": "view",
               "province": province, "unit": "UBND xã Cẩm Xuyên", "at": "2026-12-03T02:00:00Z"})
    };
    let batch = json!({"events": [event("e-1", official, "ha-tinh"), event("e-2", official, "ha-tinh"),
                                  event("e-3", other, "ha-noi"), event("bad id!", official, "ha-tinh")]});
    let relay = || async {
        let response = (reqwest::Client::new().post(format!("{}/api/v1/mirror/events", upstream.address)))
            .bearer_auth(&secret)
            .json(&batch)
            .send()
            .await
            .expect("relay");
        assert_eq!(response.status().as_u16(), 200);
        response.json::<Value>().await.expect("json")
    };
    let first = relay().await;
    assert_eq!((first["stored"].as_i64(), first["duplicates"].as_i64()), (Some(2), Some(0)), "{first}");
    assert_eq!(first["rejected"].as_array().map(Vec::len), Some(2), "another province's account, a bad id: {first}");
    let again = relay().await;
    assert_eq!((again["stored"].as_i64(), again["duplicates"].as_i64()), (Some(0), Some(2)), "{again}");
    assert_eq!(upstream_reads(&upstream, official), (2, 2, 2));
    assert_eq!(upstream_reads(&upstream, other), (0, 0, 0));
}

#[tokio::test]
async fn an_official_reads_a_restricted_text_on_the_mirror_and_the_ministry_counts_it_once() {
    let (upstream, admin, secret, text) = upstream_with_text().await;
    let official = account("mirror.official").insert(&upstream);
    let outsider = account("mirror.outsider").province(Some("ha-noi")).insert(&upstream);
    let mut mirror = Mirror::start_with(&upstream, Some(&secret)).await;
    mirror.caught_up(&upstream).await;
    let address = mirror.address();
    let token = reading_session(&mirror, "mirror.official", text).await;
    assert_eq!(sign_in(&address, "mirror.outsider").await.0, 403, "another province signs in at its own node");
    let (status, wrong) = (reqwest::Client::new().post(format!("{address}/api/v1/auth/login")))
        .json(&json!({"username": "mirror.official", "password": "not the password"}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .expect("sign in");
    assert_eq!(status, 401, "the upstream's refusal passes through");
    assert_eq!(wrong.json::<Value>().await.expect("json")["error"]["code"], "invalid_credentials");
    let register = (reqwest::Client::new().post(format!("{address}/api/v1/auth/register")))
        .json(&json!({"username": "x.y", "email": "x@y.vn", "full_name": "X Y", "password": PASSWORD, "province": "ha-tinh", "role": "official"}))
        .send()
        .await
        .expect("register");
    let (status, register) = (register.status().as_u16(), register.json::<Value>().await.expect("json"));
    assert_eq!((status, register["error"]["code"].as_str()), (409, Some("accounts_at_upstream")), "{register}");

    let (status, reading) = read(&address, &token, text).await;
    assert_eq!(status, 200, "{reading}");
    assert!(reading.to_string().contains("lối thoát nạn"), "{reading}");
    assert_eq!(read(&address, &token_for(outsider), text).await.0, 401, "a token of nobody the mirror knows");
    eventually(Duration::from_secs(60), "the reads never reached the upstream", || async {
        upstream_reads(&upstream, official) == (2, 2, 2)
    })
    .await;
    // A read and, at once, a SIGKILL and a restart (the relay rests 5 s between rounds, so the read is
    // most likely still in the outbox): it arrives once, neither lost nor counted twice.
    assert_eq!(read(&address, &token, text).await.0, 200);
    mirror.restart();
    eventually(Duration::from_secs(60), "the third read never arrived", || async {
        upstream_reads(&upstream, official) == (3, 3, 3)
    })
    .await;
    let (status, report) =
        upstream.call("GET", "/api/v1/reports/usage?group_by=user&province=ha-tinh", Some(&admin), None).await;
    assert_eq!(status, 200, "{report}");
    let rows = report["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{report}");
    assert_eq!((rows[0]["key"].as_str(), rows[0]["views"].as_i64()), (Some("mirror.official"), Some(3)), "{report}");
}

#[tokio::test]
async fn a_suspension_at_the_upstream_reaches_the_mirror_within_a_minute() {
    let (upstream, admin, secret, text) = upstream_with_text().await;
    let official = account("suspended.official").insert(&upstream);
    let mirror = Mirror::start_with(&upstream, Some(&secret)).await;
    mirror.caught_up(&upstream).await;
    let address = mirror.address();
    let token = reading_session(&mirror, "suspended.official", text).await;
    let (status, _) = upstream.call("POST", &format!("/api/v1/users/{official}/suspend"), Some(&admin), None).await;
    assert_eq!(status, 200);
    // A minute, and the slack of one poll and a loaded machine.
    eventually(Duration::from_secs(75), "the suspension did not reach the mirror within a minute", || async {
        matches!(read(&address, &token, text).await.0, 401 | 403)
    })
    .await;
}

#[tokio::test]
async fn a_revoked_credential_stops_restricted_reading_on_the_mirror_but_not_public_reading() {
    let (upstream, admin, secret, text) = upstream_with_text().await;
    account("revoked.official").insert(&upstream);
    let mirror = Mirror::start_with(&upstream, Some(&secret)).await;
    mirror.caught_up(&upstream).await;
    let address = mirror.address();
    let token = reading_session(&mirror, "revoked.official", text).await;
    let (_, listed) = upstream.call("GET", "/api/v1/mirrors", Some(&admin), None).await;
    let id = listed[0]["id"].as_i64().expect("id");
    assert_eq!(upstream.call("DELETE", &format!("/api/v1/mirrors/{id}"), Some(&admin), None).await.0, 200);
    // Within the minute an account stays confirmed, and one fetch's interval.
    let started = Instant::now();
    let refusal = loop {
        let (status, body) = read(&address, &token, text).await;
        if status == 503 {
            break body;
        }
        assert_eq!(status, 200, "{body}");
        assert!(started.elapsed() < Duration::from_secs(100), "restricted reading went on with a revoked credential");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(refusal["error"]["code"], "upstream_unreachable", "{refusal}");
    let search: Value = reqwest::get(format!("{address}/api/v1/search?q=QCVN%2006%3A2022"))
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    assert!(search["hits"].as_array().is_some_and(|h| !h.is_empty()), "public search goes on: {search}");
    assert_eq!(sign_in(&address, "revoked.official").await.0, 503, "no sign-in with a revoked credential");
}
