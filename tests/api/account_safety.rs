//! Account changes that must not be walked around: a suspension ends live tokens, nobody
//! suspends or demotes the last admin (or themselves), a province does not lift the Ministry's
//! suspension, and passwords are judged by a strength estimator.

use serde_json::json;

use crate::accounts::registration;
use crate::accounts_helpers::{account, token_for};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_token_issued_before_a_suspension_never_works_again() {
    let app = spawn_app().await;
    let admin = token_for(account("safe.admin").role("admin").province(None).insert(&app));
    let id = account("safe.official").insert(&app);
    let before = token_for(id);
    assert_eq!(app.call("GET", "/api/v1/me", Some(&before), None).await.0, 200);
    assert_eq!(app.call("POST", &format!("/api/v1/users/{id}/suspend"), Some(&admin), None).await.0, 200);
    assert_eq!(app.call("POST", &format!("/api/v1/users/{id}/approve"), Some(&admin), None).await.0, 200);
    let (status, body) = app.call("GET", "/api/v1/me", Some(&before), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("token_revoked")), "{body}");
}

#[tokio::test]
async fn nobody_suspends_themselves_or_removes_the_last_admin() {
    let app = spawn_app().await;
    let first = account("first.admin").role("admin").province(None).insert(&app);
    let token = token_for(first);
    let (status, body) = app.call("POST", &format!("/api/v1/users/{first}/suspend"), Some(&token), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("own_account")), "{body}");
    let (status, body) =
        app.call("PUT", &format!("/api/v1/users/{first}/role"), Some(&token), Some(json!({"role": "official"}))).await;
    assert_eq!(status, 409, "the only admin cannot become an official: {body}");
    let second = account("second.admin").role("admin").province(None).insert(&app);
    assert_eq!(app.call("POST", &format!("/api/v1/users/{second}/suspend"), Some(&token), None).await.0, 200);
    let (status, body) =
        app.call("PUT", &format!("/api/v1/users/{first}/role"), Some(&token), Some(json!({"role": "official"}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("last_admin")), "{body}");
    assert_eq!(app.call("GET", "/api/v1/me", Some(&token), None).await.0, 200, "the admin is still an admin");
}

#[tokio::test]
async fn a_province_cannot_lift_a_suspension_by_the_ministry() {
    let app = spawn_app().await;
    let admin = token_for(account("min.admin").role("admin").province(None).insert(&app));
    let province = token_for(account("ht.admin").role("province_admin").insert(&app));
    let id = account("ht.official").insert(&app);
    assert_eq!(app.call("POST", &format!("/api/v1/users/{id}/suspend"), Some(&admin), None).await.0, 200);
    for action in ["approve", "renew"] {
        let body = json!({"expires_at": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339()});
        let (status, answer) =
            app.call("POST", &format!("/api/v1/users/{id}/{action}"), Some(&province), Some(body)).await;
        assert_eq!(status, 403, "{action}: {answer}");
    }
    assert_eq!(app.call("POST", &format!("/api/v1/users/{id}/approve"), Some(&admin), None).await.0, 200);
    assert_eq!(app.call("POST", &format!("/api/v1/users/{id}/suspend"), Some(&province), None).await.0, 200);
    let (status, answer) = app.call("POST", &format!("/api/v1/users/{id}/approve"), Some(&province), None).await;
    assert_eq!(status, 200, "the province lifts its own suspension: {answer}");
}

#[tokio::test]
async fn weak_passwords_are_judged_by_their_strength_not_a_short_list() {
    let app = spawn_app().await;
    for (i, password) in
        ["abcabcabcabc", "123456789012", "matkhau12345", "qwertyuiopas", "nguyen123456"].iter().enumerate()
    {
        let mut body = registration(&format!("weak.{i}"), "ha-tinh");
        body["password"] = json!(password);
        let (status, answer) = app.call("POST", "/api/v1/auth/register", None, Some(body)).await;
        assert_eq!((status, answer["error"]["code"].as_str()), (422, Some("weak_password")), "{password}: {answer}");
    }
    let (status, answer) =
        app.call("POST", "/api/v1/auth/register", None, Some(registration("strong.one", "ha-tinh"))).await;
    assert_eq!(status, 201, "a long passphrase is accepted: {answer}");
}
