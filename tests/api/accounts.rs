//! Accounts end to end: registration and approval by the province, sign-in, lockout and rate
//! limits, token attacks, refresh rotation, changes taking effect at once, usage reports.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use tieuchuan::db::audit;
use tieuchuan::domain::AccessAction;

use crate::accounts_helpers::{PASSWORD, TEST_SECRET, account, token_for};
use crate::helpers::{TestApp, TestDatabase, spawn_app, spawn_app_on};

pub fn registration(username: &str, province: &str) -> Value {
    json!({"username": username, "password": "cán bộ xã Tân Lập 2026", "full_name": "Nguyễn Văn An",
           "email": format!("{username}@xa.vn"), "province": province, "unit": "UBND xã Tân Lập", "role": "official"})
}

#[tokio::test]
async fn an_official_registers_waits_for_the_province_and_then_signs_in() {
    let app = spawn_app().await;
    let (status, created) =
        app.call("POST", "/api/v1/auth/register", None, Some(registration("an.nguyen", "ha-tinh"))).await;
    assert_eq!((status, created["status"].as_str()), (201, Some("pending")), "{created}");
    let (status, body) = app.login("An.Nguyen", "cán bộ xã Tân Lập 2026").await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("account_pending")));
    let other_province = token_for(account("pa.phutho").role("province_admin").province(Some("phu-tho")).insert(&app));
    let id = created["id"].as_i64().expect("id");
    let (status, _) = app.call("POST", &format!("/api/v1/users/{id}/approve"), Some(&other_province), None).await;
    assert_eq!(status, 403, "Phú Thọ cannot approve a Hà Tĩnh official");
    let own_province = token_for(account("pa.hatinh").role("province_admin").insert(&app));
    let (status, approved) = app.call("POST", &format!("/api/v1/users/{id}/approve"), Some(&own_province), None).await;
    assert_eq!((status, approved["status"].as_str()), (200, Some("active")));
    assert!(approved["expires_at"].as_str().is_some_and(|e| e.starts_with("2027-")), "a year: {approved}");
    let (status, session) = app.login("an.nguyen", "cán bộ xã Tân Lập 2026").await;
    assert_eq!((status, session["token_type"].as_str()), (200, Some("Bearer")), "{session}");
    let (status, me) = app.call("GET", "/api/v1/me", session["access_token"].as_str(), None).await;
    assert_eq!((status, me["username"].as_str(), me["province"].as_str()), (200, Some("an.nguyen"), Some("ha-tinh")));
    let mut conn = app.db.connect();
    let events: Vec<String> =
        audit::account_events_of(&mut conn, id, 10).expect("events").into_iter().map(|e| e.event).collect();
    assert_eq!(events, vec!["login", "approved", "registered"]);
}

#[tokio::test]
async fn bad_registrations_are_refused_with_a_reason() {
    let app = spawn_app().await;
    let mut cases: Vec<(Value, u16, &str)> = Vec::new();
    let with = |key: &str, value: Value| {
        let mut body = registration("binh.tran", "ha-tinh");
        body[key] = value;
        body
    };
    cases.push((with("password", json!("short")), 422, "weak_password"));
    cases.push((with("password", json!("binh.tran")), 422, "weak_password"));
    cases.push((with("password", json!("password1234")), 422, "weak_password"));
    cases.push((with("province", json!("atlantis")), 422, "unknown_province"));
    cases.push((with("role", json!("admin")), 422, "invalid_role"));
    cases.push((with("email", json!("not an email")), 422, "invalid_email"));
    cases.push((with("username", json!("a b")), 422, "invalid_username"));
    cases.push((with("full_name", json!("")), 422, "invalid_full_name"));
    cases.push((json!({"username": "x"}), 400, "invalid_parameter"));
    cases.push((with("is_admin", json!(true)), 400, "invalid_parameter"));
    for (body, status, code) in cases {
        let (got, answer) = app.call("POST", "/api/v1/auth/register", None, Some(body.clone())).await;
        assert_eq!((got, answer["error"]["code"].as_str()), (status, Some(code)), "{body}: {answer}");
    }
    let (status, _) = app.call("POST", "/api/v1/auth/register", None, Some(registration("binh.tran", "ha-tinh"))).await;
    assert_eq!(status, 201);
    let (status, answer) =
        app.call("POST", "/api/v1/auth/register", None, Some(registration("binh.tran", "ha-tinh"))).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (409, Some("username_taken")));
    let raw = app
        .client
        .post(format!("{}/api/v1/auth/register", app.address))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    assert_eq!(raw.status().as_u16(), 400);
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_get_the_same_answer() {
    let app = spawn_app().await;
    account("chi.le").insert(&app);
    let (unknown_status, unknown) = app.login("nobody.here", PASSWORD).await;
    let (wrong_status, wrong) = app.login("chi.le", "not the right password").await;
    assert_eq!((unknown_status, wrong_status), (401, 401));
    assert_eq!(unknown, wrong);
}

