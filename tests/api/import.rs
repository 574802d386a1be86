//! `tieuchuan import`: idempotent upserts, dry runs, row errors with line numbers, CSV.

use crate::helpers::{TestDatabase, output_text, run_cli, seed_catalogue_path, spawn_app_on, write_file};

fn no_seed(settings: &mut tieuchuan::config::Settings) {
    settings.seed_on_empty = false;
}

#[tokio::test]
async fn importing_the_catalogue_twice_changes_nothing_the_second_time_and_says_so() {
    let db = TestDatabase::new();
    let seed = seed_catalogue_path().display().to_string();
    let first = run_cli(&db, &["import", &seed]);
    let (stdout, stderr) = output_text(&first);
    assert!(first.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!("{} created, 0 updated, 0 unchanged", crate::helpers::catalogued_where(|_| true))),
        "{stdout}"
    );
    let second = run_cli(&db, &["import", &seed]);
    let (stdout, _) = output_text(&second);
    assert!(second.status.success());
    assert!(
        stdout.contains(&format!("0 created, 0 updated, {} unchanged", crate::helpers::catalogued_where(|_| true))),
        "{stdout}"
    );
    assert!(stdout.contains("nothing to change"), "{stdout}");
    let app = spawn_app_on(db, no_seed).await;
    let (_, body) = app.get_standard("QCVN 06:2022/BXD").await;
    assert_eq!(body["version"], 1, "an unchanged record keeps its version");
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing() {
    let db = TestDatabase::new();
    let seed = seed_catalogue_path().display().to_string();
    let output = run_cli(&db, &["import", "--dry-run", &seed]);
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!("would import {0} rows: {0} created", crate::helpers::catalogued_where(|_| true))),
        "{stdout}"
    );
    assert!(stdout.contains("dry run: nothing was written"), "{stdout}");
    let app = spawn_app_on(db, no_seed).await;
    let (_, body) = app.get_json("/api/v1/standards").await;
    assert_eq!(body["total"], 0);
}

#[tokio::test]
async fn a_bad_row_rejects_the_whole_file_unless_invalid_rows_are_skipped() {
    let db = TestDatabase::new();
    let file = write_file(
        &db,
        "mixed.jsonl",
        concat!(
            "{\"code\": \"QCVN 06:2022/BXD\", \"title_vi\": \"An toàn cháy\"}\n",
            "{\"code\": \"not a code\", \"title_vi\": \"x\"}\n",
            "\n",
            "{\"code\": \"TCVN 5574:2018\", \"title_vi\": \"Bê tông\", \"status\": \"valid\"}\n",
            "{\"code\": \"TCVN 1:2000\"}\n",
            "{\"code\": \"TCVN 2:2000\", \"title_vi\": \"a\", \"issued_date\": \"2000-13-45\"}\n",
            "{\"code\": \"qcvn 6 2022 bxd\", \"title_vi\": \"again\"}\n",
            "{broken json\n",
        )
        .as_bytes(),
    );
    let path = file.display().to_string();
    let rejected = run_cli(&db, &["import", &path]);
    let (stdout, stderr) = output_text(&rejected);
    assert!(!rejected.status.success());
    for expected in [
        ":2: `code`",
        ":4: `status`",
        ":5: `title_vi` is missing",
        ":6: `issued_date`",
        ":7: QCVN 6:2022/BXD is already on line 1",
        ":8: ",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    assert!(stdout.contains("rejected, nothing imported: 6 of 7 rows are invalid"), "{stdout}");

    let skipped = run_cli(&db, &["import", "--skip-invalid", &path]);
    let (stdout, _) = output_text(&skipped);
    assert!(skipped.status.success(), "{stdout}");
    assert!(stdout.contains("1 created") && stdout.contains("6 invalid skipped"), "{stdout}");
    let app = spawn_app_on(db, no_seed).await;
    let (_, body) = app.get_json("/api/v1/standards").await;
    assert_eq!(body["total"], 1);
}

#[tokio::test]
async fn a_csv_file_updates_existing_records_and_marks_what_it_replaces() {
    let db = TestDatabase::new();
    let app = spawn_app_on(db, |_| {}).await;
    let file = write_file(
        &app.db,
        "update.csv",
        concat!(
            "code,title_vi,status,replaces,field,ics,source,confidence\n",
            "TCVN 9362:2012,Tiêu chuẩn thiết kế nền nhà và công trình (bản sửa),in_force,,construction,93.020;91.120,test,high\n",
            "TCVN 9362:2025,Nền nhà và công trình - Yêu cầu thiết kế,,TCVN 9362:2012,construction,,test,medium\n",
        )
        .as_bytes(),
    );
    let output = run_cli(&app.db, &["import", &file.display().to_string()]);
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("1 created, 1 updated"), "{stdout}");
    let (_, old) = app.get_standard("TCVN 9362:2012").await;
    assert_eq!(old["version"], 2);
    assert_eq!(old["ics"], serde_json::json!(["91.120", "93.020"]));
    assert_eq!(old["status"], "in_force", "a status the file gives is kept");
    assert_eq!(old["relations"]["replaced_by"][0]["code"], "TCVN 9362:2025");
    let (_, new) = app.get_standard("tcvn-9362-2025").await;
    assert_eq!(new["relations"]["replaces"][0]["slug"], "tcvn-9362-2012");
}

