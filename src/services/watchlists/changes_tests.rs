use serde_json::{Value, json};

use super::happenings;
use crate::domain::AlertChange;
use crate::feed::record::PublicRecord;

fn record(code: &str, status: &str, relations: Value, texts: usize) -> PublicRecord {
    let texts: Vec<Value> = (0..texts)
        .map(|id| {
            json!({"id": id, "format": "markdown", "access_level": "public", "size_bytes": 10,
            "sha256": null, "source": null, "note": null})
        })
        .collect();
    serde_json::from_value(json!({
        "code": code, "slug": "s", "kind": "TCVN", "number": "5574", "year": 2018, "adopted_prefix": null,
        "issuer": null, "issuer_code": null, "title_vi": "Kết cấu bê tông", "title_en": null, "scope_vi": null,
        "field": null, "ics": [], "technical_committee": null, "status": status, "status_note": null,
        "legal_instrument": null, "issued_date": null, "effective_date": null, "end_date": null,
        "international_equivalent": null, "equivalence": null, "access_level": "registered", "note": null,
        "source": null, "confidence": null, "corrections": [], "relations": relations, "texts": texts,
        "version": 1, "updated_at": "2026-12-07T00:00:00Z"
    }))
    .expect("a record")
}

fn relation(kind: &str, code: &str) -> Value {
    json!({"kind": kind, "code": code, "origin": null, "section": null})
}

fn said(found: &[super::Happening]) -> Vec<(&str, AlertChange)> {
    found.iter().map(|h| (h.code.as_str(), h.change)).collect()
}

#[test]
fn a_new_edition_that_replaces_the_old_tells_both() {
    let new = record("TCVN 5574:2025", "in_force", json!([relation("replaces", "TCVN 5574:2018")]), 0);
    let found = happenings(None, &new, false);
    assert_eq!(
        said(&found),
        vec![("TCVN 5574:2025", AlertChange::NewEdition), ("TCVN 5574:2018", AlertChange::Replaced)]
    );
    assert_eq!(found[1].message, "TCVN 5574:2018 đã được thay thế bởi TCVN 5574:2025");
    assert_eq!(found[1].successors, vec!["TCVN 5574:2025".to_string()]);
}

#[test]
fn a_replacement_with_its_status_is_one_happening_and_a_plain_status_change_another() {
    let before = record("TCVN 5574:2018", "in_force", json!([]), 0);
    let replaced = record("TCVN 5574:2018", "replaced", json!([relation("replaced_by", "TCVN 5574:2025")]), 0);
    assert_eq!(said(&happenings(Some(&before), &replaced, false)), vec![("TCVN 5574:2018", AlertChange::Replaced)]);
    let expired = record("TCVN 5574:2018", "expired", json!([]), 0);
    let found = happenings(Some(&before), &expired, false);
    assert_eq!(said(&found), vec![("TCVN 5574:2018", AlertChange::Status)]);
    assert_eq!(found[0].message, "TCVN 5574:2018: trạng thái chuyển từ «còn hiệu lực» sang «hết hiệu lực»");
}

#[test]
fn texts_amendments_and_removals_are_told_and_unchanged_relations_are_not() {
    let before = record("TCVN 5574:2018", "in_force", json!([relation("references", "TCVN 2737:2023")]), 0);
    let after = record(
        "TCVN 5574:2018",
        "in_force",
        json!([relation("amended_by", "SĐ 1:2024 TCVN 5574:2018"), relation("references", "TCVN 2737:2023")]),
        1,
    );
    assert_eq!(
        said(&happenings(Some(&before), &after, false)),
        vec![("TCVN 5574:2018", AlertChange::Amended), ("TCVN 5574:2018", AlertChange::TextAdded)]
    );
    assert!(happenings(Some(&after), &after, false).is_empty(), "nothing changed, nothing said");
    assert_eq!(said(&happenings(Some(&after), &after, true)), vec![("TCVN 5574:2018", AlertChange::Removed)]);
}
