//! Guessing passwords and locking others out: limits keyed the way sign-in reads the username,
//! attempts counted before the password is checked, lockouts that cost the attacker and not the
//! owner, and the same for changing a password and for registering.

use std::net::IpAddr;

use futures_util::future::join_all;
use serde_json::json;

use crate::accounts::registration;
use crate::accounts_helpers::{PASSWORD, account, token_for};
use crate::helpers::{TestApp, spawn_app};

/// A client whose connections come from another loopback address (`127.0.0.N`).
fn from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder().local_address(IpAddr::from(address)).build().expect("client")
}

async fn login_from(app: &TestApp, client: &reqwest::Client, username: &str, password: &str) -> u16 {
    let body = json!({"username": username, "password": password});
    let response = client.post(format!("{}/api/v1/auth/login", app.address)).json(&body).send().await.expect("login");
    response.status().as_u16()
}

#[tokio::test]
async fn the_username_limit_cannot_be_walked_around_with_spaces_or_case() {
    // A username without an account: no lockout, only the limiter answers 429.
    let app = spawn_app().await;
    let client = from([127, 0, 0, 1]);
    for _ in 0..10 {
        assert_eq!(login_from(&app, &client, "ghost", "not the password").await, 401);
    }
    for spelling in [" ghost", "ghost ", "GHOST", "\tGhost"] {
        assert_eq!(login_from(&app, &client, spelling, "not the password").await, 429, "{spelling:?}");
    }
}

#[tokio::test]
async fn parallel_wrong_guesses_are_counted_before_they_are_checked() {
    let app = spawn_app().await;
    account("parallel.target").insert(&app);
    let client = from([127, 0, 0, 1]);
    let guesses = (0..10).map(|i| {
        let client = client.clone();
        let app = &app;
        async move { login_from(app, &client, "parallel.target", &format!("guess number {i}")).await }
    });
    let statuses = join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!(checked <= 5, "{checked} guesses were checked at once: {statuses:?}");
    assert_eq!(login_from(&app, &client, "parallel.target", PASSWORD).await, 429, "the guessing address is locked");
}

#[tokio::test]
async fn failures_from_one_address_do_not_lock_the_owner_out() {
    let app = spawn_app().await;
    account("owner").insert(&app);
    let attacker = from([127, 0, 0, 66]);
    for _ in 0..6 {
        login_from(&app, &attacker, "owner", "a wrong guess").await;
    }
    assert_eq!(login_from(&app, &attacker, "owner", PASSWORD).await, 429, "the attacker's address is locked");
    let owner = from([127, 0, 0, 7]);
    assert_eq!(login_from(&app, &owner, "owner", PASSWORD).await, 200, "the owner signs in from their own address");
}

#[tokio::test]
async fn changing_a_password_has_the_same_attempt_limit() {
    let app = spawn_app().await;
    let token = token_for(account("changer").insert(&app));
    let wrong = json!({"current_password": "not the password", "new_password": "một mật khẩu mới rất dài 2027"});
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(app.call("PUT", "/api/v1/me/password", Some(&token), Some(wrong.clone())).await.0);
    }
    assert_eq!(statuses[..5], [401; 5], "{statuses:?}");
    assert_eq!(statuses[5..], [429; 2], "{statuses:?}");
}

#[tokio::test]
async fn registrations_from_one_address_are_limited() {
    let app = spawn_app().await;
    let requests = (0..15).map(|i| {
        let app = &app;
        async move {
            app.call("POST", "/api/v1/auth/register", None, Some(registration(&format!("reg.{i}"), "ha-tinh"))).await.0
        }
    });
    let statuses = join_all(requests).await;
    let created = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(created <= 10 && refused >= 5 && created + refused == 15, "{statuses:?}");
    let other = from([127, 0, 0, 9]);
    let response = other
        .post(format!("{}/api/v1/auth/register", app.address))
        .json(&registration("reg.other", "ha-tinh"))
        .send()
        .await
        .expect("register");
    assert_eq!(response.status().as_u16(), 201, "another address is not affected");
}

#[tokio::test]
async fn first_attempts_at_once_are_all_allowed_below_the_limit() {
    // The first attempt from an address creates its row; others at the same moment find the row
    // only after their updates looked, and must still be allowed (the same race as the first
    // download of a day, found on PostgreSQL).
    let app = crate::helpers::spawn_app().await;
    let user = crate::accounts_helpers::account("race.signin").insert(&app);
    for round in 0..20 {
        let address = format!("192.0.2.{round}");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (db_url, address) = (app.db.url.clone(), address.clone());
                std::thread::spawn(move || {
                    let pool = tieuchuan::db::build_pool(&tieuchuan::db::DatabaseUrl::parse(&db_url), 1).expect("pool");
                    let mut conn = pool.get().expect("connection");
                    let now = chrono::Utc::now().naive_utc();
                    tieuchuan::db::sign_in_attempts::begin(&mut conn, user, &address, 10, now).expect("begin")
                })
            })
            .collect();
        let attempts: Vec<_> = threads.into_iter().map(|t| t.join().expect("thread")).collect();
        assert!(
            attempts.iter().all(|a| *a == tieuchuan::db::sign_in_attempts::Attempt::Allowed),
            "round {round}: {attempts:?}"
        );
    }
}