#[tokio::test]
async fn a_replacement_arriving_later_marks_the_stored_standard_replaced() {
    let db = TestDatabase::new();
    let app = spawn_app_on(db, |_| {}).await;
    let (_, before) = app.get_standard("TCVN 3118:2022").await;
    assert_eq!(before["status"], "unknown");
    let file = write_file(
        &app.db,
        "new.jsonl",
        "{\"code\": \"TCVN 3118:2026\", \"title_vi\": \"Bê tông nặng\", \"replaces\": [\"TCVN 3118:2022\"]}\n"
            .as_bytes(),
    );
    let output = run_cli(&app.db, &["import", &file.display().to_string()]);
    let (stdout, _) = output_text(&output);
    assert!(stdout.contains("1 created") && stdout.contains("1 others marked replaced"), "{stdout}");
    let (_, after) = app.get_standard("TCVN 3118:2022").await;
    assert_eq!(after["status"], "replaced");
    assert_eq!(after["version"], 2);
    assert_eq!(after["relations"]["replaced_by"][0]["code"], "TCVN 3118:2026");
    let (_, latest) = app.get_standard("tcvn 3118").await;
    assert_eq!(latest["code"], "TCVN 3118:2026", "the undated code follows the newest edition");
}

#[test]
fn unreadable_files_are_refused_with_a_clear_message() {
    let db = TestDatabase::new();
    let cases: [(&str, &[u8], &str); 3] = [
        ("catalogue.xlsx", b"PK\x03\x04", "unknown file type"),
        ("latin1.csv", b"code,title_vi\nTCVN 1:2000,\xe9t\xe9\n", "not UTF-8"),
        ("empty.csv", b"", "holds no records"),
    ];
    for (name, content, expected) in cases {
        let path = write_file(&db, name, content);
        let output = run_cli(&db, &["import", &path.display().to_string()]);
        let (stdout, stderr) = output_text(&output);
        assert!(format!("{stdout}{stderr}").contains(expected), "{name}: {stdout}{stderr}");
    }
    let missing = run_cli(&db, &["import", "/nonexistent/file.jsonl"]);
    assert!(!missing.status.success());
}

#[tokio::test]
async fn an_update_spelled_differently_keeps_the_stored_code_and_slug() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let file = write_file(
        &app.db,
        "respelled.jsonl",
        "{\"code\": \"qcvn 6 2022 bxd\", \"title_vi\": \"An toàn cháy cho nhà và công trình\"}\n".as_bytes(),
    );
    let output = run_cli(&app.db, &["import", &file.display().to_string()]);
    assert!(output.status.success());
    let (status, body) = app.get_standard("qcvn-06-2022-bxd").await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], "QCVN 06:2022/BXD");
    assert_eq!(body["title_vi"], "An toàn cháy cho nhà và công trình");
}

#[tokio::test]
async fn an_admin_imports_over_http_with_a_dry_run_first() {
    use crate::accounts_helpers::{account, token_for};
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let admin = token_for(account("imp.admin").role("admin").province(None).insert(&app));
    let post = |query: &'static str, content_type: &'static str, body: &'static str| {
        let request = app
            .client
            .post(format!("{}/api/v1/imports?{query}", app.address))
            .header("content-type", content_type)
            .bearer_auth(&admin)
            .body(body);
        async move {
            let response = request.send().await.expect("request");
            (response.status().as_u16(), response.json::<serde_json::Value>().await.expect("json"))
        }
    };
    let csv = "code,title_vi\nTCVN 14999:2026,Cửa chống cháy - Phương pháp thử\n";
    let (status, report) = post("dry_run=true", "text/csv", csv).await;
    assert_eq!((status, report["created"].as_u64(), report["applied"].as_bool()), (200, Some(1), Some(false)));
    assert_eq!(app.get_standard("TCVN 14999:2026").await.0, 404, "a dry run writes nothing");
    let (status, report) = post("", "text/csv; charset=utf-8", csv).await;
    assert_eq!((status, report["created"].as_u64(), report["applied"].as_bool()), (200, Some(1), Some(true)));
    assert_eq!(app.get_standard("TCVN 14999:2026").await.0, 200);
    let (status, report) = post("", "application/x-ndjson", "{\"code\": \"nonsense\", \"title_vi\": \"x\"}\n").await;
    assert_eq!((status, report["invalid"][0]["line"].as_u64()), (422, Some(1)), "{report}");
    let (status, body) = post("", "application/pdf", "%PDF-1.7").await;
    assert_eq!((status, body["error"]["code"].as_str()), (415, Some("unsupported_media_type")));
}
