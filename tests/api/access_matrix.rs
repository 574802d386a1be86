//! The access policy as a matrix: every endpoint that exists × every caller state, with the
//! exact status expected. A single unexpected allow fails the test.

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::json;

use crate::accounts_helpers::{PASSWORD, account, token_for};
use crate::helpers::{TestApp, spawn_app};

/// Anonymous, pending, expired, suspended, official, inspector, provincial admin of the
/// target's province (Hà Tĩnh), provincial admin of another (Phú Thọ), admin.
const CALLERS: [&str; 9] =
    ["anonymous", "pending", "expired", "suspended", "official", "inspector", "pa_same", "pa_other", "admin"];

/// (endpoint, expected status per caller in the order of `CALLERS`).
const MATRIX: &[(&str, [u16; 9])] = &[
    ("GET search", [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET suggest", [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET standards", [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET standard", [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET me", [401, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("PUT me/password (wrong current)", [401, 403, 403, 403, 401, 401, 401, 401, 401]),
    ("GET users", [401, 403, 403, 403, 403, 403, 200, 200, 200]),
    ("GET users?province=ha-tinh", [401, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("GET users/{official of Hà Tĩnh}", [401, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("POST users/{pending}/approve", [401, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("POST users/{active}/suspend", [401, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("POST users/{active}/renew", [401, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("PUT users/{active}/role", [401, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("POST users", [401, 403, 403, 403, 403, 403, 403, 403, 201]),
    ("GET reports/usage", [401, 403, 403, 403, 200, 200, 200, 200, 200]),
    ("GET reports/usage?province=ha-tinh", [401, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("POST imports (dry run)", [401, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("GET me/watches", [401, 403, 403, 403, 200, 200, 200, 200, 200]),
    ("POST me/watches", [401, 403, 403, 403, 201, 201, 201, 201, 201]),
    ("GET me/notifications", [401, 403, 403, 403, 200, 200, 200, 200, 200]),
    ("PUT me/alerts", [401, 403, 403, 403, 200, 200, 200, 200, 200]),
    ("POST me/alerts/feed", [401, 403, 403, 403, 201, 201, 201, 201, 201]),
    ("POST standards/{ref}/references", [401, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("DELETE standards/{ref}/references", [401, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("GET me/checks", [401, 403, 403, 403, 200, 200, 200, 200, 200]),
    ("GET webhooks", [401, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("POST webhooks", [401, 403, 403, 403, 403, 403, 403, 403, 201]),
];

static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", NEXT.fetch_add(1, Ordering::SeqCst))
}

/// Tokens of the nine caller states (`None` for anonymous).
fn callers(app: &TestApp) -> Vec<Option<String>> {
    let ids = [
        None,
        Some(account("c.pending").status("pending").insert(app)),
        Some(account("c.expired").expired().insert(app)),
        Some(account("c.suspended").status("suspended").insert(app)),
        Some(account("c.official").insert(app)),
        Some(account("c.inspector").role("inspector").insert(app)),
        Some(account("c.pa.hatinh").role("province_admin").insert(app)),
        Some(account("c.pa.phutho").role("province_admin").province(Some("phu-tho")).insert(app)),
        Some(account("c.admin").role("admin").province(None).insert(app)),
    ];
    ids.iter().map(|id| id.map(token_for)).collect()
}

/// Sends the request of one endpoint for one caller, with a fresh target where it changes one.
async fn request(app: &TestApp, endpoint: &str, token: Option<&str>, official: i64) -> (u16, serde_json::Value) {
    let fresh = |status: &'static str| account(&unique("t.")).status(status).insert(app);
    let (method, path, body) = match endpoint {
        "GET search" => ("GET", "/api/v1/search?q=nuoc+thai".to_string(), None),
        "GET suggest" => ("GET", "/api/v1/suggest?q=qcvn".to_string(), None),
        "GET standards" => ("GET", "/api/v1/standards".to_string(), None),
        "GET standard" => ("GET", "/api/v1/standards/qcvn-06-2022-bxd".to_string(), None),
        "GET me" => ("GET", "/api/v1/me".to_string(), None),
        "PUT me/password (wrong current)" => (
            "PUT",
            "/api/v1/me/password".to_string(),
            Some(json!({"current_password": "not the password", "new_password": "một mật khẩu mới 2027"})),
        ),
        "GET users" => ("GET", "/api/v1/users".to_string(), None),
        "GET users?province=ha-tinh" => ("GET", "/api/v1/users?province=ha-tinh".to_string(), None),
        "GET users/{official of Hà Tĩnh}" => ("GET", format!("/api/v1/users/{official}"), None),
        "POST users/{pending}/approve" => ("POST", format!("/api/v1/users/{}/approve", fresh("pending")), None),
        "POST users/{active}/suspend" => ("POST", format!("/api/v1/users/{}/suspend", fresh("active")), None),
        "POST users/{active}/renew" => (
            "POST",
            format!("/api/v1/users/{}/renew", fresh("active")),
            Some(json!({"expires_at": (chrono::Utc::now() + chrono::Duration::days(100)).to_rfc3339()})),
        ),
        "PUT users/{active}/role" => {
            ("PUT", format!("/api/v1/users/{}/role", fresh("active")), Some(json!({"role": "inspector"})))
        }
        "POST users" => (
            "POST",
            "/api/v1/users".to_string(),
            Some(json!({
                "username": unique("new."), "password": PASSWORD, "full_name": "Cán bộ mới",
                "email": format!("{}@x.vn", unique("mail")), "province": "ha-tinh", "unit": "UBND", "role": "official"
            })),
        ),
        "GET reports/usage" => ("GET", "/api/v1/reports/usage".to_string(), None),
        "GET reports/usage?province=ha-tinh" => ("GET", "/api/v1/reports/usage?province=ha-tinh".to_string(), None),
        "GET me/watches" => ("GET", "/api/v1/me/watches".to_string(), None),
        "POST me/watches" => ("POST", "/api/v1/me/watches".to_string(), Some(json!({"series": "QCVN 06"}))),
        "GET me/notifications" => ("GET", "/api/v1/me/notifications".to_string(), None),
        "PUT me/alerts" => ("PUT", "/api/v1/me/alerts".to_string(), Some(json!({"email": "weekly"}))),
        "POST me/alerts/feed" => ("POST", "/api/v1/me/alerts/feed".to_string(), None),
        "POST standards/{ref}/references" => (
            "POST",
            "/api/v1/standards/qcvn-04-2021-bxd/references".to_string(),
            Some(json!({"code": "TCVN 2622:1995", "section": "1.3 Tài liệu viện dẫn"})),
        ),
        "DELETE standards/{ref}/references" => {
            ("DELETE", "/api/v1/standards/qcvn-04-2021-bxd/references?code=QCVN%2006%3A2021%2FBXD".to_string(), None)
        }
        "GET me/checks" => ("GET", "/api/v1/me/checks".to_string(), None),
        "GET webhooks" => ("GET", "/api/v1/webhooks".to_string(), None),
        "POST webhooks" => (
            "POST",
            "/api/v1/webhooks".to_string(),
            Some(json!({"url": "http://127.0.0.1:9/hook", "secret": "a matrix webhook secret of enough length"})),
        ),
        "POST imports (dry run)" => {
            let mut request = app
                .client
                .post(format!("{}/api/v1/imports?dry_run=true", app.address))
                .header("content-type", "application/x-ndjson")
                .body("{\"code\": \"TCVN 1:2000\", \"title_vi\": \"Thử\"}\n");
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.expect("request");
            let status = response.status().as_u16();
            return (status, response.json().await.unwrap_or_default());
        }
        other => panic!("no request for {other}"),
    };
    app.call(method, &path, token, body).await
}

#[tokio::test]
async fn every_endpoint_answers_every_caller_exactly_as_the_policy_says() {
    let app = spawn_app().await;
    let official = account("target.official").insert(&app);
    let tokens = callers(&app);
    let mut unexpected = Vec::new();
    for (endpoint, expected) in MATRIX {
        for (caller, (token, want)) in CALLERS.iter().zip(tokens.iter().zip(expected)) {
            let (status, body) = request(&app, endpoint, token.as_deref(), official).await;
            if status != *want {
                unexpected.push(format!("{endpoint} as {caller}: expected {want}, got {status} {body}"));
            }
            if status >= 400 {
                assert!(body["error"]["code"].is_string(), "{endpoint} as {caller}: no envelope: {body}");
            }
        }
    }
    assert!(unexpected.is_empty(), "{} mismatches:\n{}", unexpected.len(), unexpected.join("\n"));
}
