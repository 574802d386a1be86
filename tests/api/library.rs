//! The embedded library a newcomer meets at first start: the real catalogue, the seven real QCVN
//! texts with where they came from, the sourced corrections with their sources, the erroneous
//! record removed with a pointer, and clause links that outlive a new edition of a text.

use serde_json::Value;

use crate::helpers::{TestDatabase, output_text, run_cli, spawn_app, spawn_app_on, write_file};
use crate::texts::{admin, upload, wait_until_searchable};

async fn page(app: &crate::helpers::TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(format!("{}{path}", app.address)).send().await.expect("page");
    (response.status().as_u16(), response.text().await.expect("html"))
}

#[tokio::test]
async fn a_fresh_library_holds_the_seven_real_texts_with_their_sources_and_searches_their_bodies() {
    let app = spawn_app().await;
    let texts = tieuchuan::services::seed::embedded_texts().expect("the manifest");
    assert_eq!(texts.len(), 7);
    for (entry, _) in &texts {
        let (status, detail) = app.get_standard(&entry.code).await;
        assert_eq!(status, 200, "{}", entry.code);
        let documents = detail["documents"].as_array().expect("documents");
        assert_eq!(documents.len(), 1, "{}: one text", entry.code);
        let text = &documents[0];
        assert_eq!((text["access_level"].as_str(), text["can_read"].as_bool()), (Some("public"), Some(true)));
        assert!(text["sections"].as_u64().is_some_and(|n| n > 10), "{}: {text}", entry.code);
        assert!(text["source"].as_str().is_some_and(|s| s.contains("github:")), "{}: {text}", entry.code);
    }
    let (_, planning) = app.get_standard("QCVN 01:2021/BXD").await;
    assert!(planning["documents"][0]["note"].as_str().is_some_and(|n| n.contains("Bảng")), "{planning}");
    let (_, garages) = app.get_standard("QCVN 13:2018/BXD").await;
    assert!(garages["documents"][0]["note"].as_str().is_some_and(|n| n.contains("2.2.2")), "{garages}");

    // Words that only the body of the metro regulation holds.
    let hit = wait_until_searchable(&app, "grade of automation", "QCVN 32:2026/BXD").await;
    assert_eq!(hit["code"], "QCVN 32:2026/BXD");

    let (status, html) = page(&app, "/tieu-chuan/qcvn-01-2021-bxd").await;
    assert_eq!(status, 200);
    assert!(html.contains("Nguồn văn bản") && html.contains("huynvk19-cell/Building-code"), "the text's source");
    assert!(html.contains("Lưu ý về văn bản"), "the text's caveats");

    // The reader renders the Markdown tables as tables and leaves the formulas as readable LaTeX.
    let id = app.get_standard("QCVN 09:2017/BXD").await.1["documents"][0]["id"].as_i64().expect("id");
    let (status, whole) = page(&app, &format!("/tieu-chuan/qcvn-09-2017-bxd/van-ban/{id}?muc=tat-ca")).await;
    assert_eq!(status, 200);
    assert!(whole.contains("<table>"), "tables are tables");
    assert!(whole.contains(r"<code>R_0 = \frac{1}{h_N}"), "the formula is its LaTeX");
}

