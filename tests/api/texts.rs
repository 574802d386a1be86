//! Full texts end to end: upload, extraction, body search, the reader, stamped PDFs, the quota,
//! and files that must be refused without leaving anything behind.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestApp, TestDatabase, encode, spawn_app, spawn_app_on};
use crate::pdf_helpers::{encrypted_pdf, pdf_with_pages};

pub const QCVN_06: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/standards-data/texts/QCVN-06-2022-BXD.md");

/// Uploads a text as an admin through the API; the status and the JSON answer.
pub async fn upload(
    app: &TestApp,
    token: &str,
    reference: &str,
    name: &str,
    bytes: Vec<u8>,
    level: Option<&str>,
) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    if let Some(level) = level {
        form = form.text("access_level", level.to_string());
    }
    let response = app
        .client
        .post(format!("{}/api/v1/standards/{}/documents", app.address, encode(reference)))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

pub fn admin(app: &TestApp) -> String {
    token_for(account(&format!("admin.{}", app.address.len())).role("admin").province(None).insert(app))
}

async fn first_hit(app: &TestApp, token: Option<&str>, query: &str) -> Value {
    let (_, body) = app.call("GET", &format!("/api/v1/search?q={}", encode(query)), token, None).await;
    body["hits"][0].clone()
}

/// Waits until an anonymous search finds `code` first (public texts).
pub async fn wait_until_searchable(app: &TestApp, query: &str, code: &str) -> Value {
    wait_until_found_by(app, None, query, code).await
}

