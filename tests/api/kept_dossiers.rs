//! Keeping a dossier (#16): nothing sent to a check is kept unless a signed-in caller asks; a kept
//! dossier (its text, never a file's bytes) is listed, checked again as of today or another date,
//! and forgotten, only by its owner; on the page too.

use serde_json::json;

use crate::account_pages::{browser, csrf_of, get, sign_in};
use crate::accounts_helpers::{PASSWORD, account, token_for};
use crate::helpers::spawn_app;

const DOSSIER: &str = "Thuyết minh: thiết kế theo QCVN 06:2021/BXD và TCVN 5574:2018.";

#[tokio::test]
async fn a_dossier_is_kept_only_when_asked_and_checked_again_by_its_owner() {
    let app = spawn_app().await;
    let official = token_for(account("kept.official").insert(&app));
    let other = token_for(account("kept.other").insert(&app));
    let body = json!({"text": DOSSIER, "as_of": "2026-12-01", "keep": true, "name": "Nhà văn hoá xã A"});
    assert_eq!(app.call("POST", "/api/v1/checks", None, Some(body.clone())).await.0, 401, "a visitor keeps nothing");
    let (status, plain) = app.call("POST", "/api/v1/checks", Some(&official), Some(json!({"text": DOSSIER}))).await;
    assert_eq!((status, &plain["kept"]), (200, &serde_json::Value::Null), "not asked, not kept");
    let (status, report) = app.call("POST", "/api/v1/checks", Some(&official), Some(body)).await;
    assert_eq!(status, 200, "{report}");
    let id = report["kept"].as_i64().expect("kept");

    let (_, kept) = app.call("GET", "/api/v1/me/checks", Some(&official), None).await;
    assert_eq!(kept.as_array().map(Vec::len), Some(1), "{kept}");
    assert_eq!(
        (kept[0]["name"].as_str(), kept[0]["codes"].as_i64(), kept[0]["as_of"].as_str()),
        (Some("Nhà văn hoá xã A"), Some(2), Some("2026-12-01"))
    );
    // Checked again on another date: QCVN 06:2021/BXD was in force before its successor.
    let (status, earlier) =
        app.call("GET", &format!("/api/v1/me/checks/{id}?as_of=2022-01-01"), Some(&official), None).await;
    assert_eq!((status, earlier["as_of"].as_str()), (200, Some("2022-01-01")), "{earlier}");
    let fire =
        earlier["checked"].as_array().and_then(|c| c.iter().find(|c| c["code"] == "QCVN 06:2021/BXD")).expect("cited");
    assert_ne!(fire["outcome"], "replaced", "{fire}");
    let response = app
        .client
        .get(format!("{}/api/v1/me/checks/{id}?format=csv", app.address))
        .bearer_auth(&official)
        .send()
        .await
        .expect("csv");
    assert!(response.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/csv"));
    // Only its owner sees it.
    assert_eq!(app.call("GET", &format!("/api/v1/me/checks/{id}"), Some(&other), None).await.0, 404);
    assert_eq!(app.call("DELETE", &format!("/api/v1/me/checks/{id}"), Some(&other), None).await.0, 404);
    assert_eq!(app.call("GET", "/api/v1/me/checks", None, None).await.0, 401);
    assert_eq!(app.call("DELETE", &format!("/api/v1/me/checks/{id}"), Some(&official), None).await.0, 204);
    assert_eq!(app.call("GET", &format!("/api/v1/me/checks/{id}"), Some(&official), None).await.0, 404);

    // A file's text is kept, not the file.
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(DOSSIER.as_bytes().to_vec()).file_name("danh-muc.txt"))
        .text("keep", "true");
    let response = (app.client.post(format!("{}/api/v1/checks/files", app.address)))
        .bearer_auth(&official)
        .multipart(form)
        .send()
        .await
        .expect("file");
    let report: serde_json::Value = response.json().await.expect("report");
    assert!(report["kept"].is_i64(), "{report}");
    let (_, kept) = app.call("GET", "/api/v1/me/checks", Some(&official), None).await;
    assert!(kept[0]["name"].as_str().is_some_and(|n| n.starts_with("Hồ sơ kiểm tra ngày")), "{kept}");
}

#[tokio::test]
async fn the_check_page_keeps_lists_rechecks_and_forgets_a_dossier() {
    let app = spawn_app().await;
    account("kept.page").insert(&app);
    let official = browser();
    sign_in(&official, &app, "kept.page", PASSWORD).await;
    let (_, form) = get(&official, &app, "/kiem-tra-ho-so").await;
    assert!(form.contains(r#"name="keep" value="true""#), "{form}");
    let csrf = csrf_of(&form);
    let fields = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("text", DOSSIER)
        .text("as_of", "2026-12-01")
        .text("keep", "true")
        .text("name", "Trạm y tế xã B");
    let response =
        official.post(format!("{}/kiem-tra-ho-so", app.address)).multipart(fields).send().await.expect("check");
    let html = response.text().await.expect("html");
    assert!(html.contains("Hồ sơ đã lưu: Trạm y tế xã B"), "{html}");
    let (_, form) = get(&official, &app, "/kiem-tra-ho-so").await;
    assert!(form.contains("Trạm y tế xã B (2 mã") && form.contains("Kiểm tra lại hôm nay"), "{form}");
    let start = form.find("/kiem-tra-ho-so/da-luu/").expect("the recheck link");
    let id: String = form[start + "/kiem-tra-ho-so/da-luu/".len()..].chars().take_while(char::is_ascii_digit).collect();
    let (status, again) = get(&official, &app, &format!("/kiem-tra-ho-so/da-luu/{id}")).await;
    assert_eq!(status, 200);
    assert!(again.contains("QCVN 06:2021/BXD") && again.contains("Trạm y tế xã B"), "{again}");
    let forgotten = official
        .post(format!("{}/kiem-tra-ho-so/da-luu/{id}/xoa", app.address))
        .form(&[("csrf", csrf)])
        .send()
        .await
        .expect("forget");
    assert_eq!(forgotten.status().as_u16(), 303);
    let (_, form) = get(&official, &app, "/kiem-tra-ho-so").await;
    assert!(!form.contains("Trạm y tế xã B"), "{form}");
    // A visitor sees no keep box.
    let (_, visitor) = get(&browser(), &app, "/kiem-tra-ho-so").await;
    assert!(!visitor.contains(r#"name="keep""#));
}
