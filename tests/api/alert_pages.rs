//! The watch buttons and the notifications page (#16), with a cookie session: watch a standard
//! from its page, see the unread count in the header, read, choose how mail comes, make and
//! revoke the private feed; forms without their CSRF token are refused.

use crate::account_pages::{browser, csrf_of, get, sign_in};
use crate::accounts_helpers::{PASSWORD, account, token_for};
use crate::code_families::import;
use crate::helpers::spawn_app;
use crate::watchlists::notified;

#[tokio::test]
async fn an_official_watches_from_the_standard_page_and_reads_the_notification() {
    let app = spawn_app().await;
    let admin = token_for(account("pages.admin").role("admin").province(None).insert(&app));
    let id = account("pages.official").insert(&app);
    let browser = browser();
    sign_in(&browser, &app, "pages.official", PASSWORD).await;

    let (status, html) = get(&browser, &app, "/tieu-chuan/tcvn-5574-2018").await;
    assert_eq!(status, 200);
    assert!(html.contains("Theo dõi cả bộ"), "{html}");
    let csrf = csrf_of(&html);
    let watch = |what: &'static str, csrf: String| {
        let browser = browser.clone();
        let url = format!("{}/tieu-chuan/tcvn-5574-2018/theo-doi", app.address);
        async move { browser.post(url).form(&[("csrf", csrf), ("what", what.into())]).send().await.expect("watch") }
    };
    assert_eq!(watch("series", "forged".into()).await.status().as_u16(), 403, "no CSRF token, no watch");
    let done = watch("series", csrf.clone()).await;
    assert_eq!(done.status().as_u16(), 303);
    assert_eq!(done.headers()["location"], "/tieu-chuan/tcvn-5574-2018?theo-doi=1");
    let (_, html) = get(&browser, &app, "/tieu-chuan/tcvn-5574-2018?theo-doi=1").await;
    assert!(html.contains("Đã theo dõi"), "{html}");

    let record =
        "{\"code\": \"TCVN 5574:2025\", \"title_vi\": \"Kết cấu bê tông\", \"replaces\": [\"TCVN 5574:2018\"]}\n";
    assert_eq!(import(&app, &admin, record).await.0, 200);
    notified(&app, &token_for(id), 1).await;
    let (_, home) = get(&browser, &app, "/").await;
    assert!(
        home.contains(r#"<a class="unread" href="/tai-khoan/thong-bao">Thông báo <span class="count">1</span></a>"#),
        "{home}"
    );
    let (status, inbox) = get(&browser, &app, "/tai-khoan/thong-bao").await;
    assert_eq!(status, 200);
    assert!(inbox.contains("TCVN 5574:2018 đã được thay thế bởi TCVN 5574:2025"), "{inbox}");
    assert!(inbox.contains("<li>TCVN 5574\n"), "the series watched: {inbox}");

    let csrf = csrf_of(&inbox);
    let act = |fields: Vec<(&'static str, String)>| {
        let browser = browser.clone();
        let url = format!("{}/tai-khoan/thong-bao", app.address);
        async move { browser.post(url).form(&fields).send().await.expect("act") }
    };
    assert_eq!(act(vec![("csrf", csrf.clone()), ("action", "read_all".into())]).await.status().as_u16(), 303);
    let (_, home) = get(&browser, &app, "/").await;
    assert!(!home.contains(r#"class="unread""#), "all read: no count");
    let chosen = act(vec![("csrf", csrf.clone()), ("action", "email".into()), ("email", "weekly".into())]).await;
    assert_eq!(chosen.status().as_u16(), 303);
    let made = act(vec![("csrf", csrf.clone()), ("action", "feed_new".into())]).await;
    let made = made.text().await.expect("html");
    assert!(made.contains("/feeds/alerts/"), "the address is shown once: {made}");
    assert!(made.contains(r#"value="weekly" checked"#), "{made}");
    let (_, again) = get(&browser, &app, "/tai-khoan/thong-bao").await;
    assert!(!again.contains("/feeds/alerts/") && again.contains("nguồn tin riêng"), "{again}");
    assert_eq!(act(vec![("csrf", "forged".into()), ("action", "feed_revoke".into())]).await.status().as_u16(), 403);
    assert_eq!(act(vec![("csrf", csrf.clone()), ("action", "nonsense".into())]).await.status().as_u16(), 400);

    // Signed out, the page asks to sign in and the standard page shows no buttons.
    let stranger = crate::account_pages::browser();
    let (status, _) = get(&stranger, &app, "/tai-khoan/thong-bao").await;
    assert_eq!(status, 303);
    let (_, html) = get(&stranger, &app, "/tieu-chuan/tcvn-5574-2018").await;
    assert!(!html.contains("Theo dõi cả bộ"));
}
