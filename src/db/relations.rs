//! Queries on `standard_relations`: relations from a standard to a code, resolved by key.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::{standard_relations, standards};
use crate::domain::RelationKind;

/// A stored relation: `standard_id` `kind` `target_code`.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = standard_relations)]
pub struct RelationRow {
    pub id: i64,
    pub standard_id: i64,
    pub kind: RelationKind,
    pub target_code: String,
    pub target_key: String,
}

/// A relation to write.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Insertable)]
#[diesel(table_name = standard_relations)]
pub struct NewRelation {
    pub standard_id: i64,
    pub kind: RelationKind,
    pub target_code: String,
    pub target_key: String,
}

/// A relation stored on another standard that points at a given key, with that standard's
/// code and key (so the relation can be shown from the other end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingRelation {
    pub kind: RelationKind,
    pub source_code: String,
    pub source_key: String,
}

/// The relations stored on one standard.
pub fn of_standard(conn: &mut DbConnection, standard_id: i64) -> QueryResult<Vec<RelationRow>> {
    standard_relations::table
        .filter(standard_relations::standard_id.eq(standard_id))
        .order((standard_relations::kind.asc(), standard_relations::target_code.asc()))
        .select(RelationRow::as_select())
        .load(conn)
}

/// The relations stored on other standards that point at this key.
pub fn pointing_at(conn: &mut DbConnection, key: &str) -> QueryResult<Vec<IncomingRelation>> {
    let rows: Vec<(RelationKind, String, String)> = standard_relations::table
        .inner_join(standards::table)
        .filter(standard_relations::target_key.eq(key))
        .select((standard_relations::kind, standards::code, standards::code_key))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(kind, source_code, source_key)| IncomingRelation { kind, source_code, source_key })
        .collect())
}

/// Replaces the relations stored on one standard with the given ones.
pub fn replace_for_standard(conn: &mut DbConnection, standard_id: i64, relations: &[NewRelation]) -> QueryResult<()> {
    diesel::delete(standard_relations::table.filter(standard_relations::standard_id.eq(standard_id))).execute(conn)?;
    // MultiConnection has no batch insert; the lists are short.
    for relation in relations {
        diesel::insert_into(standard_relations::table).values(relation).execute(conn)?;
    }
    Ok(())
}

/// A declaration that one standard is replaced: `declared_by` (a stored standard's key) says
/// that `replaced` (a key, maybe not in the catalogue) is replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacementClaim {
    pub declared_by: String,
    pub replaced: String,
}

/// Every replacement the catalogue declares: targets of `replaces` on non-draft standards, and
/// the standards that carry a `replaced_by` of their own.
pub fn replacement_claims(conn: &mut DbConnection) -> QueryResult<Vec<ReplacementClaim>> {
    let replaces: Vec<(String, String)> = standard_relations::table
        .inner_join(standards::table)
        .filter(standard_relations::kind.eq("replaces"))
        .filter(standards::status.ne("draft"))
        .select((standards::code_key, standard_relations::target_key))
        .load(conn)?;
    let replaced_by: Vec<String> = standard_relations::table
        .inner_join(standards::table)
        .filter(standard_relations::kind.eq("replaced_by"))
        .select(standards::code_key)
        .load(conn)?;
    Ok(replaces
        .into_iter()
        .map(|(declared_by, replaced)| ReplacementClaim { declared_by, replaced })
        .chain(replaced_by.into_iter().map(|key| ReplacementClaim { declared_by: key.clone(), replaced: key }))
        .collect())
}
