//! Queries on `provinces`: the 34 provincial-level units officials belong to.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DbConnection;
use super::schema::provinces;

/// A provincial-level unit (Resolution 202/2025/QH15).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize, Deserialize, ToSchema)]
#[diesel(table_name = provinces)]
pub struct Province {
    pub slug: String,
    pub name: String,
    /// `thanh_pho` (centrally-run city) or `tinh` (province).
    pub kind: String,
}

/// All provinces, by name.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Province>> {
    provinces::table.order(provinces::name.asc()).select(Province::as_select()).load(conn)
}

/// Inserts the provinces not stored yet and updates the names of the others; returns how many
/// rows changed. A reference table of the catalogue, written at start: serialised with the
/// catalogue's writers, so that nodes starting together insert each province once.
pub fn sync(conn: &mut DbConnection, wanted: &[Province]) -> QueryResult<usize> {
    super::catalogue_transaction(conn, |conn| {
        let stored = all(conn)?;
        let mut changed = 0;
        for province in wanted {
            match stored.iter().find(|p| p.slug == province.slug) {
                Some(existing) if existing == province => {}
                Some(_) => {
                    changed += diesel::update(provinces::table.find(&province.slug))
                        .set((provinces::name.eq(&province.name), provinces::kind.eq(&province.kind)))
                        .execute(conn)?;
                }
                None => changed += diesel::insert_into(provinces::table).values(province).execute(conn)?,
            }
        }
        Ok(changed)
    })
}
