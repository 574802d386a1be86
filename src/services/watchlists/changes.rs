//! What one change of the catalogue means to those who watch it: the record before and after a
//! change-log entry, read as happenings (a status changed, a standard was replaced or amended, a new
//! edition or a text arrived, a record was removed), each about one standard and said in
//! Vietnamese. A standard replaced or amended by another record's `replaces` or `amends` is a
//! happening about that standard, not about the record that says so.

use crate::domain::{AlertChange, RelationKind, Status};
use crate::feed::record::PublicRecord;

/// Something watchers of one standard are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Happening {
    /// The standard it is about, as published.
    pub code: String,
    pub change: AlertChange,
    /// What happened, in Vietnamese, with the codes.
    pub message: String,
    /// For a replacement: the standards that replace it.
    pub successors: Vec<String>,
}

/// What the entry that turned `before` into `after` means; `removed` for a tombstone (then `after`
/// is the removed record).
pub fn happenings(before: Option<&PublicRecord>, after: &PublicRecord, removed: bool) -> Vec<Happening> {
    let code = &after.code;
    let happening = |change, message: String| Happening { code: code.clone(), change, message, successors: Vec::new() };
    if removed {
        return vec![happening(AlertChange::Removed, format!("{code} đã bị gỡ khỏi danh mục (hồ sơ sai)"))];
    }
    let mut found = Vec::new();
    let Some(before) = before else {
        found.push(happening(AlertChange::NewEdition, format!("Danh mục có thêm {code}: {}", after.title_vi)));
        // A new record that replaces or amends others tells their watchers.
        found.extend(declared_on_others(&[], after));
        return found;
    };
    let replaced_by = added(before, after, RelationKind::ReplacedBy);
    let amended_by = added(before, after, RelationKind::AmendedBy);
    if !replaced_by.is_empty() {
        found.push(Happening {
            code: code.clone(),
            change: AlertChange::Replaced,
            message: format!("{code} đã được thay thế bởi {}", replaced_by.join(", ")),
            successors: replaced_by.clone(),
        });
    }
    if !amended_by.is_empty() {
        found.push(happening(AlertChange::Amended, format!("{code} được sửa đổi bởi {}", amended_by.join(", "))));
    }
    let told = (!replaced_by.is_empty() && after.status == Status::Replaced)
        || (!amended_by.is_empty() && after.status == Status::Amended);
    if before.status != after.status && after.status == Status::Replaced && !told {
        // Replaced, with the successor named elsewhere (another record's `replaces`, told there).
        found.push(happening(AlertChange::Replaced, format!("{code} đã bị thay thế")));
    } else if before.status != after.status && !told {
        found.push(happening(
            AlertChange::Status,
            format!("{code}: trạng thái chuyển từ «{}» sang «{}»", before.status.name_vi(), after.status.name_vi()),
        ));
    }
    if after.texts.len() > before.texts.len() {
        found.push(happening(AlertChange::TextAdded, format!("{code}: có văn bản mới trong thư viện")));
    }
    found.extend(declared_on_others(&relations_of(before), after));
    found
}

/// Standards this record newly says it replaces or amends.
fn declared_on_others(before: &[(RelationKind, String)], after: &PublicRecord) -> Vec<Happening> {
    let code = &after.code;
    let mut found = Vec::new();
    for (kind, target) in relations_of(after) {
        if target == *code || before.contains(&(kind, target.clone())) {
            continue;
        }
        match kind {
            RelationKind::Replaces => found.push(Happening {
                code: target.clone(),
                change: AlertChange::Replaced,
                message: format!("{target} đã được thay thế bởi {code}"),
                successors: vec![code.clone()],
            }),
            RelationKind::Amends => found.push(Happening {
                code: target.clone(),
                change: AlertChange::Amended,
                message: format!("{target} được sửa đổi bởi {code}"),
                successors: Vec::new(),
            }),
            _ => {}
        }
    }
    found
}

/// Targets of a kind of relation that `after` has and `before` had not.
fn added(before: &PublicRecord, after: &PublicRecord, kind: RelationKind) -> Vec<String> {
    let had = relations_of(before);
    let mut codes: Vec<String> = relations_of(after)
        .into_iter()
        .filter(|(k, code)| *k == kind && !had.contains(&(*k, code.clone())))
        .map(|(_, code)| code)
        .collect();
    codes.dedup();
    codes
}

/// A record's relations as (kind, code) pairs, declared or read from its texts alike.
fn relations_of(record: &PublicRecord) -> Vec<(RelationKind, String)> {
    record.relations.iter().map(|r| (r.kind, r.code.clone())).collect()
}

#[cfg(test)]
#[path = "changes_tests.rs"]
mod tests;
