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
