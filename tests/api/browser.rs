//! Browser tests: Debian's Chromium driven through chromedriver against the real app. Each test
//! saves a screenshot under `target/tmp/screenshots/`. Without chromedriver they are skipped
//! outside CI, and fail in CI (where `.ci/run` installs it).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::accounts_helpers::{PASSWORD, account, token_for};
use crate::helpers::{TestApp, spawn_app};
use crate::pdf_helpers::pdf_with_pages;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A headless Chromium session and its driver process, ended on drop.
struct Browser {
    client: Client,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

async fn browser() -> Option<Browser> {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium and chromium-driver");
        eprintln!("skipped: {CHROMEDRIVER} is not installed");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = tempfile::tempdir().expect("profile dir").keep();
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "prefs": {"intl.accept_languages": "vi-VN,vi"},
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1200,900", "--lang=vi-VN", format!("--user-data-dir={}", profile.display())]
        }
    });
    let capabilities = capabilities.as_object().cloned().expect("object");
    // Two TLS providers are built into the tests (fantoccini's and reqwest's); the driver is spoken
    // to over plain HTTP, but the builder wants one chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let started = Instant::now();
    loop {
        match ClientBuilder::rustls()
            .expect("tls")
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return Some(Browser { client, driver }),
            Err(error) if started.elapsed() < Duration::from_secs(20) => {
                let _ = error;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(error) => panic!("chromium does not start: {error}"),
        }
    }
}

