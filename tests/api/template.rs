//! The seeded template: the first test that wants a seeded database seeds one (records, texts,
//! corrections, removals, its search index) as the service does at first start; every other test
//! gets a copy of it (the SQLite file, or `CREATE DATABASE … TEMPLATE` on PostgreSQL, and the data
//! directory with its index and text files), so that seeding the real library once per run, not
//! once per test, is what the suite pays.

use std::path::Path;
use std::sync::OnceLock;

use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::helpers::TestDatabase;

static TEMPLATE: OnceLock<TestDatabase> = OnceLock::new();

/// The seeded template database of this test process, seeded on first use.
pub fn template() -> &'static TestDatabase {
    TEMPLATE.get_or_init(|| {
        drop_stale_templates();
        let db = TestDatabase::named(&format!("tieuchuan_template_{}", std::process::id()));
        let settings = db.settings();
        let pool = tieuchuan::startup::open_database(&settings).expect("the template database opens");
        let mut conn = pool.get().expect("a connection");
        let report = tieuchuan::services::seed::seed_for(&mut conn, &settings).expect("the seed");
        assert!(report.applied(), "the template was empty");
        let abbreviations = tieuchuan::search::Abbreviations::load(&settings.data_dir).expect("abbreviations");
        tieuchuan::search::SearchIndex::open(&settings.data_dir, &mut conn, abbreviations).expect("the index builds");
        drop(conn);
        drop(pool);
        db
    })
}

/// Copies the template's files (its SQLite database, when it is one, and its data directory).
pub fn copy_files(template: &TestDatabase, into: &Path) {
    let from = template.dir.path();
    for name in ["test.db", "test.db-wal", "test.db-shm"] {
        if from.join(name).exists() {
            std::fs::copy(from.join(name), into.join(name)).expect("copy the template database");
        }
    }
    copy_dir(&from.join("data"), &into.join("data"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a data directory");
    for entry in std::fs::read_dir(from).expect("read the template's data").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a data file");
        }
    }
}

/// Templates of test processes that no longer run (PostgreSQL keeps databases; files go with
/// their temporary directories).
fn drop_stale_templates() {
    let Some(admin_url) = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.trim().is_empty()) else { return };
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let mut admin = PgConnection::establish(&admin_url).expect("TEST_DATABASE_URL must reach PostgreSQL");
    let names: Vec<Name> =
        diesel::sql_query("SELECT datname FROM pg_database WHERE datname LIKE 'tieuchuan_template_%'")
            .load(&mut admin)
            .unwrap_or_default();
    for name in names {
        let pid = name.datname.trim_start_matches("tieuchuan_template_");
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ =
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", name.datname)).execute(&mut admin);
        }
    }
}
