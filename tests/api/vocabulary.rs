//! The closed vocabularies in storage: every term is written and read back as itself on both
//! backends, and the database refuses a value outside its vocabulary, whoever writes it.

use diesel::prelude::*;
use diesel::sql_types::Text;
use tieuchuan::db::schema::{standard_relations, standards, users};
use tieuchuan::db::{relations, standards as stored_standards, users as stored_users};
use tieuchuan::domain::{AccessLevel, AccountStatus, Confidence, Equivalence, Kind, RelationKind, Role, Status};

use crate::accounts_helpers::account;
use crate::helpers::{TestDatabase, spawn_app_on};

#[tokio::test]
async fn every_term_is_stored_and_read_back_as_itself() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let mut conn = app.db.connect();
    let id: i64 = standards::table.select(standards::id).order(standards::id).first(&mut *conn).expect("a standard");
    let read = |conn: &mut tieuchuan::db::DbConnection| {
        stored_standards::find_by_id(conn, id).expect("read").expect("the standard").fields
    };
    for kind in Kind::ALL {
        diesel::update(standards::table.find(id)).set(standards::kind.eq(kind)).execute(&mut *conn).expect("kind");
        assert_eq!(read(&mut conn).kind, *kind);
    }
    for status in Status::ALL {
        diesel::update(standards::table.find(id))
            .set(standards::status.eq(status))
            .execute(&mut *conn)
            .expect("status");
        assert_eq!(read(&mut conn).status, *status);
    }
    for level in AccessLevel::ALL {
        diesel::update(standards::table.find(id))
            .set(standards::access_level.eq(level))
            .execute(&mut *conn)
            .expect("level");
        assert_eq!(read(&mut conn).access_level, *level);
    }
    for degree in Equivalence::ALL.iter().copied().map(Some).chain([None]) {
        diesel::update(standards::table.find(id))
            .set(standards::equivalence.eq(degree))
            .execute(&mut *conn)
            .expect("eq");
        assert_eq!(read(&mut conn).equivalence, degree);
    }
    for confidence in Confidence::ALL.iter().copied().map(Some).chain([None]) {
        diesel::update(standards::table.find(id))
            .set(standards::confidence.eq(confidence))
            .execute(&mut *conn)
            .expect("confidence");
        assert_eq!(read(&mut conn).confidence, confidence);
    }
    let relation: (i64, i64) = standard_relations::table
        .select((standard_relations::id, standard_relations::standard_id))
        .first(&mut *conn)
        .expect("the seed holds relations");
    for kind in RelationKind::ALL {
        diesel::update(standard_relations::table.find(relation.0))
            .set(standard_relations::kind.eq(kind))
            .execute(&mut *conn)
            .expect("relation");
        let stored = relations::of_standard(&mut conn, relation.1).expect("relations");
        assert!(stored.iter().any(|r| r.id == relation.0 && r.kind == *kind));
    }
    let user = account("vocabulary").insert(&app);
    for role in Role::ALL {
        for status in AccountStatus::ALL {
            diesel::update(users::table.find(user))
                .set((users::role.eq(role), users::status.eq(status)))
                .execute(&mut *conn)
                .expect("account");
            let row = stored_users::find_by_id(&mut conn, user).expect("read").expect("the account");
            assert_eq!((row.role, row.status), (*role, *status));
        }
    }
}

#[tokio::test]
async fn the_database_refuses_a_value_outside_its_vocabulary() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let mut conn = app.db.connect();
    let user = account("vocabulary").insert(&app);
    let id: i64 = standards::table.select(standards::id).order(standards::id).first(&mut *conn).expect("a standard");
    let refused = [
        ("UPDATE standards SET kind = $1 WHERE id = $2", "ISO"),
        ("UPDATE standards SET status = $1 WHERE id = $2", "valid"),
        ("UPDATE standards SET access_level = $1 WHERE id = $2", "secret"),
        ("UPDATE standards SET equivalence = $1 WHERE id = $2", "EQV"),
        ("UPDATE standards SET confidence = $1 WHERE id = $2", "certain"),
        (
            "UPDATE standard_relations SET kind = $1 WHERE standard_id = (SELECT min(standard_id) FROM standard_relations) AND $2 > 0",
            "cites",
        ),
        ("UPDATE users SET role = $1 WHERE id = $2", "root"),
        ("UPDATE users SET status = $1 WHERE id = $2", "banned"),
        (
            "INSERT INTO documents (standard_id, sha256, format, size_bytes, needs_ocr, language, access_level, uploaded_at) \
             VALUES ($2, 'ab', $1, 1, FALSE, 'vi', 'public', CURRENT_TIMESTAMP)",
            "exe",
        ),
        (
            "INSERT INTO documents (standard_id, sha256, format, size_bytes, needs_ocr, language, access_level, uploaded_at) \
             VALUES ($2, 'cd', 'pdf', 1, FALSE, 'vi', $1, CURRENT_TIMESTAMP)",
            "inspector",
        ),
        (
            "INSERT INTO access_events (user_id, standard_id, action, at, day) VALUES ($2, $2, $1, CURRENT_TIMESTAMP, '2026-12-02')",
            "print",
        ),
    ];
    for (statement, value) in refused {
        let target = if statement.contains("users") { user } else { id };
        // SQLite numbers its parameters `?1`, PostgreSQL `$1`.
        let sql = if app.db.url.starts_with("postgres") { statement.to_string() } else { statement.replace('$', "?") };
        let result = diesel::sql_query(sql)
            .bind::<Text, _>(value)
            .bind::<diesel::sql_types::BigInt, _>(target)
            .execute(&mut *conn);
        assert!(result.is_err(), "stored `{value}` by `{statement}`");
    }
    let fields = stored_standards::find_by_id(&mut conn, id).expect("read").expect("the standard").fields;
    assert_ne!(fields.kind.as_str(), "ISO");
}
