//! The national side of provincial mirrors: their credentials (kept as SHA-256 only, scoped to
//! a province, revocable), the accounts a mirror may know, and the access events mirrors relay,
//! each stored once by its event id.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use super::DbConnection;
use super::audit::NewAccessEvent;
use super::schema::{access_events, mirror_credentials, users};
use super::users::UserRow;

/// A mirror credential as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = mirror_credentials)]
pub struct CredentialRow {
    pub id: i64,
    pub name: String,
    pub province: String,
    pub secret_hash: String,
    pub created_at: NaiveDateTime,
    pub created_by: i64,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
}

/// A credential to store.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = mirror_credentials)]
pub struct NewCredential {
    pub name: String,
    pub province: String,
    pub secret_hash: String,
    pub created_at: NaiveDateTime,
    pub created_by: i64,
}

/// Stores a credential; returns it.
pub fn insert_credential(conn: &mut DbConnection, credential: &NewCredential) -> QueryResult<CredentialRow> {
    diesel::insert_into(mirror_credentials::table).values(credential).execute(conn)?;
    mirror_credentials::table
        .filter(mirror_credentials::secret_hash.eq(&credential.secret_hash))
        .select(CredentialRow::as_select())
        .first(conn)
}

/// Every credential, newest first.
pub fn credentials(conn: &mut DbConnection) -> QueryResult<Vec<CredentialRow>> {
    mirror_credentials::table.order(mirror_credentials::id.desc()).select(CredentialRow::as_select()).load(conn)
}

/// The credential with this id.
pub fn credential(conn: &mut DbConnection, id: i64) -> QueryResult<Option<CredentialRow>> {
    mirror_credentials::table.find(id).select(CredentialRow::as_select()).first(conn).optional()
}

/// The unrevoked credential whose secret has this hash, marked as used now.
pub fn active_by_hash(conn: &mut DbConnection, hash: &str, now: NaiveDateTime) -> QueryResult<Option<CredentialRow>> {
    let found: Option<CredentialRow> = mirror_credentials::table
        .filter(mirror_credentials::secret_hash.eq(hash))
        .filter(mirror_credentials::revoked_at.is_null())
        .select(CredentialRow::as_select())
        .first(conn)
        .optional()?;
    if let Some(row) = &found {
        diesel::update(mirror_credentials::table.find(row.id))
            .set(mirror_credentials::last_used_at.eq(now))
            .execute(conn)?;
    }
    Ok(found)
}

/// Revokes a credential (once: a revoked one keeps its first revocation time); false if unknown.
pub fn revoke(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let exists = credential(conn, id)?.is_some();
    diesel::update(mirror_credentials::table.find(id).filter(mirror_credentials::revoked_at.is_null()))
        .set(mirror_credentials::revoked_at.eq(now))
        .execute(conn)?;
    Ok(exists)
}

/// The accounts of a province, by id.
pub fn accounts_of(conn: &mut DbConnection, province: &str) -> QueryResult<Vec<UserRow>> {
    users::table.filter(users::province.eq(province)).order(users::id).select(UserRow::as_select()).load(conn)
}

/// Stores a relayed access event unless one with its id is stored already; true when stored.
/// Two relays of one event at once store it once: the loser meets the unique index.
pub fn insert_relayed(conn: &mut DbConnection, event: &NewAccessEvent, relayed_by: i64) -> QueryResult<bool> {
    let Some(event_id) = event.event_id.as_deref() else { return Ok(false) };
    let known: bool =
        diesel::select(diesel::dsl::exists(access_events::table.filter(access_events::event_id.eq(event_id))))
            .get_result(conn)?;
    if known {
        return Ok(false);
    }
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(access_events::table)
            .values((event, access_events::relayed_by.eq(relayed_by)))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(error) => Err(error),
    }
}
