//! Builders for accounts in tests: rows written straight to the database (hashing once), and
//! tokens minted with the test apps' token key.

use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDateTime, Utc};
use serde_json::Value;
use tieuchuan::auth::password;
use tieuchuan::auth::tokens::{self, TokenKeys};
use tieuchuan::db::users::{self, NewUser};
use tieuchuan::feed::signing::FeedKey;

use crate::helpers::TestApp;

/// The signing secret every test app uses.
pub const TEST_SECRET: &str = "a test-only signing secret of more than 32 bytes";
/// The feed signing key's seed of the test apps (base64url), from which their token key is derived.
pub const TEST_FEED_SEED: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
/// The password of every account the builder makes.
pub const PASSWORD: &str = "mật khẩu thử nghiệm 2026";

static HASH: LazyLock<String> = LazyLock::new(|| password::hash(PASSWORD).expect("hash"));

/// An account to insert.
pub struct AccountBuilder {
    username: String,
    role: &'static str,
    province: Option<&'static str>,
    status: &'static str,
    expires_at: Option<NaiveDateTime>,
    unit: Option<&'static str>,
}

/// Starts an account with a username; active official of Hà Tĩnh unless told otherwise.
pub fn account(username: &str) -> AccountBuilder {
    AccountBuilder {
        username: username.to_string(),
        role: "official",
        province: Some("ha-tinh"),
        status: "active",
        expires_at: Some(Utc::now().naive_utc() + Duration::days(30)),
        unit: Some("UBND xã Cẩm Xuyên"),
    }
}

impl AccountBuilder {
    pub fn role(mut self, role: &'static str) -> Self {
        self.role = role;
        self
    }

    pub fn province(mut self, province: Option<&'static str>) -> Self {
        self.province = province;
        self
    }

    pub fn status(mut self, status: &'static str) -> Self {
        self.status = status;
        self
    }

    pub fn expired(mut self) -> Self {
        self.expires_at = Some(Utc::now().naive_utc() - Duration::days(1));
        self
    }

    pub fn unit(mut self, unit: &'static str) -> Self {
        self.unit = Some(unit);
        self
    }

    /// Inserts the account and returns its id.
    pub fn insert(self, app: &TestApp) -> i64 {
        self.insert_into(&app.db)
    }

    /// Inserts the account into this database and returns its id.
    pub fn insert_into(self, db: &crate::helpers::TestDatabase) -> i64 {
        let mut conn = db.connect();
        let now = Utc::now().naive_utc();
        users::insert(
            &mut conn,
            &NewUser {
                email: format!("{}@test.vn", self.username),
                username: self.username,
                full_name: "Người Thử".into(),
                role: self.role.parse().expect("a role"),
                province: self.province.map(str::to_string),
                commune: None,
                unit: self.unit.map(str::to_string),
                status: self.status.parse().expect("an account status"),
                expires_at: self.expires_at,
                password_hash: HASH.clone(),
                created_at: now,
                created_by: None,
                approved_at: None,
                approved_by: None,
                updated_at: now,
            },
        )
        .expect("insert account")
    }
}

/// An access token for an account (token version 1), as a sign-in would issue.
pub fn token_for(user_id: i64) -> String {
    let seed: [u8; 32] = URL_SAFE_NO_PAD.decode(TEST_FEED_SEED).expect("base64").try_into().expect("32 bytes");
    let token_seed = FeedKey::from_seed(&seed).derived_seed(tokens::TOKEN_KEY_PURPOSE);
    let keys = TokenKeys::new(TEST_SECRET.as_bytes(), Some(token_seed)).expect("keys");
    keys.issue(user_id, 1, Utc::now().naive_utc()).expect("token").0
}

impl TestApp {
    /// Sends a request with an optional bearer token and JSON body; returns status and JSON body
    /// (`Null` for an empty body).
    pub async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.client.request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) })
    }

    /// Signs in over HTTP; returns the whole answer.
    pub async fn login(&self, username: &str, password: &str) -> (u16, Value) {
        self.call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"username": username, "password": password})),
        )
        .await
    }
}
