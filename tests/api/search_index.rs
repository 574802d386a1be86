//! The index's lifecycle: following catalogue changes, rebuilding a missing or corrupt index,
//! swapping in a rebuilt one; the concurrency cap; arbitrary queries never fail the server.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use tieuchuan::auth::Caller;
use tieuchuan::search::{Abbreviations, SearchIndex, SearchRequest};
use tieuchuan::services::search::SearchService;

use crate::helpers::{TestDatabase, encode, run_cli, spawn_app, spawn_app_on, write_file};

async fn first_code(app: &crate::helpers::TestApp, query: &str) -> Option<String> {
    let (_, body) = app.get_json(&format!("/api/v1/search?q={}", encode(query))).await;
    body["hits"][0]["code"].as_str().map(str::to_string)
}

#[tokio::test]
async fn a_catalogue_change_made_by_another_process_becomes_searchable() {
    let app = spawn_app().await;
    let file = write_file(
        &app.db,
        "new.jsonl",
        "{\"code\": \"TCVN 99999:2026\", \"title_vi\": \"Kính chống đạn cho tàu ngầm\", \"field\": \"construction\"}\n"
            .as_bytes(),
    );
    assert!(run_cli(&app.db, &["import", &file.display().to_string()]).status.success());
    let started = Instant::now();
    let mut found = None;
    while started.elapsed() < Duration::from_secs(10) {
        if first_code(&app, "kinh chong dan tau ngam").await.as_deref() == Some("TCVN 99999:2026") {
            found = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let elapsed = found.expect("the imported standard becomes searchable");
    eprintln!("searchable {} ms after the import finished", elapsed.as_millis());
    let (_, ready) = app.get_json("/readyz").await;
    assert_eq!(ready["indexed"], crate::helpers::seed_records() + 1);
}

#[tokio::test]
async fn an_edit_is_reflected_and_an_older_edition_steps_back() {
    let app = spawn_app().await;
    assert_eq!(first_code(&app, "TCVN 3118").await.as_deref(), Some("TCVN 3118:2022"));
    let file = write_file(
        &app.db,
        "edition.jsonl",
        "{\"code\": \"TCVN 3118:2026\", \"title_vi\": \"Bê tông nặng - Phương pháp xác định cường độ nén\"}\n"
            .as_bytes(),
    );
    assert!(run_cli(&app.db, &["import", &file.display().to_string()]).status.success());
    let started = Instant::now();
    while first_code(&app, "TCVN 3118").await.as_deref() != Some("TCVN 3118:2026") {
        assert!(started.elapsed() < Duration::from_secs(10), "the new edition never came first");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, body) = app.get_json("/api/v1/search?q=TCVN%203118").await;
    assert_eq!(body["hits"][1]["code"], "TCVN 3118:2022", "the older edition follows the newer");
}

#[tokio::test]
async fn a_missing_or_corrupt_index_is_rebuilt_from_the_database_at_start() {
    let db = TestDatabase::seeded();
    let app = spawn_app_on(db, |_| {}).await;
    let data_dir = app.db.settings().data_dir;
    let mut conn = app.db.connect();
    let index_dir = data_dir.join("index-copy-test");
    std::fs::create_dir_all(&index_dir).expect("dir");
    let count = |index: &SearchIndex| index.stats().expect("stats").0;

    let fresh = SearchIndex::open(&index_dir, &mut conn, Abbreviations::default()).expect("builds");
    assert_eq!(count(&fresh), crate::helpers::seed_records() as u64);
    drop(fresh);
    std::fs::remove_dir_all(index_dir.join("index")).expect("delete the index");
    let rebuilt = SearchIndex::open(&index_dir, &mut conn, Abbreviations::default()).expect("rebuilds");
    assert_eq!(count(&rebuilt), crate::helpers::seed_records() as u64);
    drop(rebuilt);

    let current = std::fs::read_to_string(index_dir.join("index/CURRENT")).expect("CURRENT");
    let generation = index_dir.join("index").join(current.trim());
    for entry in std::fs::read_dir(&generation).expect("files").flatten() {
        std::fs::write(entry.path(), b"garbage").expect("corrupt");
    }
    let repaired = SearchIndex::open(&index_dir, &mut conn, Abbreviations::default()).expect("rebuilds");
    assert_eq!(count(&repaired), crate::helpers::seed_records() as u64);
    let request = SearchRequest { query: "nuoc thai".into(), page: 1, per_page: 5, ..SearchRequest::default() };
    assert!(repaired.search(&request).expect("searches").total > 0);
}

#[tokio::test]
async fn a_reindex_swaps_in_a_new_index_while_the_service_keeps_answering() {
    let app = spawn_app().await;
    let output = run_cli(&app.db, &["reindex"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains(&format!("reindexed {} standards", crate::helpers::seed_records()))
    );
    let index_dir = app.db.settings().data_dir.join("index");
    let current = std::fs::read_to_string(index_dir.join("CURRENT")).expect("CURRENT").trim().to_string();
    let started = Instant::now();
    loop {
        assert_eq!(first_code(&app, "qcvn 06 2022 bxd").await.as_deref(), Some("QCVN 06:2022/BXD"));
        let generations: Vec<String> = std::fs::read_dir(&index_dir)
            .expect("index dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("gen-"))
            .collect();
        if generations == vec![current.clone()] {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the old generation was never dropped: {generations:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn searches_beyond_the_cap_wait_their_turn_and_beyond_the_queue_are_refused_with_retry_after() {
    let db = TestDatabase::seeded();
    let mut conn = db.connect();
    let index = std::sync::Arc::new(SearchIndex::in_memory(&mut conn, Abbreviations::default()).expect("index"));
    let request = SearchRequest { query: "nuoc".into(), page: 1, per_page: 5, ..SearchRequest::default() };
    let unqueued = SearchService::new(index.clone(), 1, 0);
    let held = unqueued.reserve().await.expect("the only slot");
    let refused = unqueued.search(&Caller::Anonymous, request.clone()).await.expect_err("no slot and no queue");
    let response = actix_web::ResponseError::error_response(&refused);
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
    drop(held);
    assert!(unqueued.search(&Caller::Anonymous, request.clone()).await.is_ok());

    let queued = SearchService::new(index, 1, 1);
    let held = queued.reserve().await.expect("the only slot");
    let waiting = tokio::spawn({
        let (queued, request) = (queued.clone(), request.clone());
        async move { queued.search(&Caller::Anonymous, request).await.is_ok() }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let full = queued.search(&Caller::Anonymous, request.clone()).await.expect_err("the queue is full");
    assert_eq!(actix_web::ResponseError::error_response(&full).status().as_u16(), 503);
    drop(held);
    assert!(waiting.await.expect("the queued search"), "a queued search runs when the slot frees");
}

#[test]
fn any_query_string_gives_200_or_400_never_a_server_error() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let app = runtime.block_on(spawn_app());
    let check = |query: &str| -> Result<(), TestCaseError> {
        for path in ["/api/v1/search?per_page=3&q=", "/api/v1/suggest?q="] {
            let url = format!("{}{path}{}", app.address, encode(query));
            let status = runtime.block_on(async { app.client.get(&url).send().await.map(|r| r.status().as_u16()) });
            let status = status.map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(status == 200 || status == 400, "{path}{query:?} → {status}");
        }
        Ok(())
    };
    let config = ProptestConfig { cases: 200, ..ProptestConfig::default() };
    proptest!(config, |(query in any::<String>())| check(&query)?);
    let syntax = r#"[a-zA-Z0-9 :/\-"()\[\]{}^~*?!+&|\\<>'.,;đĐạ-ỹ]{0,60}"#;
    proptest!(config, |(query in syntax)| check(&query)?);
}
