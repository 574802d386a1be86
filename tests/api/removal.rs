//! Removing a record (#13): only an admin may; the removal is a tombstone in the feed, which a
//! follower applies, and the record leaves the catalogue, search and the next snapshot; a
//! standard whose texts were read cannot be removed, so usage reports keep every read.

use serde_json::Value;

use crate::accounts_helpers::{account, token_for};
use crate::follower::Follower;
use crate::helpers::{TestApp, TestDatabase, encode, spawn_app_on};
use crate::texts::upload;
use tieuchuan::feed;

async fn remove(app: &TestApp, token: Option<&str>, reference: &str) -> (u16, Value) {
    let mut request = app.client.delete(format!(
        "{}/api/v1/standards/{}?reason={}",
        app.address,
        encode(reference),
        encode("a test removal")
    ));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("delete");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn a_removal_is_a_tombstone_that_followers_apply_and_that_leaves_search_and_snapshots() {
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.snapshot_interval_seconds = 0).await;
    let admin = token_for(account("removal.admin").role("admin").province(None).insert(&app));
    let official = token_for(account("removal.official").insert(&app));
    let mut follower = Follower::default();
    follower.sync(&app.client, &app.address).await.expect("start");
    assert!(follower.records.contains_key("TCVN 9362:2012"));

    assert_eq!(remove(&app, None, "TCVN 9362:2012").await.0, 401);
    assert_eq!(remove(&app, Some(&official), "TCVN 9362:2012").await.0, 403);
    let (status, removal) = remove(&app, Some(&admin), "tcvn 9362 2012").await;
    assert_eq!(status, 200, "{removal}");
    assert_eq!(removal["code"], "TCVN 9362:2012");
    let (status, again) = remove(&app, Some(&admin), "TCVN 9362:2012").await;
    assert_eq!((status, again["error"]["code"].as_str()), (410, Some("standard_removed")), "removed once");
    let (status, gone) = app.get_standard("TCVN 9362:2012").await;
    assert_eq!(status, 410);
    assert!(gone["error"]["message"].as_str().is_some_and(|m| m.contains("a test removal")), "{gone}");

    let applied = follower.sync(&app.client, &app.address).await.expect("the tombstone verifies");
    assert_eq!(applied, 1);
    assert!(!follower.records.contains_key("TCVN 9362:2012"), "the follower dropped the record");
    let (_, page) = app.get_json(&format!("/api/v1/changes?after={}", removal["seq"].as_i64().expect("seq") - 1)).await;
    let tombstone = &page["entries"][0];
    assert_eq!(tombstone["op"], "tombstone");
    assert_eq!(tombstone["record"], Value::Null);
    assert_eq!(tombstone["record_sha256"], Value::Null);
    assert_eq!(follower.digest(), feed::record::catalogue_digest(&mut app.db.connect()).expect("digest"));

    let mut from_snapshot = Follower::default();
    let manifest = from_snapshot.load_snapshot(&app.client, &app.address).await.expect("snapshot");
    assert_eq!(manifest["seq"], removal["seq"]);
    assert!(!from_snapshot.records.contains_key("TCVN 9362:2012"), "the snapshot has no removed record");
    assert_eq!(from_snapshot.digest(), follower.digest());

    // Search follows the change log: the record is gone from it too.
    let mut found = true;
    for _ in 0..50 {
        let (_, results) = app.get_json("/api/v1/search?q=TCVN%209362%3A2012").await;
        let hits = results["hits"].as_array().cloned().unwrap_or_default();
        found = hits.iter().any(|hit| hit["code"] == "TCVN 9362:2012");
        if !found {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!found, "search no longer finds the removed record");
}

#[tokio::test]
async fn a_standard_whose_texts_were_read_cannot_be_removed() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let admin = token_for(account("removal.admin2").role("admin").province(None).insert(&app));
    let reader = token_for(account("removal.reader").insert(&app));
    let text = b"# TCVN 4453:1995\nKet cau be tong.\n".to_vec();
    let (status, document) = upload(&app, &admin, "TCVN 4453:1995", "t.md", text, Some("registered")).await;
    assert_eq!(status, 201, "{document}");
    let path = format!("/api/v1/standards/tcvn-4453-1995/documents/{}/text", document["id"]);
    let read = app.client.get(format!("{}{path}", app.address)).bearer_auth(&reader).send().await.expect("read");
    assert_eq!(read.status().as_u16(), 200);
    let (status, body) = remove(&app, Some(&admin), "TCVN 4453:1995").await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "standard_in_use");
    assert_eq!(app.get_standard("TCVN 4453:1995").await.0, 200, "nothing was removed");
}