#[tokio::test]
async fn repeated_failures_lock_the_account_and_say_so() {
    let app = spawn_app().await;
    account("dung.pham").insert(&app);
    for _ in 0..5 {
        assert_eq!(app.login("dung.pham", "wrong password here").await.0, 401);
    }
    let response = app
        .client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&json!({"username": "dung.pham", "password": PASSWORD}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 429);
    let retry: u64 = response.headers()["retry-after"].to_str().expect("header").parse().expect("seconds");
    assert!(retry > 60, "locked for minutes: {retry}");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "account_locked");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("locked")));
}

#[tokio::test]
async fn rapid_attempts_on_one_username_are_rate_limited() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(app.login("ghost", "some password 123").await.0);
    }
    assert_eq!(&statuses[..10], &[401; 10]);
    assert_eq!(statuses[11], 429, "{statuses:?}");
}

fn forge(header: &Value, claims: &Value, key: Option<&[u8]>) -> String {
    let encode = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let signing_input = format!("{}.{}", encode(header), encode(claims));
    let signature = match key {
        None => String::new(),
        Some(key) => {
            let token = jsonwebtoken::encode(
                &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
                claims,
                &jsonwebtoken::EncodingKey::from_secret(key),
            )
            .expect("sign");
            token.rsplit('.').next().expect("signature").to_string()
        }
    };
    format!("{signing_input}.{signature}")
}

#[tokio::test]
async fn token_attacks_are_all_refused() {
    let app = spawn_app().await;
    let id = account("em.vo").insert(&app);
    let now = chrono::Utc::now().timestamp();
    let claims = |sub: i64, iat: i64, exp: i64| json!({"sub": sub.to_string(), "tv": 1, "iat": iat, "nbf": iat, "exp": exp, "iss": "tieuchuan", "aud": "tieuchuan-api"});
    let hs256 = json!({"alg": "HS256", "typ": "JWT"});
    let genuine = token_for(id);
    let (payload_start, payload_end) = (genuine.find('.').expect("dot") + 1, genuine.rfind('.').expect("dot"));
    let tampered = format!(
        "{}{}{}",
        &genuine[..payload_start],
        URL_SAFE_NO_PAD.encode(claims(id + 1, now, now + 600).to_string()),
        &genuine[payload_end..]
    );
    let attacks = [
        ("alg none", forge(&json!({"alg": "none", "typ": "JWT"}), &claims(id, now, now + 600), None)),
        ("wrong key", forge(&hs256, &claims(id, now, now + 600), Some(b"another secret of more than 32 bytes!!"))),
        ("tampered payload", tampered),
        ("expired", forge(&hs256, &claims(id, now - 3600, now - 600), Some(TEST_SECRET.as_bytes()))),
        ("not yet valid", forge(&hs256, &claims(id, now + 3600, now + 7200), Some(TEST_SECRET.as_bytes()))),
        ("garbage", "not.a.token".to_string()),
    ];
    for (name, token) in attacks {
        let (status, body) = app.call("GET", "/api/v1/me", Some(&token), None).await;
        assert_eq!(status, 401, "{name}: {body}");
    }
    let basic = app.client.get(format!("{}/api/v1/me", app.address)).header("authorization", "Basic YTpi").send().await;
    assert_eq!(basic.expect("request").status().as_u16(), 401);
    assert_eq!(app.call("GET", "/api/v1/me", Some(&genuine), None).await.0, 200, "the genuine token works");
}

