//! The writing half of an import: status derivation, upserts, relations and change-log entries,
//! inside the transaction the caller opened.

use std::collections::{BTreeSet, HashSet};

use chrono::{NaiveDateTime, Utc};
use diesel::QueryResult;

use super::record::{DeclaredRelation, ValidRecord};
use super::{ImportError, ImportReport, TextSource};
use crate::db::relations::{self, NewRelation};
use crate::db::standards::{self, StandardFields, StandardRow};
use crate::db::{DbConnection, ics};
use crate::domain::{RelationKind, Status};
use crate::feed::log::{self as feed_log, Change};

/// Writes every valid record, then marks as replaced the stored standards the file replaces.
pub(super) fn write_records(
    conn: &mut DbConnection,
    records: &[ValidRecord],
    texts: Option<&TextSource>,
    report: &mut ImportReport,
    progress: &mut dyn FnMut(),
) -> Result<(), ImportError> {
    let now = Utc::now().naive_utc();
    let replaced = replaced_keys(conn, records)?;
    for record in records {
        let mut fields = record.fields.clone();
        fields.status = derived_status(&fields, &replaced);
        let id = match standards::find_by_key(conn, &fields.code_key)? {
            None => {
                let id = standards::insert(conn, &fields, now)?;
                write_links(conn, id, record)?;
                log(conn, id, "created", "created by import".into(), now)?;
                report.created += 1;
                id
            }
            Some(existing) => {
                // The stored spelling and slug stay: URLs and citations must not move because a
                // file wrote `QCVN 6` for `QCVN 06`.
                fields.code.clone_from(&existing.fields.code);
                fields.slug.clone_from(&existing.fields.slug);
                fields.number.clone_from(&existing.fields.number);
                let changed = changed_parts(conn, &existing, &fields, record)?;
                if changed.is_empty() {
                    report.unchanged += 1;
                    existing.id
                } else {
                    standards::update(conn, existing.id, &fields, now)?;
                    write_links(conn, existing.id, record)?;
                    let summary = format!("updated by import: {}", changed.join(", "));
                    log(conn, existing.id, "updated", summary, now)?;
                    report.updated += 1;
                    existing.id
                }
            }
        };
        if let (Some(text), Some(source)) = (&record.prepared_text, texts) {
            source.attach(conn, id, fields.access_level, (text, &record.text_origin), report)?;
        }
        progress();
    }
    let in_file: HashSet<&str> = records.iter().map(|r| r.fields.code_key.as_str()).collect();
    let outside: Vec<String> = replaced.into_iter().filter(|key| !in_file.contains(key.as_str())).collect();
    for row in standards::with_status_among(conn, Status::Unknown, &outside)? {
        standards::set_status(conn, row.id, Status::Replaced, now)?;
        log(conn, row.id, "updated", "status derived: replaced".into(), now)?;
        report.derived_replaced += 1;
    }
    Ok(())
}

/// Keys the catalogue will consider replaced once this file is in: claims stored on standards
/// outside the file, plus the file's own.
fn replaced_keys(conn: &mut DbConnection, records: &[ValidRecord]) -> QueryResult<HashSet<String>> {
    let in_file: HashSet<&str> = records.iter().map(|r| r.fields.code_key.as_str()).collect();
    let mut replaced: HashSet<String> = relations::replacement_claims(conn)?
        .into_iter()
        .filter(|claim| !in_file.contains(claim.declared_by.as_str()))
        .map(|claim| claim.replaced)
        .collect();
    for record in records {
        for relation in &record.relations {
            if relation.kind == RelationKind::Replaces && record.fields.status != Status::Draft {
                replaced.insert(relation.target_key.clone());
            }
            if relation.kind == RelationKind::ReplacedBy {
                replaced.insert(record.fields.code_key.clone());
            }
        }
    }
    Ok(replaced)
}

/// A standard with no known status that something replaces is `replaced`.
fn derived_status(fields: &StandardFields, replaced: &HashSet<String>) -> Status {
    if fields.status == Status::Unknown && replaced.contains(&fields.code_key) {
        Status::Replaced
    } else {
        fields.status
    }
}

/// Names of what differs between the stored standard and the record.
fn changed_parts(
    conn: &mut DbConnection,
    existing: &StandardRow,
    fields: &StandardFields,
    record: &ValidRecord,
) -> QueryResult<Vec<String>> {
    let mut changed = differing_fields(&existing.fields, fields);
    let stored: BTreeSet<(RelationKind, String, String)> =
        relations::of_standard(conn, existing.id)?.into_iter().map(|r| (r.kind, r.target_key, r.target_code)).collect();
    let wanted: BTreeSet<(RelationKind, String, String)> =
        record.relations.iter().map(|r| (r.kind, r.target_key.clone(), r.target_code.clone())).collect();
    if stored != wanted {
        changed.push("relations".to_string());
    }
    if ics::of_standard(conn, existing.id)? != record.ics {
        changed.push("ics".to_string());
    }
    Ok(changed)
}

pub(super) fn differing_fields(old: &StandardFields, new: &StandardFields) -> Vec<String> {
    let old = field_values(old);
    let new = field_values(new);
    old.iter().zip(new.iter()).filter(|(a, b)| a.1 != b.1).map(|(a, _)| a.0.to_string()).collect()
}

/// The fields as (name, value) pairs, so that a change can name what changed.
fn field_values(f: &StandardFields) -> Vec<(&'static str, String)> {
    vec![
        ("code", f.code.clone()),
        ("kind", f.kind.to_string()),
        ("number", f.number.clone()),
        ("adopted_prefix", format!("{:?}", f.adopted_prefix)),
        ("year", format!("{:?}", f.year)),
        ("issuer", format!("{:?}", f.issuer)),
        ("issuer_code", format!("{:?}", f.issuer_code)),
        ("title_vi", f.title_vi.clone()),
        ("title_en", format!("{:?}", f.title_en)),
        ("scope_vi", format!("{:?}", f.scope_vi)),
        ("field", format!("{:?}", f.field)),
        ("technical_committee", format!("{:?}", f.technical_committee)),
        ("status", f.status.to_string()),
        ("status_note", format!("{:?}", f.status_note)),
        ("legal_instrument", format!("{:?}", f.legal_instrument)),
        ("issued_date", format!("{:?}", f.issued_date)),
        ("effective_date", format!("{:?}", f.effective_date)),
        ("end_date", format!("{:?}", f.end_date)),
        ("international_equivalent", format!("{:?}", f.international_equivalent)),
        ("equivalence", format!("{:?}", f.equivalence)),
        ("access_level", f.access_level.to_string()),
        ("note", format!("{:?}", f.note)),
        ("source", format!("{:?}", f.source)),
        ("confidence", format!("{:?}", f.confidence)),
        ("slug", f.slug.clone()),
    ]
}

fn write_links(conn: &mut DbConnection, id: i64, record: &ValidRecord) -> QueryResult<()> {
    let rows: Vec<NewRelation> = record
        .relations
        .iter()
        .map(|r: &DeclaredRelation| NewRelation {
            standard_id: id,
            kind: r.kind,
            target_code: r.target_code.clone(),
            target_key: r.target_key.clone(),
        })
        .collect();
    relations::replace_for_standard(conn, id, &rows)?;
    ics::replace_for_standard(conn, id, &record.ics)
}

fn log(
    conn: &mut DbConnection,
    standard_id: i64,
    action: &str,
    summary: String,
    changed_at: NaiveDateTime,
) -> QueryResult<()> {
    feed_log::upsert(conn, standard_id, Change { action, changed_at }, summary).map(|_| ())
}