/// Waits until a search by the holder of `token` (or anonymous) finds `code` first.
pub async fn wait_until_found_by(app: &TestApp, token: Option<&str>, query: &str, code: &str) -> Value {
    let started = Instant::now();
    loop {
        let hit = first_hit(app, token, query).await;
        if hit["code"] == code {
            return hit;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{query} never found {code}: {hit}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_real_qcvn_06_text_is_found_by_phrases_only_in_its_body() {
    let app = spawn_app().await;
    let token = admin(&app);
    let bytes = std::fs::read(QCVN_06).expect("the real text is beside the project");
    // The seed attached it at first start: the same bytes uploaded again change nothing.
    let (status, created) = upload(&app, &token, "QCVN 06:2022/BXD", "QCVN-06-2022-BXD.md", bytes.clone(), None).await;
    assert_eq!(
        (status, created["format"].as_str(), created["access_level"].as_str()),
        (200, Some("markdown"), Some("public"))
    );
    assert!(created["sections"].as_u64().is_some_and(|n| n > 100), "{created}");
    let (again, same) = upload(&app, &token, "qcvn-06-2022-bxd", "copy.md", bytes, None).await;
    assert_eq!((again, same["id"].clone()), (200, created["id"].clone()), "the same bytes again change nothing");
    for query in ["chiều cao PCCC", "chieu cao pccc", "khoang cháy", "khoang chay"] {
        let hit = wait_until_searchable(&app, query, "QCVN 06:2022/BXD").await;
        assert!(hit["highlight"]["body"].as_str().is_some_and(|b| b.contains("<mark>")), "{query}: {hit}");
        assert!(hit["highlight"]["section"].is_string(), "{query}: the snippet names its section");
    }
    let id = created["id"].as_i64().expect("id");
    let (status, one) =
        app.get_json(&format!("/api/v1/standards/qcvn-06-2022-bxd/documents/{id}/text?section=3")).await;
    assert_eq!((status, one["sections"].as_array().map(Vec::len)), (200, Some(1)), "anyone reads a public regulation");
    assert_eq!(one["contents"].as_array().map(Vec::len), created["sections"].as_u64().map(|n| n as usize));
    let (status, _) =
        app.get_json(&format!("/api/v1/standards/qcvn-06-2022-bxd/documents/{id}/text?section=100000")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn an_official_reads_a_tcvn_text_free_stamped_and_the_province_sees_it() {
    let app = spawn_app().await;
    let token = admin(&app);
    let pdf = pdf_with_pages(&["Thiết kế kết cấu bê tông cốt thép", "Cường độ chịu nén của bê tông"]);
    let (status, created) = upload(&app, &token, "TCVN 5574:2018", "tcvn-5574.pdf", pdf, None).await;
    assert_eq!(
        (status, created["access_level"].as_str(), created["pages"].as_i64()),
        (201, Some("registered"), Some(2)),
        "{created}"
    );
    let id = created["id"].as_i64().expect("id");
    let text_path = format!("/api/v1/standards/tcvn-5574-2018/documents/{id}/text");
    let pdf_path = format!("/api/v1/standards/tcvn-5574-2018/documents/{id}/pdf");
    assert_eq!(app.call("GET", &text_path, None, None).await.0, 401);
    assert_eq!(app.call("GET", &pdf_path, None, None).await.0, 401);
    let pending = token_for(account("waiting").status("pending").insert(&app));
    assert_eq!(app.call("GET", &text_path, Some(&pending), None).await.0, 403);
    let official = token_for(account("an.official").unit("UBND xã Cẩm Xuyên").insert(&app));
    let (status, text) = app.call("GET", &text_path, Some(&official), None).await;
    assert_eq!(status, 200);
    assert!(text["sections"][0]["html"].as_str().is_some_and(|h| h.contains("bê tông cốt thép")), "{text}");
    let response =
        app.client.get(format!("{}{pdf_path}", app.address)).bearer_auth(&official).send().await.expect("pdf");
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let stamped = response.bytes().await.expect("bytes");
    let extracted = pdf_extract::extract_text_from_mem(&stamped).expect("the stamped PDF reads");
    assert!(extracted.contains("Cấp cho: Người Thử – UBND xã Cẩm Xuyên – Tỉnh Hà Tĩnh"), "{extracted}");
    assert!(extracted.contains("chỉ sử dụng cho công vụ") && extracted.contains("Cường độ chịu nén"), "{extracted}");
    let (_, detail) = app.call("GET", "/api/v1/standards/tcvn-5574-2018", Some(&official), None).await;
    assert_eq!(detail["documents"][0]["can_read"], true);
    let (_, anonymous) = app.get_json("/api/v1/standards/tcvn-5574-2018").await;
    assert_eq!(anonymous["documents"][0]["can_read"], false);
    let province = token_for(account("pa.hatinh.texts").role("province_admin").insert(&app));
    let (_, report) = app.call("GET", "/api/v1/reports/usage?group_by=standard", Some(&province), None).await;
    assert_eq!(report["rows"][0]["key"], "TCVN 5574:2018");
    assert_eq!((report["rows"][0]["views"].as_u64(), report["rows"][0]["downloads"].as_u64()), (Some(1), Some(1)));
}

#[tokio::test]
async fn texts_for_inspectors_are_for_inspectors() {
    let app = spawn_app().await;
    let token = admin(&app);
    let (status, created) =
        upload(&app, &token, "ĐLVN 31:2017", "dlvn.md", "# Quy trình\nKiểm định pH".into(), Some("inspectors")).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("/api/v1/standards/dlvn-31-2017/documents/{}/text", created["id"]);
    let official = token_for(account("o.dlvn").insert(&app));
    let inspector = token_for(account("i.dlvn").role("inspector").insert(&app));
    assert_eq!(app.call("GET", &path, Some(&official), None).await.0, 403);
    assert_eq!(app.call("GET", &path, Some(&inspector), None).await.0, 200);
}

#[tokio::test]
async fn the_daily_download_quota_stops_bulk_copying() {
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.daily_download_quota = 2).await;
    let token = admin(&app);
    let (_, created) = upload(&app, &token, "TCVN 3118:2022", "b.pdf", pdf_with_pages(&["Bê tông nặng"]), None).await;
    let path = format!("/api/v1/standards/tcvn-3118-2022/documents/{}/pdf", created["id"]);
    let official = token_for(account("bulk.copier").insert(&app));
    for _ in 0..2 {
        let response =
            app.client.get(format!("{}{path}", app.address)).bearer_auth(&official).send().await.expect("pdf");
        assert_eq!(response.status().as_u16(), 200);
    }
    let refused = app.client.get(format!("{}{path}", app.address)).bearer_auth(&official).send().await.expect("pdf");
    assert_eq!(refused.status().as_u16(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["error"]["code"], "download_quota");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("daily limit")));
}

#[tokio::test]
async fn bad_files_are_refused_and_leave_nothing_behind() {
    let app = spawn_app().await;
    let token = admin(&app);
    let valid = pdf_with_pages(&["Nội dung"]);
    let empty_pages: Vec<&str> = vec![""; 2_001];
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("photo.pdf", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), 415),
        ("claims.pdf", "chỉ là chữ".as_bytes().to_vec(), 415),
        ("truncated.pdf", valid[..valid.len() / 2].to_vec(), 422),
        ("encrypted.pdf", encrypted_pdf(), 422),
        ("thousands.pdf", pdf_with_pages(&empty_pages), 422),
        ("empty.txt", Vec::new(), 400),
        ("latin1.txt", b"Ti\xeau chu\xe2n".to_vec(), 422),
    ];
    let mut conn = app.db.connect();
    let seq_before = tieuchuan::db::change_log::latest_seq(&mut conn).expect("seq");
    let blobs = app.db.dir.path().join("data/blobs");
    let kept = || walkdir_count(&blobs);
    let kept_before = kept();
    for (name, bytes, expected) in cases {
        let (status, body) = upload(&app, &token, "TCVN 9362:2012", name, bytes, None).await;
        assert_eq!(status, expected, "{name}: {body}");
        assert!(body["error"]["code"].is_string(), "{name}: {body}");
    }
    let (_, detail) = app.get_json("/api/v1/standards/tcvn-9362-2012").await;
    assert_eq!(detail["documents"], serde_json::json!([]));
    assert_eq!(tieuchuan::db::change_log::latest_seq(&mut conn).expect("seq"), seq_before);
    assert_eq!(kept(), kept_before, "no bytes were kept");
    let official = token_for(account("not.admin").insert(&app));
    assert_eq!(upload(&app, &official, "TCVN 9362:2012", "ok.md", b"# A\nb".to_vec(), None).await.0, 403);
}

#[tokio::test]
async fn a_scan_without_text_is_accepted_and_flagged_for_ocr() {
    let app = spawn_app().await;
    let token = admin(&app);
    let (status, created) =
        upload(&app, &token, "TCVN 4453:1995", "scan.pdf", pdf_with_pages(&["", "", ""]), None).await;
    assert_eq!(
        (status, created["needs_ocr"].as_bool(), created["pages"].as_i64()),
        (201, Some(true), Some(3)),
        "{created}"
    );
}

#[tokio::test]
async fn texts_kept_in_the_database_serve_every_node() {
    // Seeded at this start, so that the seed's texts go to the database too.
    let app = spawn_app_on(TestDatabase::new(), |s| s.blob_store = "database".into()).await;
    let token = admin(&app);
    let (status, created) =
        upload(&app, &token, "QCVN 01:2021/BXD", "qh.pdf", pdf_with_pages(&["Quy hoạch xây dựng"]), None).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("{}/api/v1/standards/qcvn-01-2021-bxd/documents/{}/pdf", app.address, created["id"]);
    let response = app.client.get(path).send().await.expect("public pdf");
    assert_eq!(response.status().as_u16(), 200, "a public regulation downloads unstamped, anonymously");
    assert!(response.bytes().await.expect("bytes").starts_with(b"%PDF-"));
    assert!(!app.db.dir.path().join("data/blobs").exists());
}

#[tokio::test]
async fn an_upload_over_the_size_limit_is_413() {
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.max_upload_bytes = 4_096).await;
    let token = admin(&app);
    let big = format!("# Mục\n{}", "nội dung dài ".repeat(1_000)).into_bytes();
    let (status, body) = upload(&app, &token, "TCVN 9362:2012", "big.md", big, None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (413, Some("payload_too_large")), "{body}");
    let (status, _) = upload(&app, &token, "TCVN 9362:2012", "small.md", b"# A\nnho".to_vec(), None).await;
    assert_eq!(status, 201);
}

/// How many files lie under a directory (none when it does not exist).
fn walkdir_count(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries.flatten().map(|entry| if entry.path().is_dir() { walkdir_count(&entry.path()) } else { 1 }).sum()
}