#[tokio::test]
async fn the_sourced_corrections_show_in_the_records_with_their_own_sources() {
    let app = spawn_app().await;
    let (_, old) = app.get_standard("QCVN 10:2014/BXD").await;
    assert_eq!(old["status"], "replaced");
    let successors: Vec<&str> =
        old["relations"]["replaced_by"].as_array().expect("list").iter().filter_map(|l| l["code"].as_str()).collect();
    assert_eq!(successors, vec!["QCVN 10:2024/BXD"], "the catalogue's QCVN 10:2023/BXD was corrected");
    let correction = &old["provenance"]["corrections"][0];
    assert!(correction["source"].as_str().is_some_and(|s| s.contains("qcvn-10-2024-bxd")), "{correction}");
    assert!(correction["changed"].as_array().is_some_and(|c| c.iter().any(|f| f == "replaced_by")), "{correction}");
    assert_ne!(old["provenance"]["source"], correction["source"], "the record keeps its own source too");

    let (_, metro) = app.get_standard("QCVN 32:2026/BXD").await;
    assert_eq!(
        (metro["status"].as_str(), metro["legal_instrument"].as_str(), metro["issued_date"].as_str()),
        (Some("unknown"), Some("Thông tư 62/2026/TT-BXD"), Some("2026-07-30")),
        "not a draft: {metro}"
    );
    let (_, fire) = app.get_standard("QCVN 06:2022/BXD").await;
    let amendments: Vec<&str> =
        fire["relations"]["amended_by"].as_array().expect("list").iter().filter_map(|l| l["code"].as_str()).collect();
    assert!(amendments.contains(&"Sửa đổi 1:2023 QCVN 06:2022/BXD"), "{amendments:?}");
    assert_eq!(fire["effective_date"], "2023-01-16");

    for line in tieuchuan::services::seed::SEED_CORRECTIONS.lines().filter(|l| !l.trim().is_empty()) {
        let fact: Value = serde_json::from_str(line).expect("a fact");
        let code = fact["code"].as_str().expect("code");
        let (status, record) = app.get_standard(code).await;
        if status == 410 {
            continue; // the removed record
        }
        let sources: Vec<&Value> =
            record["provenance"]["corrections"].as_array().expect("corrections").iter().map(|c| &c["source"]).collect();
        assert!(sources.contains(&&fact["source"]), "{code} shows its correction's source: {record}");
    }
    let (_, html) = page(&app, "/tieu-chuan/qcvn-10-2014-bxd").await;
    assert!(html.contains("Đính chính có nguồn") && html.contains("Lời nói đầu"), "the page shows the correction");
    let (_, composed) = page(&app, "/tieu-chuan/tcvn-13566-1-2022").await;
    assert!(composed.contains("Độ tin cậy trung bình"), "a composed part title says it is inferred");
}

