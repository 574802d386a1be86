//! Watchlists and alerts (#16): an official watches a standard, a series, a field or an issuer;
//! each change of what they watch becomes one notification, driven by the change log with a stored
//! cursor; shown with the unread count, marked read, and in a private Atom feed the account revokes.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::accounts_helpers::{account, token_for};
use crate::code_families::import;
use crate::helpers::{TestApp, spawn_app};

/// Waits until the account has `count` notifications; returns the page.
pub async fn notified(app: &TestApp, token: &str, count: usize) -> Value {
    let started = Instant::now();
    loop {
        let (status, page) = app.call("GET", "/api/v1/me/notifications?per_page=100", Some(token), None).await;
        assert_eq!(status, 200, "{page}");
        let got = page["items"].as_array().map_or(0, Vec::len);
        if got >= count {
            return page;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{count} notifications never came: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn admin(app: &TestApp, name: &str) -> String {
    token_for(account(name).role("admin").province(None).insert(app))
}

#[tokio::test]
async fn a_watched_standard_replaced_by_a_new_edition_tells_each_watcher_once() {
    let app = spawn_app().await;
    let (admin, official, other) = (
        admin(&app, "watch.admin"),
        token_for(account("watch.official").insert(&app)),
        token_for(account("watch.other").insert(&app)),
    );
    // The official watches the standard and its whole series; the other watches its field.
    let (status, watch) =
        app.call("POST", "/api/v1/me/watches", Some(&official), Some(json!({"standard": "tcvn 5574 2018"}))).await;
    assert_eq!(status, 201, "{watch}");
    assert_eq!((watch["kind"].as_str(), watch["label"].as_str()), (Some("standard"), Some("TCVN 5574:2018")));
    let (status, again) =
        app.call("POST", "/api/v1/me/watches", Some(&official), Some(json!({"standard": "TCVN 5574:2018"}))).await;
    assert_eq!((status, &again["id"]), (200, &watch["id"]), "watching again changes nothing");
    let (status, series) =
        app.call("POST", "/api/v1/me/watches", Some(&official), Some(json!({"series": "TCVN 5574"}))).await;
    assert_eq!((status, series["label"].as_str()), (201, Some("TCVN 5574")), "{series}");
    let (_, concrete) = app.get_standard("TCVN 5574:2018").await;
    let field = concrete["field"].as_str().unwrap_or("construction").to_string();
    let (status, _) = app.call("POST", "/api/v1/me/watches", Some(&other), Some(json!({"field": field}))).await;
    assert_eq!(status, 201);

    // Bad watches are refused, and nobody watches without an account.
    for bad in [
        json!({}),
        json!({"standard": "TCVN 5574:2018", "field": "x"}),
        json!({"series": "not a code"}),
        json!({"field": ""}),
        json!({"issuer": "x".repeat(101)}),
        json!({"standard": "TCVN 5574:2018", "extra": 1}),
    ] {
        let (status, body) = app.call("POST", "/api/v1/me/watches", Some(&official), Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (status, missing) =
        app.call("POST", "/api/v1/me/watches", Some(&official), Some(json!({"standard": "TCVN 1:1900"}))).await;
    assert_eq!(status, 404, "{missing}");
    assert_eq!(app.call("GET", "/api/v1/me/watches", None, None).await.0, 401);
    let pending = token_for(account("watch.pending").status("pending").insert(&app));
    assert_eq!(app.call("GET", "/api/v1/me/watches", Some(&pending), None).await.0, 403);

    // A new edition replaces it.
    let record = "{\"code\": \"TCVN 5574:2025\", \"title_vi\": \"Thiết kế kết cấu bê tông và bê tông cốt thép\", \"status\": \"in_force\", \"replaces\": [\"TCVN 5574:2018\"]}\n";
    let (status, report) = import(&app, &admin, record).await;
    assert_eq!(status, 200, "{report}");
    let page = notified(&app, &official, 1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let page_after = notified(&app, &official, 1).await;
    assert_eq!(page_after["total"], 1, "told once, though it watches the standard and its series: {page_after}");
    let told = &page["items"][0];
    assert_eq!((told["change"].as_str(), told["code"].as_str()), (Some("replaced"), Some("TCVN 5574:2018")));
    assert_eq!(told["message"], "TCVN 5574:2018 đã được thay thế bởi TCVN 5574:2025");
    assert_eq!((page["unread"].as_i64(), told["read"].as_bool()), (Some(1), Some(false)));
    // The field's watcher is told of the replacement too (the replaced standard is in its field).
    let theirs = notified(&app, &other, 1).await;
    assert!(theirs["items"].as_array().expect("items").iter().any(|n| n["change"] == "replaced"), "{theirs}");

    // Read, and the count goes down; marking again marks nothing.
    let (status, marked) = app.call("POST", "/api/v1/me/notifications/read", Some(&official), None).await;
    assert_eq!((status, marked["marked"].as_u64()), (200, Some(1)), "{marked}");
    let (_, unread) = app.call("GET", "/api/v1/me/notifications?unread=true", Some(&official), None).await;
    assert_eq!((unread["unread"].as_i64(), unread["items"].as_array().map(Vec::len)), (Some(0), Some(0)));
    let (status, _) =
        app.call("POST", "/api/v1/me/notifications/read", Some(&official), Some(json!({"ids": [told["id"]]}))).await;
    assert_eq!(status, 200);
    assert_eq!(app.call("GET", "/api/v1/me/notifications?unread=maybe", Some(&official), None).await.0, 400);

    // Someone else's watch is not theirs to stop; their own is.
    let (status, _) = app.call("DELETE", &format!("/api/v1/me/watches/{}", watch["id"]), Some(&other), None).await;
    assert_eq!(status, 404);
    let (status, _) = app.call("DELETE", &format!("/api/v1/me/watches/{}", watch["id"]), Some(&official), None).await;
    assert_eq!(status, 204);
    let (_, left) = app.call("GET", "/api/v1/me/watches", Some(&official), None).await;
    assert_eq!(left.as_array().map(Vec::len), Some(1), "{left}");
}

#[tokio::test]
async fn watchers_of_a_citing_standard_are_told_when_what_it_cites_is_replaced() {
    let app = spawn_app().await;
    let admin = admin(&app, "cite.admin");
    let official = token_for(account("cite.official").insert(&app));
    // QCVN 04:2021/BXD's text cites QCVN 13:2018/BXD, whose status no source gave.
    let (status, _) =
        app.call("POST", "/api/v1/me/watches", Some(&official), Some(json!({"standard": "QCVN 04:2021/BXD"}))).await;
    assert_eq!(status, 201);
    let record =
        "{\"code\": \"QCVN 13:2026/BXD\", \"title_vi\": \"Gara ô tô\", \"replaces\": [\"QCVN 13:2018/BXD\"]}\n";
    assert_eq!(import(&app, &admin, record).await.0, 200);
    let page = notified(&app, &official, 1).await;
    let told = &page["items"][0];
    assert_eq!((told["change"].as_str(), told["code"].as_str()), (Some("cited_replaced"), Some("QCVN 04:2021/BXD")));
    assert_eq!(told["message"], "QCVN 13:2018/BXD mà QCVN 04:2021/BXD viện dẫn đã được thay thế bởi QCVN 13:2026/BXD");
    assert_eq!(told["slug"], "qcvn-04-2021-bxd");
}

#[tokio::test]
async fn the_private_feed_lists_an_accounts_notifications_until_it_is_revoked() {
    let app = spawn_app().await;
    let admin = admin(&app, "feed.admin");
    let official = token_for(account("feed.official").insert(&app));
    app.call("POST", "/api/v1/me/watches", Some(&official), Some(json!({"issuer": "bxd"}))).await;
    let record = "{\"code\": \"QCVN 99:2026/BXD\", \"title_vi\": \"Quy chuẩn thử\"}\n";
    assert_eq!(import(&app, &admin, record).await.0, 200);
    let page = notified(&app, &official, 1).await;
    assert_eq!(page["items"][0]["change"], "new_edition", "{page}");

    let (status, made) = app.call("POST", "/api/v1/me/alerts/feed", Some(&official), None).await;
    assert_eq!(status, 201, "{made}");
    let url = made["url"].as_str().expect("url").to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "the address is absolute: {url}");
    let feed = format!("{}{}", app.address, &url[url.find("/feeds/alerts/").expect("the feed's path")..]);
    let response = app.client.get(&feed).send().await.expect("feed");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let atom = response.text().await.expect("atom");
    assert!(atom.contains("<title>Danh mục có thêm QCVN 99:2026/BXD: Quy chuẩn thử</title>"), "{atom}");
    assert!(atom.contains("/tieu-chuan/qcvn-99-2026-bxd"), "{atom}");
    let (_, settings) = app.call("GET", "/api/v1/me/alerts", Some(&official), None).await;
    assert_eq!(settings, json!({"email": "immediate", "feed": true}));

    // Revoked, the address is gone; a guess never was there.
    assert_eq!(app.call("DELETE", "/api/v1/me/alerts/feed", Some(&official), None).await.0, 204);
    let gone = app.client.get(&feed).send().await.expect("feed");
    assert_eq!(gone.status().as_u16(), 404);
    assert_eq!(app.call("GET", "/feeds/alerts/guess", None, None).await.0, 404);
    let (status, settings) =
        app.call("PUT", "/api/v1/me/alerts", Some(&official), Some(json!({"email": "weekly"}))).await;
    assert_eq!((status, settings), (200, json!({"email": "weekly", "feed": false})));
    assert_eq!(app.call("PUT", "/api/v1/me/alerts", Some(&official), Some(json!({"email": "hourly"}))).await.0, 400);
}
