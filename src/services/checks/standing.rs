//! Where one cited code stands on a date: its record, what replaces and amends it and from when,
//! newer editions of its series; an undated citation as the newest edition in force on the date.

use chrono::{Datelike, NaiveDate};

use super::{CheckedCode, DatedLink, Outcome};
use crate::db::standards::StandardRow;
use crate::db::{DbConnection, relations, standards};
use crate::domain::citations::Citation;
use crate::domain::{CanonicalCode, InternationalCode, Reference, RelationKind, StandardLink, Status};
use crate::error::AppError;
use crate::services::catalogue::{adoption, issuer_matches, later_editions, removal, suggestions_for};

/// How many editions of a series are looked at.
const EDITIONS: i64 = 50;

/// What the catalogue says of one cited code on `as_of`.
pub(super) fn check(
    conn: &mut DbConnection,
    citation: Citation,
    occurrences: usize,
    as_of: NaiveDate,
) -> Result<CheckedCode, AppError> {
    match &citation.reference {
        Reference::International(document) => international(conn, &citation, occurrences, document),
        Reference::National(code) if code.is_dated() => match standards::find_by_key(conn, &code.key())? {
            Some(row) => standing(conn, &citation, occurrences, &row, as_of),
            None => missing(conn, &citation, occurrences, code),
        },
        Reference::National(code) => match edition_on(conn, code, as_of)? {
            Some(row) => standing(conn, &citation, occurrences, &row, as_of),
            None => missing(conn, &citation, occurrences, code),
        },
    }
}

fn international(
    conn: &mut DbConnection,
    citation: &Citation,
    occurrences: usize,
    document: &InternationalCode,
) -> Result<CheckedCode, AppError> {
    let mut checked = CheckedCode::new(citation, occurrences, Outcome::International);
    checked.adoptions = adoption::adoptions_of(conn, document)?;
    Ok(checked)
}

/// A code the catalogue does not hold: removed as erroneous, or not catalogued (with near codes).
fn missing(
    conn: &mut DbConnection,
    citation: &Citation,
    occurrences: usize,
    code: &CanonicalCode,
) -> Result<CheckedCode, AppError> {
    if let Some((gone, confused_with)) = removal::removal_of(conn, &code.slug(), Some(&code.key()))? {
        let mut checked = CheckedCode::new(citation, occurrences, Outcome::Removed);
        checked.note = Some(gone.reason);
        checked.near = confused_with.into_iter().collect();
        return Ok(checked);
    }
    let mut checked = CheckedCode::new(citation, occurrences, Outcome::NotCatalogued);
    checked.near = suggestions_for(conn, code)?;
    Ok(checked)
}

/// The edition an undated citation means on `as_of`: the newest in force then, or else the newest
/// issued by then (whatever its status), or else none.
fn edition_on(
    conn: &mut DbConnection,
    code: &CanonicalCode,
    as_of: NaiveDate,
) -> Result<Option<StandardRow>, AppError> {
    let editions: Vec<StandardRow> = standards::editions_of_series(conn, &code.series_key(), EDITIONS)?
        .into_iter()
        .filter(|row| issuer_matches(row, code) && row.fields.year.is_some() && started_by(row, as_of))
        .collect();
    for row in &editions {
        let (outcome, _) = outcome_of(conn, row, as_of)?;
        if matches!(outcome, Outcome::InForce | Outcome::Amended | Outcome::UnknownStatus | Outcome::NewerEdition) {
            return Ok(Some(row.clone()));
        }
    }
    Ok(editions.into_iter().next())
}

/// Whether the record had taken effect by the date: by its dates, or else by its year.
fn started_by(row: &StandardRow, as_of: NaiveDate) -> bool {
    match row.fields.effective_date.or(row.fields.issued_date) {
        Some(day) => day <= as_of,
        None => row.fields.year.is_none_or(|year| year <= as_of.year()),
    }
}

fn standing(
    conn: &mut DbConnection,
    citation: &Citation,
    occurrences: usize,
    row: &StandardRow,
    as_of: NaiveDate,
) -> Result<CheckedCode, AppError> {
    let (outcome, related) = outcome_of(conn, row, as_of)?;
    let mut checked = CheckedCode::new(citation, occurrences, outcome);
    checked.standard = Some(StandardLink::from(row));
    checked.replaced_by = related.replaced_by;
    checked.amended_by = related.amended_by;
    checked.newer_editions = related.newer_editions;
    Ok(checked)
}

/// What replaces, amends and follows a record, as far as the date reaches.
#[derive(Default)]
struct Related {
    replaced_by: Vec<DatedLink>,
    amended_by: Vec<DatedLink>,
    newer_editions: Vec<DatedLink>,
}

