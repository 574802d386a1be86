//! Which edition of a series is the newest: an older edition ranks below the current one even
//! when no source recorded that it was replaced.

use std::collections::HashMap;

use crate::db::standards::StandardFields;

/// The newest year of each series (same kind, number and issuer).
#[derive(Debug, Clone, Default)]
pub struct LatestEditions {
    newest: HashMap<(String, Option<String>), i32>,
}

impl LatestEditions {
    /// Builds the map from (series key, issuer, year) triples.
    pub fn from_years(rows: impl IntoIterator<Item = crate::db::standards::SeriesYear>) -> LatestEditions {
        let mut newest: HashMap<(String, Option<String>), i32> = HashMap::new();
        for (series, issuer, year) in rows {
            if let Some(year) = year {
                let entry = newest.entry((series, issuer)).or_insert(year);
                *entry = (*entry).max(year);
            }
        }
        LatestEditions { newest }
    }

    /// Whether a newer edition of the same series is in the catalogue.
    pub fn is_superseded(&self, fields: &StandardFields) -> bool {
        match fields.year {
            None => false,
            Some(year) => self
                .newest
                .get(&(fields.series_key.clone(), fields.issuer_code.clone()))
                .is_some_and(|newest| *newest > year),
        }
    }
}
