//! The pages against what an attacker tries: redirects out of the site after sign-in, framing,
//! forged forms, state changed by a link, and headers that keep texts out of caches.

use crate::account_pages::{browser, csrf_of, get};
use crate::accounts_helpers::{PASSWORD, account};
use crate::helpers::{TestApp, spawn_app};

/// Where a `next` would send the browser, resolved as a browser resolves a `Location`.
fn destination(app: &TestApp, location: &str) -> reqwest::Url {
    reqwest::Url::parse(&app.address).expect("address").join(location).expect("a location a browser can follow")
}

/// `next` values seen in open-redirect attacks: tab and newline dropped by browsers, backslashes
/// read as slashes, schemes, encoded slashes, and control characters.
const HOSTILE_NEXTS: [&str; 12] = [
    "/\t/evil.example",
    "/\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " //evil.example",
    "/%2F/evil.example",
    "/\r\nSet-Cookie: x=1",
    "http:evil.example",
    "/\u{0}/evil.example",
];

#[tokio::test]
async fn sign_in_never_sends_the_browser_to_another_site() {
    let app = spawn_app().await;
    let host = destination(&app, "/").host_str().map(str::to_string);
    for (i, next) in HOSTILE_NEXTS.iter().enumerate() {
        // One account each: sign-in is limited per username.
        let username = format!("r.official{i}");
        account(&username).insert(&app);
        let browser = browser();
        let (_, form) = get(&browser, &app, "/dang-nhap").await;
        let fields = [("csrf", csrf_of(&form)), ("username", username), ("password", PASSWORD.into())];
        let response = browser
            .post(format!("{}/dang-nhap", app.address))
            .form(&[fields.as_slice(), &[("next", next.to_string())]].concat())
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status().as_u16(), 303, "{next:?}");
        let location = response.headers()["location"].to_str().expect("an ASCII location").to_string();
        let target = destination(&app, &location);
        assert_eq!(target.host_str().map(str::to_string), host, "{next:?} sent the browser to {location}");
        assert!(!location.starts_with("//") && !location.contains('\\'), "{next:?} → {location}");
    }
}

#[tokio::test]
async fn a_session_renewal_with_a_hostile_next_stays_on_the_site_and_keeps_the_session() {
    let app = spawn_app().await;
    account("r.renew").insert(&app);
    let browser = browser();
    crate::account_pages::sign_in(&browser, &app, "r.renew", PASSWORD).await;
    for next in ["/\r\nX-Evil: 1", "/\t/evil.example", "//evil.example"] {
        let url = format!("{}/dang-nhap/gia-han?next={}", app.address, crate::helpers::encode(next));
        let response = browser.get(url).header("sec-fetch-site", "same-origin").send().await.expect("renew");
        assert_eq!(response.status().as_u16(), 303, "{next:?}");
        let location = response.headers()["location"].to_str().expect("location").to_string();
        assert_eq!(destination(&app, &location).host_str(), Some("127.0.0.1"), "{next:?} → {location}");
        assert!(!location.starts_with("/dang-nhap"), "{next:?}: the renewal failed and signed the browser out");
    }
    let (status, html) = get(&browser, &app, "/tai-khoan").await;
    assert_eq!(status, 200, "still signed in after the renewals: {html}");
}

