//! The change log: one entry per catalogue change, in the same transaction, append-only.

use diesel::RunQueryDsl;
use tieuchuan::db::change_log;

use crate::helpers::{TestDatabase, run_cli, spawn_app_on, write_file};

#[tokio::test]
async fn every_seeded_record_texts_correction_and_removal_has_its_entry_in_increasing_sequence() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let mut conn = app.db.connect();
    let entries = change_log::since(&mut conn, 0, 10_000).expect("log");
    assert!(entries.windows(2).all(|w| w[0].seq < w[1].seq));
    let count = |test: &dyn Fn(&change_log::ChangeEntry) -> bool| entries.iter().filter(|e| test(e)).count();
    let catalogued = crate::helpers::catalogued_where(|_| true);
    assert_eq!(count(&|e| e.action == "created" && e.version == 1), catalogued);
    assert_eq!(count(&|e| e.action == "text_added"), 7, "the seven QCVN texts");
    let corrections = tieuchuan::services::seed::SEED_CORRECTIONS.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(count(&|e| e.summary.starts_with("corrected from a source")), corrections);
    assert_eq!(count(&|e| e.action == "removed"), catalogued - crate::helpers::seed_records());
}

#[tokio::test]
async fn a_rejected_file_leaves_no_entry_and_an_update_leaves_one() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let mut conn = app.db.connect();
    let before = change_log::latest_seq(&mut conn).expect("seq");
    let version = app.get_standard("QCVN 06:2022/BXD").await.1["version"].as_i64().expect("version") as i32;
    let bad =
        write_file(&app.db, "bad.jsonl", b"{\"code\": \"QCVN 06:2022/BXD\", \"title_vi\": \"x\"}\n{\"code\": \"?\"}\n");
    run_cli(&app.db, &["import", &bad.display().to_string()]);
    assert_eq!(change_log::latest_seq(&mut conn).expect("seq"), before);
    let good = write_file(
        &app.db,
        "good.jsonl",
        "{\"code\": \"QCVN 06:2022/BXD\", \"title_vi\": \"An toàn cháy\", \"status\": \"in_force\"}\n".as_bytes(),
    );
    run_cli(&app.db, &["import", &good.display().to_string()]);
    let entries = change_log::since(&mut conn, before, 100).expect("log");
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].code.as_str(), entries[0].action.as_str(), entries[0].version),
        ("QCVN 06:2022/BXD", "updated", version + 1)
    );
    assert!(entries[0].summary.contains("title_vi"), "{}", entries[0].summary);
}

#[tokio::test]
async fn the_change_log_refuses_updates_and_deletes() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let mut conn = app.db.connect();
    let before = change_log::latest_seq(&mut conn).expect("seq");
    assert!(diesel::sql_query("UPDATE change_log SET code = 'x'").execute(&mut *conn).is_err());
    assert!(diesel::sql_query("DELETE FROM change_log").execute(&mut *conn).is_err());
    assert_eq!(change_log::latest_seq(&mut conn).expect("seq"), before);
    assert!(before > crate::helpers::seed_records() as i64);
}

#[test]
fn nodes_starting_together_on_an_empty_database_seed_it_once() {
    let db = TestDatabase::new();
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let (url, settings) = (db.url.clone(), db.settings());
            std::thread::spawn(move || {
                let pool = tieuchuan::db::build_pool(&tieuchuan::db::DatabaseUrl::parse(&url), 1).expect("pool");
                let mut conn = pool.get().expect("connection");
                tieuchuan::db::run_migrations(&mut conn).expect("migrations");
                tieuchuan::services::seed::seed_for(&mut conn, &settings).map(|report| report.catalogue.created)
            })
        })
        .collect();
    let created: Vec<usize> = threads.into_iter().map(|t| t.join().expect("thread").expect("seed succeeds")).collect();
    let catalogued = crate::helpers::catalogued_where(|_| true);
    assert_eq!(created.iter().sum::<usize>(), catalogued, "one node seeded: {created:?}");
    assert_eq!(created.iter().filter(|c| **c > 0).count(), 1, "{created:?}");
    let mut conn = db.connect();
    assert_eq!(tieuchuan::db::standards::count(&mut conn).expect("count"), crate::helpers::seed_records() as i64);
    let (texts, corrections) = (7, tieuchuan::services::seed::SEED_CORRECTIONS.lines().count());
    let removals = catalogued - crate::helpers::seed_records();
    assert!(
        change_log::latest_seq(&mut conn).expect("seq") >= (catalogued + texts + corrections + removals) as i64,
        "a change-log entry for each record, text, correction and removal"
    );
}
