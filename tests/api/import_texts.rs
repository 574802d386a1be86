//! Texts attached to catalogue records (`text`, `text_file`): imported with their standards in one
//! transaction, searchable, idempotent, and refused with the row's line when unusable.

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestDatabase, output_text, run_cli, spawn_app_on, write_file};
use crate::texts::{QCVN_06, wait_until_found_by, wait_until_searchable};

fn catalogue_with_texts(db: &TestDatabase) -> String {
    let texts = db.dir.path().join("texts");
    std::fs::create_dir_all(&texts).expect("texts dir");
    std::fs::copy(QCVN_06, texts.join("qcvn-06.md")).expect("copy the real text");
    let lines = [
        r#"{"code": "QCVN 06:2022/BXD", "title_vi": "An toàn cháy cho nhà và công trình", "text_file": "texts/qcvn-06.md"}"#,
        r##"{"code": "TCVN 14998:2026", "title_vi": "Nước thải - Lấy mẫu", "text": "# Phạm vi\nLấy mẫu nước thải ở bể lắng xoáy.\n# Thiết bị\nChai thủy tinh."}"##,
    ];
    write_file(db, "with-texts.jsonl", lines.join("\n").as_bytes()).display().to_string()
}

#[tokio::test]
async fn records_bring_their_texts_once_and_the_texts_are_searched() {
    let db = TestDatabase::new();
    let file = catalogue_with_texts(&db);
    let dry = run_cli(&db, &["import", "--dry-run", &file]);
    let (stdout, stderr) = output_text(&dry);
    assert!(dry.status.success() && stdout.contains("2 texts attached"), "{stdout}{stderr}");
    assert!(!db.dir.path().join("data/blobs").exists(), "a dry run stores no file");
    let first = run_cli(&db, &["import", &file]);
    let (stdout, stderr) = output_text(&first);
    assert!(
        first.status.success() && stdout.contains("2 created") && stdout.contains("2 texts attached"),
        "{stdout}{stderr}"
    );
    let again = run_cli(&db, &["import", &file]);
    let (stdout, _) = output_text(&again);
    assert!(stdout.contains("2 unchanged") && stdout.contains("0 texts attached"), "{stdout}");
    assert!(stdout.contains("nothing to change"), "{stdout}");
    let app = spawn_app_on(db, |settings| settings.seed_on_empty = false).await;
    // A TCVN text is `registered`: an official finds it by its words, an anonymous caller does not.
    let official = token_for(account("imp.reader").province(None).insert(&app));
    let hit = wait_until_found_by(&app, Some(&official), "bể lắng xoáy", "TCVN 14998:2026").await;
    let (_, anonymous) = app.get_json("/api/v1/search?q=b%E1%BB%83+l%E1%BA%AFng+xo%C3%A1y").await;
    let codes: Vec<&str> =
        anonymous["hits"].as_array().into_iter().flatten().filter_map(|h| h["code"].as_str()).collect();
    assert!(!codes.contains(&"TCVN 14998:2026"), "{anonymous}");
    assert_eq!(hit["highlight"]["section"], "Phạm vi", "{hit}");
    // A new generation built by another process brings its own copy of the texts.
    let index_dir = app.db.settings().data_dir.join("index");
    let before = std::fs::read_to_string(index_dir.join("CURRENT")).expect("CURRENT");
    assert!(run_cli(&app.db, &["reindex"]).status.success());
    let started = std::time::Instant::now();
    while index_dir.join(before.trim()).exists() {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "the service never switched");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let hit = wait_until_found_by(&app, Some(&official), "bể lắng xoáy", "TCVN 14998:2026").await;
    assert!(hit["highlight"]["body"].as_str().is_some_and(|b| b.contains("<mark>")), "after the switch: {hit}");
    wait_until_searchable(&app, "khoang chay", "QCVN 06:2022/BXD").await;
    let (status, detail) = app.get_standard("qcvn-06-2022-bxd").await;
    assert_eq!(status, 200);
    let documents = &detail["documents"];
    assert_eq!(documents.as_array().map(Vec::len), Some(1), "{documents}");
    assert_eq!(documents[0]["format"], "markdown");
    assert!(documents[0]["sections"].as_u64().is_some_and(|n| n > 100), "{documents}");
}

