//! OData's entity set `Standards` as a service: pages of standards under a query (at most
//! `PAGE_SIZE` at a time, the rest by the next link) and one standard by its key.

use serde_json::{Map, Value, json};

use super::with_connection;
use crate::db::standards::{self, StandardRow};
use crate::db::{DbPool, odata};
use crate::error::{AppError, ErrorCode};
use crate::odata::PROPERTIES;
use crate::odata::options::ODataQuery;

/// Standards in one answer; more are reached by `@odata.nextLink`.
pub const PAGE_SIZE: i64 = 100;

/// A page of the entity set.
#[derive(Debug, Clone)]
pub struct EntityPage {
    pub entities: Vec<Value>,
    /// `$count=true`: how many the filter selects.
    pub count: Option<i64>,
    /// Where the next page starts (`$skip`), and what is left of `$top`, when there is more.
    pub next: Option<(i64, Option<i64>)>,
}

/// The entity set over the database in `pool`.
#[derive(Clone)]
pub struct ODataService {
    pool: DbPool,
}

impl ODataService {
    pub fn new(pool: DbPool) -> ODataService {
        ODataService { pool }
    }

    /// The standards the query selects, a page at a time.
    pub async fn query(&self, query: ODataQuery) -> Result<EntityPage, AppError> {
        with_connection(&self.pool, move |conn| {
            let wanted = query.top.map_or(PAGE_SIZE, |top| top.min(PAGE_SIZE));
            // One more than shown tells whether a next page exists.
            let mut rows = odata::page(conn, &query, query.skip, wanted + 1)?;
            let more_rows = rows.len() as i64 > wanted;
            rows.truncate(wanted as usize);
            let count = if query.count { Some(odata::count(conn, &query)?) } else { None };
            let left = query.top.map(|top| top - rows.len() as i64);
            let next = (more_rows && left.is_none_or(|left| left > 0)).then(|| (query.skip + rows.len() as i64, left));
            let entities = rows.iter().map(|row| selected(entity(row), &query)).collect();
            Ok(EntityPage { entities, count, next })
        })
        .await
    }

    /// One standard by its key (the slug).
    pub async fn entity(&self, slug: &str) -> Result<Value, AppError> {
        let slug = slug.to_string();
        with_connection(&self.pool, move |conn| {
            let row = standards::find_by_slug(conn, &slug)?.ok_or_else(|| AppError::NotFound {
                code: ErrorCode::StandardNotFound,
                message: format!("no standard has the key '{}'", slug.chars().take(80).collect::<String>()),
            })?;
            Ok(Value::Object(entity(&row)))
        })
        .await
    }
}

/// A standard's properties, in the order of `PROPERTIES`.
pub fn entity(row: &StandardRow) -> Map<String, Value> {
    let f = &row.fields;
    let values = [
        json!(f.slug),
        json!(f.code),
        json!(f.kind.as_str()),
        json!(f.number),
        json!(f.year),
        json!(f.issuer),
        json!(f.issuer_code),
        json!(f.title_vi),
        json!(f.title_en),
        json!(f.scope_vi),
        json!(f.field),
        json!(f.status.as_str()),
        json!(f.legal_instrument),
        json!(f.issued_date),
        json!(f.effective_date),
        json!(f.end_date),
        json!(f.international_equivalent),
        json!(f.access_level.as_str()),
        json!(row.version),
        json!(row.updated_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    ];
    PROPERTIES.iter().map(|p| p.name.to_string()).zip(values).collect()
}

fn selected(mut entity: Map<String, Value>, query: &ODataQuery) -> Value {
    if let Some(select) = &query.select {
        entity.retain(|name, _| select.iter().any(|p| p.name == name));
    }
    Value::Object(entity)
}
