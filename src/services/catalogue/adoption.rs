//! International documents and the TCVN that adopt them: `TCVN ISO 9001:2015` adopts `ISO 9001`,
//! by its code or by an `adopts` relation (`TCVN 7447-4-41:2010` adopts `IEC 60364-4-41:2005`).

use std::collections::BTreeSet;

use super::StandardLink;
use crate::db::{DbConnection, relations, standards};
use crate::domain::{InternationalCode, RelationKind};
use crate::error::AppError;

/// The most adoptions listed for one document.
const ADOPTION_LIMIT: i64 = 20;

/// The catalogued standards that adopt any edition of the document, newest first: those whose
/// code says so (`TCVN ISO …`), then those with an `adopts` relation to it.
pub fn adoptions_of(conn: &mut DbConnection, document: &InternationalCode) -> Result<Vec<StandardLink>, AppError> {
    let mut found: Vec<StandardLink> =
        standards::editions_of_series(conn, &document.adoption_series_key(), ADOPTION_LIMIT)?
            .iter()
            .map(StandardLink::from)
            .collect();
    let mut keys = vec![document.series_key()];
    if document.year.is_some() {
        keys.push(document.key());
    }
    let mut declared = BTreeSet::new();
    for key in &keys {
        for incoming in relations::pointing_at(conn, key)? {
            if incoming.kind == RelationKind::Adopts {
                declared.insert(incoming.source_key);
            }
        }
    }
    let declared: Vec<String> = declared.into_iter().collect();
    for row in standards::find_by_keys(conn, &declared)? {
        if !found.iter().any(|link| link.code == row.fields.code) {
            found.push(StandardLink::from(&row));
        }
    }
    Ok(found)
}

/// The answer for a reference that names an international document: `404 international_document`
/// with the document's TCVN adoptions as suggestions.
pub fn international_answer(conn: &mut DbConnection, reference: &str) -> Result<Option<AppError>, AppError> {
    let Some(document) = InternationalCode::parse(reference) else { return Ok(None) };
    let adoptions = adoptions_of(conn, &document)?;
    Ok(Some(AppError::InternationalDocument { code: document.to_string(), adoptions }))
}