#[tokio::test]
async fn a_suspension_or_role_change_takes_effect_on_the_next_request() {
    let app = spawn_app().await;
    let official = account("giang.ho").insert(&app);
    let province_admin = token_for(account("pa.ht").role("province_admin").insert(&app));
    let admin = token_for(account("root.admin").role("admin").province(None).insert(&app));
    let (_, session) = app.login("giang.ho", PASSWORD).await;
    let token = session["access_token"].as_str().expect("token").to_string();
    assert_eq!(app.call("GET", "/api/v1/reports/usage", Some(&token), None).await.0, 200);
    assert_eq!(
        app.call("POST", &format!("/api/v1/users/{official}/suspend"), Some(&province_admin), None).await.0,
        200
    );
    // A suspension ends the live tokens; signing in again says why.
    let (status, body) = app.call("GET", "/api/v1/reports/usage", Some(&token), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("token_revoked")));
    let (status, body) = app.login("giang.ho", PASSWORD).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("account_suspended")));
    let refresh = json!({"refresh_token": session["refresh_token"]});
    assert!(
        app.call("POST", "/api/v1/auth/refresh", None, Some(refresh)).await.0 >= 401,
        "a suspended account cannot refresh"
    );
    assert_eq!(
        app.call("POST", &format!("/api/v1/users/{official}/approve"), Some(&province_admin), None).await.0,
        200
    );
    let stale = app.call("GET", "/api/v1/reports/usage", Some(&token), None).await.0;
    assert_eq!(stale, 401, "a token from before the suspension stays dead after re-approval");
    let (_, session) = app.login("giang.ho", PASSWORD).await;
    let token = session["access_token"].as_str().expect("token").to_string();
    assert_eq!(app.call("GET", "/api/v1/reports/usage", Some(&token), None).await.0, 200, "reactivated");
    let role = json!({"role": "province_admin"});
    assert_eq!(app.call("PUT", &format!("/api/v1/users/{official}/role"), Some(&admin), Some(role)).await.0, 200);
    let (status, body) = app.call("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("token_revoked")));
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_closes_the_whole_family() {
    let app = spawn_app().await;
    account("hoa.mai").insert(&app);
    let (_, first) = app.login("hoa.mai", PASSWORD).await;
    let (status, second) =
        app.call("POST", "/api/v1/auth/refresh", None, Some(json!({"refresh_token": first["refresh_token"]}))).await;
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(app.call("GET", "/api/v1/me", second["access_token"].as_str(), None).await.0, 200);
    let (status, body) =
        app.call("POST", "/api/v1/auth/refresh", None, Some(json!({"refresh_token": first["refresh_token"]}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("refresh_token_reused")));
    let (status, _) =
        app.call("POST", "/api/v1/auth/refresh", None, Some(json!({"refresh_token": second["refresh_token"]}))).await;
    assert_eq!(status, 401, "the thief's reuse revoked the owner's newer token too");
    let (_, third) = app.login("hoa.mai", PASSWORD).await;
    assert_eq!(
        app.call("POST", "/api/v1/auth/logout", None, Some(json!({"refresh_token": third["refresh_token"]}))).await.0,
        204
    );
    let (status, _) =
        app.call("POST", "/api/v1/auth/refresh", None, Some(json!({"refresh_token": third["refresh_token"]}))).await;
    assert_eq!(status, 401, "signed out");
    assert_eq!(app.call("POST", "/api/v1/auth/refresh", None, Some(json!({"refresh_token": "made-up"}))).await.0, 401);
}

#[tokio::test]
async fn a_password_change_ends_every_earlier_session() {
    let app = spawn_app().await;
    account("khanh.do").insert(&app);
    let (_, session) = app.login("khanh.do", PASSWORD).await;
    let token = session["access_token"].as_str().expect("token");
    let change = json!({"current_password": PASSWORD, "new_password": "một mật khẩu mới hẳn 2027"});
    assert_eq!(app.call("PUT", "/api/v1/me/password", Some(token), Some(change)).await.0, 204);
    assert_eq!(app.call("GET", "/api/v1/me", Some(token), None).await.0, 401);
    assert_eq!(app.login("khanh.do", PASSWORD).await.0, 401);
    assert_eq!(app.login("khanh.do", "một mật khẩu mới hẳn 2027").await.0, 200);
}

async fn seed_reads(app: &TestApp) -> (i64, i64) {
    let ha_tinh = account("reader.ht").unit("UBND xã Cẩm Xuyên").insert(app);
    let phu_tho = account("reader.pt").province(Some("phu-tho")).unit("UBND phường Việt Trì").insert(app);
    let mut conn = app.db.connect();
    let standard =
        tieuchuan::db::standards::find_by_slug(&mut conn, "tcvn-5574-2018").expect("query").expect("standard").id;
    for (user, action) in
        [(ha_tinh, AccessAction::View), (ha_tinh, AccessAction::Download), (phu_tho, AccessAction::View)]
    {
        let row = tieuchuan::db::users::find_by_id(&mut conn, user).expect("query").expect("user");
        let account = tieuchuan::auth::Account::from_row(&row, chrono::Utc::now().naive_utc());
        tieuchuan::services::usage::record_access(&mut conn, &account, standard, None, action, false).expect("record");
    }
    (ha_tinh, phu_tho)
}

#[tokio::test]
async fn usage_reports_are_scoped_by_role_and_come_as_csv_too() {
    let app = spawn_app().await;
    let (ha_tinh_reader, _) = seed_reads(&app).await;
    let admin = token_for(account("report.admin").role("admin").province(None).insert(&app));
    let (_, national) = app.call("GET", "/api/v1/reports/usage?group_by=province", Some(&admin), None).await;
    let rows: Vec<(&str, u64)> = national["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["key"].as_str().unwrap_or(""), r["total"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(rows, vec![("ha-tinh", 2), ("phu-tho", 1)]);
    assert_eq!(national["rows"][0]["label"], "Tỉnh Hà Tĩnh");
    let phu_tho_admin =
        token_for(account("pa.report.pt").role("province_admin").province(Some("phu-tho")).insert(&app));
    let (_, own) = app.call("GET", "/api/v1/reports/usage?group_by=unit", Some(&phu_tho_admin), None).await;
    assert_eq!((own["scope"].as_str(), own["total"].as_u64()), (Some("province:phu-tho"), Some(1)));
    assert_eq!(own["rows"][0]["key"], "UBND phường Việt Trì");
    let (status, _) = app.call("GET", "/api/v1/reports/usage?province=ha-tinh", Some(&phu_tho_admin), None).await;
    assert_eq!(status, 403, "Phú Thọ cannot report on Hà Tĩnh");
    let (_, mine) =
        app.call("GET", "/api/v1/reports/usage?group_by=standard", Some(&token_for(ha_tinh_reader)), None).await;
    assert_eq!((mine["total"].as_u64(), mine["rows"][0]["downloads"].as_u64()), (Some(2), Some(1)));
    let csv = app
        .client
        .get(format!("{}/api/v1/reports/usage?group_by=day&format=csv", app.address))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("request");
    assert!(csv.headers()["content-type"].to_str().expect("type").starts_with("text/csv"));
    let text = csv.text().await.expect("text");
    assert!(text.starts_with("key,label,views,downloads,total\n") && text.lines().count() == 2, "{text}");
    for bad in ["group_by=month", "format=xml", "from=2026-13-01", "from=2026-05-01&to=2026-01-01"] {
        let (status, body) = app.call("GET", &format!("/api/v1/reports/usage?{bad}"), Some(&admin), None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_parameter")), "{bad}");
    }
}

#[tokio::test]
async fn a_short_configured_secret_is_refused_at_start() {
    let result = tieuchuan::startup::Application::build({
        let mut settings = TestDatabase::new().settings();
        settings.jwt_secret = Some("too short".into());
        settings
    })
    .await;
    assert!(result.is_err());
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.jwt_secret = None).await;
    assert!(app.db.dir.path().join("data/jwt-secret").exists(), "a generated secret is kept in the data dir");
}

#[test]
fn create_admin_is_idempotent_and_never_invents_a_password() {
    let db = TestDatabase::new();
    let run = |password: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tieuchuan"));
        command
            .args(["create-admin", "bo.truong"])
            .env("DATABASE_URL", &db.url)
            .env("TIEUCHUAN_DATA_DIR", db.dir.path().join("data"));
        command.env_remove("TIEUCHUAN_ADMIN_PASSWORD").stdin(std::process::Stdio::null());
        if let Some(password) = password {
            command.env("TIEUCHUAN_ADMIN_PASSWORD", password);
        }
        command.output().expect("runs")
    };
    let without = run(None);
    assert!(!without.status.success(), "no password, no admin");
    assert!(String::from_utf8_lossy(&without.stderr).contains("TIEUCHUAN_ADMIN_PASSWORD"));
    let weak = run(Some("admin"));
    assert!(!weak.status.success());
    let created = run(Some("Bộ trưởng quản trị 2026"));
    assert!(String::from_utf8_lossy(&created.stdout).contains("created the admin account `bo.truong`"), "{created:?}");
    let again = run(Some("another password 2026"));
    assert!(again.status.success() && String::from_utf8_lossy(&again.stdout).contains("exists already"));
}
