//! The server-rendered pages over HTTP: search, a standard, the reader, languages, assets.

use crate::helpers::{TestApp, encode, spawn_app};

async fn page(app: &TestApp, path: &str, accept_language: Option<&str>) -> (u16, String) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let mut request = client.get(format!("{}{path}", app.address));
    if let Some(language) = accept_language {
        request = request.header("accept-language", language);
    }
    let response = request.send().await.expect("page");
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = response.text().await.expect("html");
    (status, location.unwrap_or(body))
}

fn assert_self_contained(html: &str) {
    assert!(!html.contains("<script"), "pages work without JavaScript");
    assert!(!html.contains("http://") && !html.contains("https://"), "no external CDN or font service");
}

#[tokio::test]
async fn searching_nuoc_thai_shows_the_regulation_with_its_badge_in_a_small_page() {
    let app = spawn_app().await;
    let (status, html) = page(&app, "/?q=nuoc+thai", None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(
            r#"<span class="code">QCVN 14:2025/BTNMT</span></a><span class="badge unknown">Chưa rõ hiệu lực</span>"#
        ),
        "{html}"
    );
    assert!(html.contains("<mark>nước thải</mark>"));
    assert!(html.len() < 100 * 1024, "the search page is {} bytes", html.len());
    assert!(html.contains(r#"<html lang="vi">"#) && html.contains(r#"<label for="q""#));
    assert_self_contained(&html);
    let (_, filtered) = page(&app, "/?q=nuoc+thai&kind=TCVN", None).await;
    assert!(!filtered.contains("QCVN 14:2025/BTNMT") && filtered.contains("Bỏ bộ lọc"));
}

#[tokio::test]
async fn any_spelling_of_a_code_redirects_to_the_canonical_page() {
    let app = spawn_app().await;
    let (status, location) = page(&app, &format!("/tieu-chuan/{}", encode("qcvn 06 2021 bxd")), None).await;
    assert_eq!((status, location.as_str()), (301, "/tieu-chuan/qcvn-06-2021-bxd"));
    let (status, html) = page(&app, "/tieu-chuan/khong-co-ma-nay", None).await;
    assert_eq!(status, 404);
    assert!(html.contains("Không tìm thấy trang này."));
}

#[tokio::test]
async fn a_replaced_standard_warns_and_links_to_its_successor_and_back() {
    let app = spawn_app().await;
    let (status, html) = page(&app, "/tieu-chuan/qcvn-06-2021-bxd", None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Đã bị thay thế bởi")
            && html.contains(r#"<a href="/tieu-chuan/qcvn-06-2022-bxd">QCVN 06:2022/BXD</a>"#),
        "{html}"
    );
    let (_, successor) = page(&app, "/tieu-chuan/qcvn-06-2022-bxd", None).await;
    assert!(
        successor.contains(r#"<a href="/tieu-chuan/qcvn-06-2021-bxd">QCVN 06:2021/BXD</a>"#),
        "the chain links both ways"
    );
    assert!(successor.contains("Còn hiệu lực") && successor.contains("Nguồn dữ liệu"));
    assert_self_contained(&successor);
}

#[tokio::test]
async fn english_is_available_by_parameter_or_browser_language() {
    let app = spawn_app().await;
    let (_, by_parameter) = page(&app, "/?q=QCVN+06&lang=en", None).await;
    assert!(by_parameter.contains(r#"<html lang="en">"#) && by_parameter.contains("results"));
    let (_, by_header) = page(&app, "/tieu-chuan/qcvn-06-2021-bxd", Some("en-GB,en;q=0.9")).await;
    assert!(by_header.contains("Replaced by"), "{by_header}");
    let (_, vietnamese) = page(&app, "/", Some("vi-VN,vi;q=0.9,en;q=0.5")).await;
    assert!(vietnamese.contains(r#"<html lang="vi">"#));
}

#[tokio::test]
async fn the_reader_shows_one_section_and_the_contents() {
    use crate::accounts_helpers::{account, token_for};
    let app = spawn_app().await;
    let admin = token_for(account("pages.admin").role("admin").province(None).insert(&app));
    let (_, created) = crate::texts::upload(
        &app,
        &admin,
        "qcvn-01-2021-bxd",
        "a.md",
        b"# Ch\xc6\xb0\xc6\xa1ng 1\nPh\xe1\xba\xa1m vi <b>x</b>\n# Ch\xc6\xb0\xc6\xa1ng 2\nN\xe1\xbb\x99i dung"
            .to_vec(),
        None,
    )
    .await;
    let id = created["id"].as_i64().expect("id");
    let (status, html) = page(&app, &format!("/tieu-chuan/qcvn-01-2021-bxd/van-ban/{id}?muc=1"), None).await;
    assert_eq!(status, 200);
    assert!(html.contains("Nội dung") && !html.contains("Phạm vi &lt;b&gt;"), "only the asked section: {html}");
    assert!(html.contains("Chương 1") && html.contains("Mục lục"), "the contents list every section");
    let (_, whole) = page(&app, &format!("/tieu-chuan/qcvn-01-2021-bxd/van-ban/{id}?muc=tat-ca"), None).await;
    assert!(whole.contains("Phạm vi &lt;b&gt;x&lt;/b&gt;") && whole.contains("Nội dung"), "markup in texts stays text");
    let (_, detail) = page(&app, "/tieu-chuan/qcvn-01-2021-bxd", None).await;
    assert!(detail.contains(&format!(r#"href="/tieu-chuan/qcvn-01-2021-bxd/van-ban/{id}""#)));
}

#[tokio::test]
async fn the_stylesheet_is_served_with_an_etag_and_revalidates() {
    let app = spawn_app().await;
    let response = app.client.get(format!("{}/static/app.css", app.address)).send().await.expect("css");
    let etag = response.headers()["etag"].to_str().expect("etag").to_string();
    assert!(response.headers()["content-type"].to_str().expect("type").starts_with("text/css"));
    let again = app
        .client
        .get(format!("{}/static/app.css", app.address))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("css");
    assert_eq!(again.status().as_u16(), 304);
}