#[tokio::test]
async fn unusable_texts_reject_the_file_with_their_lines_and_write_nothing() {
    let db = TestDatabase::new();
    write_file(&db, "binary.md", &[0u8, 159, 146, 150, 0, 1, 2]);
    write_file(&db, "empty.md", b"   \n");
    let lines = [
        r#"{"code": "TCVN 14990:2026", "title_vi": "a", "text_file": "../outside.md"}"#,
        r#"{"code": "TCVN 14991:2026", "title_vi": "b", "text_file": "/etc/passwd"}"#,
        r#"{"code": "TCVN 14992:2026", "title_vi": "c", "text_file": "missing.md"}"#,
        r#"{"code": "TCVN 14993:2026", "title_vi": "d", "text_file": "binary.md"}"#,
        r#"{"code": "TCVN 14994:2026", "title_vi": "e", "text_file": "empty.md"}"#,
        r#"{"code": "TCVN 14995:2026", "title_vi": "f", "text": "x", "text_file": "binary.md"}"#,
        r#"{"code": "TCVN 14996:2026", "title_vi": "g", "text_file": "."}"#,
        r#"{"code": "TCVN 14997:2026", "title_vi": "h", "text": "Một văn bản tốt."}"#,
    ];
    let file = write_file(&db, "bad-texts.jsonl", lines.join("\n").as_bytes()).display().to_string();
    let output = run_cli(&db, &["import", &file]);
    let (stdout, stderr) = output_text(&output);
    assert!(!output.status.success(), "{stdout}");
    assert!(stdout.contains("7 of 8 rows are invalid"), "{stdout}{stderr}");
    for line in 1..=7 {
        assert!(stderr.contains(&format!("bad-texts.jsonl:{line}: ")), "line {line} is named: {stderr}");
    }
    let app = spawn_app_on(db, |settings| settings.seed_on_empty = false).await;
    let (_, body) = app.get_json("/api/v1/standards").await;
    assert_eq!(body["total"], 0, "nothing was written");
}

#[tokio::test]
async fn over_http_texts_come_inline_and_never_from_server_paths() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let admin = token_for(account("imp.texts").role("admin").province(None).insert(&app));
    let post = |body: &'static str| {
        let request = app
            .client
            .post(format!("{}/api/v1/imports", app.address))
            .header("content-type", "application/x-ndjson")
            .bearer_auth(&admin)
            .body(body);
        async move {
            let response = request.send().await.expect("request");
            (response.status().as_u16(), response.json::<serde_json::Value>().await.expect("json"))
        }
    };
    let (status, report) =
        post(r#"{"code": "TCVN 14989:2026", "title_vi": "Thử", "text_file": "standards-data/catalogue.jsonl"}"#).await;
    assert_eq!((status, report["invalid"][0]["line"].as_u64()), (422, Some(1)), "{report}");
    assert!(report["invalid"][0]["reason"].as_str().is_some_and(|r| r.contains("text_file")), "{report}");
    let (status, report) =
        post(r##"{"code": "TCVN 14989:2026", "title_vi": "Thử", "text": "# Phạm vi\nMáy đo độ ẩm hạt ngũ cốc."}"##)
            .await;
    assert_eq!((status, report["texts_added"].as_u64()), (200, Some(1)), "{report}");
    let hit = wait_until_found_by(&app, Some(&admin), "độ ẩm hạt ngũ cốc", "TCVN 14989:2026").await;
    let snippet = hit["highlight"]["body"].as_str().unwrap_or_default();
    assert!(snippet.contains("<mark>ẩm</mark>"), "a text added to the running service has snippets: {hit}");
    assert_eq!(hit["highlight"]["section"], "Phạm vi");
}

#[tokio::test]
async fn a_bundle_cannot_publish_files_outside_it_through_links() {
    let db = TestDatabase::new();
    let outside = db.dir.path().join("outside");
    std::fs::create_dir_all(&outside).expect("outside dir");
    let secret = outside.join("jwt-secret");
    std::fs::write(&secret, "the signing secret of this node, not a text").expect("secret");
    let bundle = db.dir.path().join("bundle");
    std::fs::create_dir_all(bundle.join("texts")).expect("bundle");
    std::os::unix::fs::symlink(&secret, bundle.join("texts/a.md")).expect("file link");
    std::os::unix::fs::symlink(&outside, bundle.join("linked")).expect("directory link");
    std::fs::hard_link(&secret, bundle.join("texts/b.md")).expect("hard link");
    let lines = [
        r#"{"code": "TCVN 14981:2026", "title_vi": "a", "access_level": "public", "text_file": "texts/a.md"}"#,
        r#"{"code": "TCVN 14982:2026", "title_vi": "b", "access_level": "public", "text_file": "linked/jwt-secret"}"#,
        r#"{"code": "TCVN 14983:2026", "title_vi": "c", "access_level": "public", "text_file": "texts/b.md"}"#,
    ];
    let file = bundle.join("catalogue.jsonl");
    std::fs::write(&file, lines.join("\n")).expect("catalogue");
    let output = run_cli(&db, &["import", "--skip-invalid", &file.display().to_string()]);
    let (stdout, stderr) = output_text(&output);
    for line in 1..=3 {
        assert!(stderr.contains(&format!("catalogue.jsonl:{line}: ")), "line {line} is refused: {stdout}{stderr}");
    }
    let app = spawn_app_on(db, |settings| settings.seed_on_empty = false).await;
    let (_, body) = app.get_json("/api/v1/standards").await;
    assert_eq!(body["total"], 0, "no record came in with a linked text: {body}");
    let (_, found) = app.get_json("/api/v1/search?q=signing+secret").await;
    assert_eq!(found["total"], 0, "{found}");
}