#[tokio::test]
async fn pages_carry_security_headers_and_cannot_be_framed() {
    let app = spawn_app().await;
    for path in ["/", "/dang-nhap", "/tieu-chuan/qcvn-06-2022-bxd", "/api/v1/standards"] {
        let response = app.client.get(format!("{}{path}", app.address)).send().await.expect("page");
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert!(!header("referrer-policy").is_empty(), "{path}");
        let policy = header("content-security-policy");
        assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
        assert!(policy.contains("script-src 'none'") || path.starts_with("/api"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(header("strict-transport-security").is_empty(), "{path}: no HSTS over plain HTTP");
    }
}

#[tokio::test]
async fn csrf_tokens_are_signed_bound_to_the_session_and_rotated_at_sign_in() {
    let app = spawn_app().await;
    account("csrf.owner").insert(&app);
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let forged = plain
        .post(format!("{}/dang-nhap", app.address))
        .header("cookie", "tc_csrf=x")
        .form(&[("csrf", "x"), ("username", "csrf.owner"), ("password", PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status().as_u16(), 403, "a cookie and a field the attacker chose are not a token");
    let browser = browser();
    let (_, form) = get(&browser, &app, "/dang-nhap").await;
    let before = csrf_of(&form);
    let fields = [("csrf", before.clone()), ("username", "csrf.owner".into()), ("password", PASSWORD.into())];
    let response = browser.post(format!("{}/dang-nhap", app.address)).form(&fields).send().await.expect("sign in");
    assert_eq!(response.status().as_u16(), 303);
    let rotated =
        response.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap_or("").starts_with("tc_csrf="));
    assert!(rotated, "signing in sets a new CSRF cookie");
    let stale =
        browser.post(format!("{}/dang-xuat", app.address)).form(&[("csrf", before)]).send().await.expect("post");
    assert_eq!(stale.status().as_u16(), 403, "the token of the signed-out page no longer works");
    let (_, account_page) = get(&browser, &app, "/tai-khoan").await;
    let current = csrf_of(&account_page);
    let sign_out =
        browser.post(format!("{}/dang-xuat", app.address)).form(&[("csrf", current)]).send().await.expect("post");
    assert_eq!(sign_out.status().as_u16(), 303, "the current token works");
}

#[tokio::test]
async fn a_renewal_asked_by_another_site_changes_nothing_until_the_user_confirms() {
    let app = spawn_app().await;
    account("renew.owner").insert(&app);
    let browser = browser();
    crate::account_pages::sign_in(&browser, &app, "renew.owner", PASSWORD).await;
    let url = format!("{}/dang-nhap/gia-han?next=/tai-khoan", app.address);
    let response = browser.get(&url).header("sec-fetch-site", "cross-site").send().await.expect("renew");
    assert_eq!(response.status().as_u16(), 200, "a page asking to continue, not a renewal");
    assert!(response.headers().get_all("set-cookie").iter().next().is_none(), "no cookie was changed");
    let html = response.text().await.expect("html");
    assert!(html.contains(r#"method="post""#) && html.contains(r#"action="/dang-nhap/gia-han""#), "{html}");
    let confirm = browser
        .post(format!("{}/dang-nhap/gia-han", app.address))
        .form(&[("csrf", csrf_of(&html)), ("next", "/tai-khoan".into())])
        .send()
        .await
        .expect("confirm");
    assert_eq!(confirm.status().as_u16(), 303);
    assert_eq!(confirm.headers()["location"], "/tai-khoan");
}

#[tokio::test]
async fn the_reader_drops_external_images_and_restricted_texts_are_not_cached() {
    let app = spawn_app().await;
    let admin = crate::texts::admin(&app);
    let text =
        "# Mục 1\nẢnh ![theo dõi](https://evil.example/pixel.png?reader=1) và <img src=\"http://evil.example/b.png\">.";
    for (reference, slug) in [("QCVN 06:2022/BXD", "qcvn-06-2022-bxd"), ("TCVN 5574:2018", "tcvn-5574-2018")] {
        let (status, created) = crate::texts::upload(&app, &admin, reference, "t.md", text.into(), None).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_i64().expect("id");
        let api = app
            .client
            .get(format!("{}/api/v1/standards/{slug}/documents/{id}/text", app.address))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("text");
        let restricted = slug.starts_with("tcvn");
        let cache = api.headers().get("cache-control").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert_eq!(cache.contains("no-store"), restricted, "{slug} /text: {cache}");
        let body = api.text().await.expect("body");
        assert!(!body.contains("<img src=\\\"http"), "{slug}: {body}");
        let page = app
            .client
            .get(format!("{}/tieu-chuan/{slug}/van-ban/{id}", app.address))
            .header("cookie", format!("tc_access={admin}"))
            .send()
            .await
            .expect("reader");
        let cache = page.headers().get("cache-control").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert_eq!(cache.contains("no-store"), restricted, "{slug} reader page: {cache}");
        let html = page.text().await.expect("html");
        assert!(!html.contains("<img src=\"http") && html.contains("Mục 1"), "{slug}: {html}");
    }
}