fn outcome_of(conn: &mut DbConnection, row: &StandardRow, as_of: NaiveDate) -> Result<(Outcome, Related), AppError> {
    let (successors, amendments) = related_by_relations(conn, row)?;
    let in_effect = |link: &DatedLink| in_effect_by(link, as_of);
    let related = Related {
        replaced_by: successors.iter().filter(|l| in_effect(l)).cloned().collect(),
        amended_by: amendments.iter().filter(|l| in_effect(l)).cloned().collect(),
        newer_editions: newer_editions(conn, row, as_of)?,
    };
    let f = &row.fields;
    // A successor that takes effect after the date leaves the record in force on it.
    let replaced_later = !successors.is_empty() && related.replaced_by.is_empty();
    let outcome = if f.effective_date.is_some_and(|day| day > as_of) {
        Outcome::NotYetInForce
    } else if !related.replaced_by.is_empty() || (f.status == Status::Replaced && !replaced_later) {
        Outcome::Replaced
    } else if f.end_date.is_some_and(|day| day <= as_of) || matches!(f.status, Status::Expired | Status::Annulled) {
        Outcome::NoLongerInForce
    } else if f.status == Status::Suspended {
        Outcome::Suspended
    } else if f.status == Status::Draft {
        Outcome::Draft
    } else if !related.amended_by.is_empty() {
        Outcome::Amended
    } else if f.status == Status::InForce || f.status == Status::Amended || replaced_later {
        Outcome::InForce
    } else if !related.newer_editions.is_empty() {
        Outcome::NewerEdition
    } else {
        Outcome::UnknownStatus
    };
    Ok((outcome, related))
}

/// Whether a successor or amendment had taken effect by the date: by its effective date, or else by
/// the year its code names (an amendment's own year), or, with neither, as the catalogue says now.
fn in_effect_by(link: &DatedLink, as_of: NaiveDate) -> bool {
    match link.effective_date {
        Some(day) => day <= as_of,
        None => CanonicalCode::parse(&link.link.code)
            .ok()
            .and_then(|code| code.amendment.map(|a| a.year).or(code.year))
            .is_none_or(|year| i32::try_from(year).is_ok_and(|year| year <= as_of.year())),
    }
}

/// The record's successors and amendments, from relations stored on it and on the others.
fn related_by_relations(
    conn: &mut DbConnection,
    row: &StandardRow,
) -> Result<(Vec<DatedLink>, Vec<DatedLink>), AppError> {
    // (key, code as written) of each
    let (mut successors, mut amendments) = (Vec::new(), Vec::new());
    for relation in relations::of_standard(conn, row.id)? {
        match relation.kind {
            RelationKind::ReplacedBy => successors.push((relation.target_key, relation.target_code)),
            RelationKind::AmendedBy => amendments.push((relation.target_key, relation.target_code)),
            _ => {}
        }
    }
    for incoming in relations::pointing_at(conn, &row.fields.code_key)? {
        match incoming.kind {
            RelationKind::Replaces => successors.push((incoming.source_key, incoming.source_code)),
            RelationKind::Amends => amendments.push((incoming.source_key, incoming.source_code)),
            _ => {}
        }
    }
    Ok((dated_links(conn, successors)?, dated_links(conn, amendments)?))
}

/// Links to these codes, oldest first: the catalogued ones resolved with their dates (drafts left
/// out), the others as the relation names them, with no date.
fn dated_links(conn: &mut DbConnection, mut targets: Vec<(String, String)>) -> Result<Vec<DatedLink>, AppError> {
    targets.sort();
    targets.dedup_by(|a, b| a.0 == b.0);
    let keys: Vec<String> = targets.iter().map(|(key, _)| key.clone()).collect();
    let rows = standards::find_by_keys(conn, &keys)?;
    let mut links: Vec<(Option<NaiveDate>, Option<i32>, DatedLink)> = Vec::new();
    for (key, code) in targets {
        match rows.iter().find(|row| row.fields.code_key == key) {
            Some(row) if row.fields.status == Status::Draft => {}
            Some(row) => links.push((row.fields.effective_date, row.fields.year, dated(row))),
            None => links.push((
                None,
                None,
                DatedLink {
                    link: StandardLink { code, slug: None, title_vi: None, status: None },
                    effective_date: None,
                },
            )),
        }
    }
    links.sort_by(|a, b| (a.0, a.1, &a.2.link.code).cmp(&(b.0, b.1, &b.2.link.code)));
    Ok(links.into_iter().map(|(_, _, link)| link).collect())
}

fn dated(row: &StandardRow) -> DatedLink {
    DatedLink { link: StandardLink::from(row), effective_date: row.fields.effective_date }
}

/// Editions of the same series, same issuer, newer than this one and issued by the date, oldest
/// first.
fn newer_editions(conn: &mut DbConnection, row: &StandardRow, as_of: NaiveDate) -> Result<Vec<DatedLink>, AppError> {
    let mut newer: Vec<DatedLink> =
        later_editions(conn, row)?.iter().filter(|other| started_by(other, as_of)).map(dated).collect();
    newer.reverse();
    Ok(newer)
}
