//! Webhooks for portals (#16): an admin registers a URL and a secret; each catalogue change is
//! POSTed to a real HTTP receiver (an actix-web server in the test) as its feed entry, signed with
//! HMAC-SHA256 over the timestamp and the body, retried with backoff after a failure, in entry
//! order, with a delivery log; a removed webhook receives nothing more.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::accounts_helpers::{account, token_for};
use crate::code_families::import;
use crate::helpers::spawn_app;

const SECRET: &str = "a portal's webhook secret of enough length";

/// What the receiver got: each request's headers of interest and body, and its answer.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<(Value, u16)>>>);

async fn receive(request: HttpRequest, body: web::Bytes, received: web::Data<Received>) -> HttpResponse {
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let mut all = received.0.lock().expect("lock");
    // The receiver is down for the first request: it must be tried again.
    let status = if all.is_empty() { 503 } else { 200 };
    all.push((
        json!({
            "signature": header("x-tieuchuan-signature"), "delivery": header("x-tieuchuan-delivery"),
            "seq": header("x-tieuchuan-seq"), "event": header("x-tieuchuan-event"),
            "content_type": header("content-type"), "body": String::from_utf8_lossy(&body),
        }),
        status,
    ));
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("status")).finish()
}

fn verifies(signature: &str, body: &str) -> bool {
    let Some((t, v1)) = signature.strip_prefix("t=").and_then(|rest| rest.split_once(",v1=")) else { return false };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    expected == v1
}

#[tokio::test]
async fn each_change_is_posted_signed_in_order_and_retried_until_taken() {
    let app = spawn_app().await;
    let admin = token_for(account("hooks.admin").role("admin").province(None).insert(&app));
    let official = token_for(account("hooks.official").insert(&app));
    let received = Received::default();
    let data = web::Data::new(received.clone());
    let server = HttpServer::new(move || App::new().app_data(data.clone()).route("/hook", web::post().to(receive)))
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("bind");
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());

    // Only admins register; the address and the secret are checked.
    let hook = json!({"url": format!("http://127.0.0.1:{port}/hook"), "secret": SECRET});
    assert_eq!(app.call("POST", "/api/v1/webhooks", None, Some(hook.clone())).await.0, 401);
    assert_eq!(app.call("POST", "/api/v1/webhooks", Some(&official), Some(hook.clone())).await.0, 403);
    for bad in [
        json!({"url": "ftp://x/hook", "secret": SECRET}),
        json!({"url": "not a url", "secret": SECRET}),
        json!({"url": "http://127.0.0.1/hook", "secret": "short"}),
    ] {
        assert_eq!(app.call("POST", "/api/v1/webhooks", Some(&admin), Some(bad)).await.0, 400);
    }
    let (status, registered) = app.call("POST", "/api/v1/webhooks", Some(&admin), Some(hook)).await;
    assert_eq!(status, 201, "{registered}");
    assert!(registered.get("secret").is_none(), "the secret is never shown");

    let records: String = (1..=3)
        .map(|n| format!("{{\"code\": \"TCVN 7770{n}:2026\", \"title_vi\": \"Tiêu chuẩn cho cổng {n}\"}}\n"))
        .collect();
    assert_eq!(import(&app, &admin, &records).await.0, 200);
    let started = Instant::now();
    let taken = loop {
        let all = received.0.lock().expect("lock").clone();
        let taken: Vec<Value> = all.iter().filter(|(_, status)| *status == 200).map(|(r, _)| r.clone()).collect();
        if taken.len() >= 3 {
            break taken;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "three deliveries never taken: {all:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let seqs: Vec<i64> = taken.iter().map(|r| r["seq"].as_str().and_then(|s| s.parse().ok()).expect("seq")).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in entry order, none twice: {seqs:?}");
    for request in &taken {
        let body = request["body"].as_str().expect("body");
        assert!(verifies(request["signature"].as_str().expect("signature"), body), "{request}");
        assert_eq!(
            (request["event"].as_str(), request["content_type"].as_str()),
            (Some("change"), Some("application/json"))
        );
        let entry: Value = serde_json::from_str(body).expect("the feed entry");
        assert_eq!(entry["seq"].to_string(), request["seq"].as_str().expect("seq"));
        let (_, page) =
            app.get_json(&format!("/api/v1/changes?after={}&limit=1", entry["seq"].as_i64().expect("seq") - 1)).await;
        assert_eq!(page["entries"][0]["record_sha256"], entry["record_sha256"], "the same entry the feed carries");
    }
    let first = &received.0.lock().expect("lock")[0].0.clone();
    assert_eq!(first["delivery"], taken[0]["delivery"], "the refused delivery was tried again");
    assert!(started.elapsed() >= Duration::from_secs(4), "the retry waited its backoff");

    // The delivery log says what happened.
    let (_, hooks) = app.call("GET", "/api/v1/webhooks", Some(&admin), None).await;
    let log = &hooks[0];
    assert_eq!(
        (log["delivered"].as_i64(), log["pending"].as_i64(), log["failed"].as_i64()),
        (Some(3), Some(0), Some(0)),
        "{log}"
    );
    let retried = log["deliveries"].as_array().expect("log").iter().find(|d| d["attempts"] == 2).expect("one retried");
    assert_eq!((retried["state"].as_str(), retried["last_status"].as_i64()), (Some("delivered"), Some(200)));
    assert_eq!(app.call("GET", "/api/v1/webhooks", Some(&official), None).await.0, 403);

    // The admin page shows the same log.
    let browser = crate::account_pages::browser();
    crate::account_pages::sign_in(&browser, &app, "hooks.admin", crate::accounts_helpers::PASSWORD).await;
    let (status, html) = crate::account_pages::get(&browser, &app, "/quan-tri/webhook").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("<code>http://127.0.0.1:{port}/hook</code>")) && html.contains("Đã nhận: 3"),
        "{html}"
    );
    assert!(!html.contains(SECRET), "the secret is never shown");
    let stranger = crate::account_pages::browser();
    crate::account_pages::sign_in(&stranger, &app, "hooks.official", crate::accounts_helpers::PASSWORD).await;
    assert_eq!(crate::account_pages::get(&stranger, &app, "/quan-tri/webhook").await.0, 403);

    // Removed, it receives nothing more.
    let id = log["id"].as_i64().expect("id");
    assert_eq!(app.call("DELETE", &format!("/api/v1/webhooks/{id}"), Some(&admin), None).await.0, 204);
    assert_eq!(app.call("DELETE", &format!("/api/v1/webhooks/{id}"), Some(&admin), None).await.0, 404);
    let before = received.0.lock().expect("lock").len();
    assert_eq!(import(&app, &admin, "{\"code\": \"TCVN 77709:2026\", \"title_vi\": \"Sau khi gỡ\"}\n").await.0, 200);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(received.0.lock().expect("lock").len(), before);
}