async fn screenshot(client: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

async fn fill(client: &Client, css: &str, text: &str) {
    client.find(Locator::Css(css)).await.expect(css).send_keys(text).await.expect("type");
}

async fn sign_in(client: &Client, app: &TestApp, username: &str, password: &str) {
    client.goto(&format!("{}/dang-nhap", app.address)).await.expect("sign-in page");
    fill(client, "#username", username).await;
    fill(client, "#password", password).await;
    client.find(Locator::Css("form button[type=submit]")).await.expect("button").click().await.expect("submit");
    wait_to_leave(client, "/dang-nhap").await;
}

/// Waits until the browser has navigated away from a path (a form was answered).
async fn wait_to_leave(client: &Client, path: &str) {
    let started = Instant::now();
    while client.current_url().await.expect("url").path() == path {
        assert!(started.elapsed() < Duration::from_secs(10), "still on {path}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn searching_nuoc_thai_shows_qcvn_14_with_its_badge() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else { return };
    let client = &browser.client;
    client.goto(&format!("{}/", app.address)).await.expect("home");
    fill(client, "#q", "nuoc thai").await;
    client.find(Locator::Css("form.search button")).await.expect("button").click().await.expect("search");
    let hit = client
        .wait()
        .for_element(Locator::XPath("//ol[@class='hits']/li[.//span[@class='code' and text()='QCVN 14:2025/BTNMT']]"))
        .await
        .expect("the hit");
    let badge = hit.find(Locator::Css(".badge")).await.expect("badge").text().await.expect("text");
    assert_eq!(badge, "Chưa rõ hiệu lực");
    assert!(client.current_url().await.expect("url").as_str().contains("q=nuoc+thai"), "the search has a plain URL");
    screenshot(client, "search-nuoc-thai").await;
}

#[tokio::test]
async fn a_replaced_standard_leads_to_its_successor() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else { return };
    let client = &browser.client;
    client.goto(&format!("{}/tieu-chuan/qcvn-06-2021-bxd", app.address)).await.expect("page");
    let warning = client.find(Locator::Css(".warning")).await.expect("warning").text().await.expect("text");
    assert!(warning.contains("Đã bị thay thế bởi"), "{warning}");
    screenshot(client, "replaced-standard").await;
    client.find(Locator::Css(".warning a")).await.expect("link").click().await.expect("follow");
    wait_to_leave(client, "/tieu-chuan/qcvn-06-2021-bxd").await;
    let heading = client.wait().for_element(Locator::Css("h1 .code")).await.expect("h1").text().await.expect("text");
    assert_eq!(heading, "QCVN 06:2022/BXD");
    screenshot(client, "successor-standard").await;
}

#[tokio::test]
async fn an_official_registers_is_approved_by_the_province_and_reads_a_tcvn_text() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else { return };
    let client = &browser.client;
    let admin = token_for(account("browser.admin").role("admin").province(None).insert(&app));
    let (_, created) = crate::texts::upload(
        &app,
        &admin,
        "tcvn-5574-2018",
        "t.pdf",
        pdf_with_pages(&["Kết cấu bê tông cốt thép - Yêu cầu thiết kế"]).to_vec(),
        None,
    )
    .await;
    account("browser.pa").role("province_admin").insert(&app);

    client.goto(&format!("{}/dang-ky", app.address)).await.expect("register page");
    fill(client, "#full_name", "Lê Văn Cường").await;
    fill(client, "#email", "cuong@camxuyen.vn").await;
    client.find(Locator::Css("#province")).await.expect("select").select_by_value("ha-tinh").await.expect("province");
    fill(client, "#unit", "UBND xã Cẩm Xuyên").await;
    fill(client, "#username", "cuong.le").await;
    fill(client, "#password", "cán bộ xã Cẩm Xuyên 2026").await;
    client.find(Locator::Css("form button[type=submit]")).await.expect("button").click().await.expect("register");
    client.wait().for_element(Locator::XPath("//h1[contains(., 'chờ tỉnh phê duyệt')]")).await.expect("registered");
    screenshot(client, "registered").await;

    sign_in(client, &app, "browser.pa", PASSWORD).await;
    client.goto(&format!("{}/quan-tri/tinh", app.address)).await.expect("province page");
    let row = client.find(Locator::XPath("//tr[td[contains(., 'cuong.le')]]")).await.expect("the registration");
    screenshot(client, "province-pending").await;
    row.find(Locator::XPath(".//form[contains(@action, '/duyet')]//button"))
        .await
        .expect("approve")
        .click()
        .await
        .expect("click");
    client
        .wait()
        .for_element(Locator::XPath("//p[contains(., 'Đã cập nhật.')]"))
        .await
        .expect("the approval is confirmed");
    client.goto(&format!("{}/tai-khoan", app.address)).await.expect("account");
    client
        .find(Locator::XPath("//form[@action='/dang-xuat']//button"))
        .await
        .expect("sign out")
        .click()
        .await
        .expect("click");
    wait_to_leave(client, "/tai-khoan").await;

    sign_in(client, &app, "cuong.le", "cán bộ xã Cẩm Xuyên 2026").await;
    client.goto(&format!("{}/tieu-chuan/tcvn-5574-2018", app.address)).await.expect("standard");
    screenshot(client, "tcvn-entitled").await;
    client.find(Locator::LinkText("Đọc")).await.expect("read link").click().await.expect("read");
    wait_to_leave(client, "/tieu-chuan/tcvn-5574-2018").await;
    let text = client.source().await.expect("html");
    assert!(text.contains("Kết cấu bê tông cốt thép"), "the official reads the text");
    assert!(client.current_url().await.expect("url").path().ends_with(&format!("/van-ban/{}", created["id"])));
    screenshot(client, "tcvn-reader").await;
}

#[tokio::test]
async fn a_form_posted_without_its_csrf_token_is_refused() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else { return };
    let client = &browser.client;
    account("browser.victim").insert(&app);
    client.goto(&format!("{}/dang-nhap", app.address)).await.expect("page");
    fill(client, "#username", "browser.victim").await;
    fill(client, "#password", PASSWORD).await;
    client.execute("document.querySelector('input[name=csrf]').remove()", vec![]).await.expect("tamper");
    client.find(Locator::Css("form button[type=submit]")).await.expect("button").click().await.expect("submit");
    let refusal = client.wait().for_element(Locator::Css("p.warning")).await.expect("the form is answered");
    assert!(refusal.text().await.expect("text").contains("Biểu mẫu đã hết hạn hoặc không hợp lệ"));
    assert!(!client.source().await.expect("html").contains("Tài khoản của tôi</h1>"), "not signed in");
    screenshot(client, "csrf-refused").await;
}

/// axe-core, installed by `.ci/run` (`npm ci --prefix tests/tools`).
const AXE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/node_modules/axe-core/axe.min.js");

#[tokio::test]
async fn the_pages_pass_an_accessibility_checker() {
    let Ok(axe) = std::fs::read_to_string(AXE) else {
        assert!(std::env::var_os("CI").is_none(), "CI must install axe-core with npm ci --prefix tests/tools");
        eprintln!("skipped: {AXE} is not installed");
        return;
    };
    let app = spawn_app().await;
    let Some(browser) = browser().await else { return };
    let client = &browser.client;
    let mut problems = Vec::new();
    for path in ["/?q=nuoc+thai", "/tieu-chuan/qcvn-06-2021-bxd", "/dang-nhap", "/dang-ky", "/?q=nuoc+thai&lang=en"] {
        client.goto(&format!("{}{path}", app.address)).await.expect("page");
        client.execute(&axe, vec![]).await.expect("axe loads");
        let found = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}).then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ')')));",
                vec![],
            )
            .await
            .expect("axe runs");
        let violations = found.as_array().cloned().unwrap_or_else(|| panic!("axe did not answer on {path}: {found}"));
        for violation in violations {
            problems.push(format!("{path}: {}", violation.as_str().unwrap_or_default()));
        }
    }
    assert!(problems.is_empty(), "accessibility problems:\n{}", problems.join("\n"));
}