#[tokio::test]
async fn the_erroneous_record_answers_gone_with_its_reason_and_the_record_it_was_confused_with() {
    let app = spawn_app().await;
    for reference in ["QCVN 10:2023/BXD", "qcvn-10-2023-bxd", "qcvn 10 2023 bxd"] {
        let (status, body) = app.get_standard(reference).await;
        assert_eq!((status, body["error"]["code"].as_str()), (410, Some("standard_removed")), "{reference}: {body}");
        assert_eq!(body["error"]["suggestions"][0]["code"], "QCVN 10:2024/BXD");
        assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("Doubtful code")), "{body}");
    }
    assert_eq!(app.get_standard("QCVN 10 BXD").await.1["code"], "QCVN 10:2024/BXD", "the newest edition");
    let (status, html) = page(&app, "/tieu-chuan/qcvn-10-2023-bxd").await;
    assert_eq!(status, 410);
    assert!(html.contains(r#"href="/tieu-chuan/qcvn-10-2024-bxd""#) && html.contains("Doubtful code"), "{html}");
    let (_, feed) = app.get_json("/api/v1/changes?after=0&limit=1000").await;
    let tombstones = feed["entries"].as_array().expect("entries").iter().filter(|e| e["op"] == "tombstone").count();
    assert_eq!(tombstones, 1, "followers learn of the removal");

    // An admin who finds the code real after all catalogues it again, and it answers again.
    let file = write_file(
        &app.db,
        "again.jsonl",
        "{\"code\": \"QCVN 10:2023/BXD\", \"title_vi\": \"Quy chuẩn thử lại\", \"source\": \"test\"}\n".as_bytes(),
    );
    assert!(run_cli(&app.db, &["import", &file.display().to_string()]).status.success());
    assert_eq!(app.get_standard("QCVN 10:2023/BXD").await.0, 200);
}

#[tokio::test]
async fn corrections_go_through_the_import_path_once_each_with_its_source() {
    let db = TestDatabase::seeded();
    let seeded = concat!(env!("CARGO_MANIFEST_DIR"), "/standards-data/corrections.jsonl");
    // The seed applied them all; the removed record's fact no longer has a record to correct.
    let again = run_cli(&db, &["import", "--corrections", "--skip-invalid", seeded]);
    let (stdout, stderr) = output_text(&again);
    assert!(again.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("20 rows: 0 created, 0 updated, 19 unchanged, 1 invalid skipped"), "{stdout}");
    assert!(stderr.contains("QCVN 10:2023/BXD is not in the catalogue"), "{stderr}");

    let fact = "{\"code\": \"TCVN 9362:2012\", \"status\": \"in_force\", \"status_note\": \"Còn hiệu lực theo danh mục thử.\", \"source\": \"a test list\", \"confidence\": \"high\", \"fields\": {\"effective_date\": \"2013-01-01\"}}\n";
    let file = write_file(&db, "fact.jsonl", fact.as_bytes());
    let dry = run_cli(&db, &["import", "--corrections", "--dry-run", &file.display().to_string()]);
    assert!(output_text(&dry).0.contains("1 updated"), "{}", output_text(&dry).0);
    let applied = run_cli(&db, &["import", "--corrections", &file.display().to_string()]);
    assert!(output_text(&applied).0.contains("1 updated"), "{}", output_text(&applied).0);
    let twice = run_cli(&db, &["import", "--corrections", &file.display().to_string()]);
    assert!(output_text(&twice).0.contains("0 updated, 1 unchanged"), "{}", output_text(&twice).0);

    let bad = "{\"code\": \"TCVN 9362:2012\", \"status\": \"in_force\"}\n{\"code\": \"TCVN 1:1900\", \"source\": \"x\"}\n{\"code\": \"TCVN 9362:2012\", \"source\": \"y\", \"status\": \"valid\"}\n";
    let file = write_file(&db, "bad.jsonl", bad.as_bytes());
    let rejected = run_cli(&db, &["import", "--corrections", &file.display().to_string()]);
    let (stdout, stderr) = output_text(&rejected);
    assert!(!rejected.status.success() && stdout.contains("rejected"), "{stdout}");
    assert!(
        stderr.contains(":1:") && stderr.contains("source") && stderr.contains(":2:") && stderr.contains(":3:"),
        "{stderr}"
    );

    let app = spawn_app_on(db, |_| {}).await;
    let (_, record) = app.get_standard("TCVN 9362:2012").await;
    assert_eq!((record["status"].as_str(), record["effective_date"].as_str()), (Some("in_force"), Some("2013-01-01")));
    let corrections = record["provenance"]["corrections"].as_array().expect("corrections");
    assert_eq!(corrections.len(), 1, "applied once: {record}");
    assert_eq!(corrections[0]["source"], "a test list");
}

#[tokio::test]
async fn a_clause_link_lands_on_the_same_clause_after_a_new_edition_of_the_text() {
    let app = spawn_app().await;
    let token = admin(&app);
    let first = "# 1 Phạm vi\nQuy định chung.\n\n# 1.1 Đối tượng\nCông trình.\n\n# 2.3 Yêu cầu về kính\nKính an toàn nhiều lớp.\n";
    let (status, _) = upload(&app, &token, "TCVN 9362:2012", "a.md", first.as_bytes().to_vec(), Some("public")).await;
    assert_eq!(status, 201);
    let lasting = "/tieu-chuan/tcvn-9362-2012/van-ban?muc=2.3";
    let (status, html) = page(&app, lasting).await;
    assert_eq!(status, 200);
    assert!(html.contains("Kính an toàn nhiều lớp"), "{html}");
    assert!(html.contains(r#"href="/tieu-chuan/tcvn-9362-2012/van-ban?muc=2.3""#), "the clause shows its lasting link");

    let second = format!("# Lời nói đầu\nBản sửa đổi.\n\n{first}\n# 3 Phụ lục\nBảng.\n");
    let (status, _) = upload(&app, &token, "TCVN 9362:2012", "b.md", second.into_bytes(), Some("public")).await;
    assert_eq!(status, 201);
    let (status, html) = page(&app, lasting).await;
    assert_eq!(status, 200);
    assert!(html.contains("Kính an toàn nhiều lớp") && html.contains("Lời nói đầu"), "the new edition, same clause");
    let (status, _) = page(&app, "/tieu-chuan/tcvn-9362-2012/van-ban?muc=9.9").await;
    assert_eq!(status, 404, "a clause the text lacks");
    let (status, _) = page(&app, "/tieu-chuan/tcvn-5574-2018/van-ban").await;
    assert_eq!(status, 404, "a standard without texts");
}
