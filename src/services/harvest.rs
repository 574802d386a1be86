//! Harvesting (OAI-PMH) as a service: answers each typed request from the catalogue and the
//! feed's tombstones. The items are the standards (datestamp: when each last changed) and the
//! records removed by an admin (deleted, kept forever). A list walks the standards by id, then
//! the deleted records by the sequence number of their tombstone, `PAGE_SIZE` at a time.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::with_connection;
use crate::db::harvest::{self, HarvestFilter};
use crate::db::{DbConnection, DbPool, standards};
use crate::domain::Kind;
use crate::error::AppError;
use crate::feed::record::{self, PublicRecord};
use crate::oai::request::{OaiRequest, Selection};
use crate::oai::token::{self, Phase, Position};
use crate::oai::{Answer, Continuation, Identity, Item, MetadataFormat, OaiError, OaiErrorCode, OaiSet};

/// Items in one page of a list.
pub const PAGE_SIZE: i64 = 100;

/// The harvestable catalogue of the database in `pool`.
#[derive(Clone)]
pub struct Harvest {
    pool: DbPool,
    identity: Identity,
}

impl Harvest {
    /// The repository published at `origin`, whose administrator is reached at `admin_email`.
    pub fn new(pool: DbPool, origin: &str, admin_email: &str) -> Harvest {
        let repository_identifier = crate::feed::authority(origin);
        let admin_email =
            if admin_email.is_empty() { format!("webmaster@{repository_identifier}") } else { admin_email.to_string() };
        let identity = Identity {
            name: "Thư viện tiêu chuẩn, quy chuẩn kỹ thuật quốc gia (tieuchuan)".into(),
            base_url: format!("{origin}/oai"),
            admin_email,
            earliest_datestamp: DateTime::UNIX_EPOCH,
            repository_identifier,
        };
        Harvest { pool, identity }
    }

    /// The repository's base URL, its pages' origin and the identifiers' repository part.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The answer to one request: its content, or the protocol's errors.
    pub async fn answer(&self, request: OaiRequest) -> Result<Answer, AppError> {
        let identity = self.identity.clone();
        with_connection(&self.pool, move |conn| answer(conn, &identity, request)).await
    }
}

fn error(code: OaiErrorCode, message: impl Into<String>) -> Answer {
    Answer::Errors(vec![OaiError::new(code, message)])
}

fn answer(conn: &mut DbConnection, identity: &Identity, request: OaiRequest) -> Result<Answer, AppError> {
    match request {
        OaiRequest::Identify => {
            let deleted = deleted_items(conn)?;
            let earliest = [harvest::earliest_change(conn)?.map(|t| t.and_utc())]
                .into_iter()
                .chain(deleted.iter().map(|(_, item)| Some(item.datestamp)))
                .flatten()
                .min()
                .unwrap_or_else(Utc::now);
            Ok(Answer::Identify(Identity { earliest_datestamp: seconds(earliest.naive_utc()), ..identity.clone() }))
        }
        OaiRequest::ListMetadataFormats { identifier } => match identifier {
            Some(identifier) if find(conn, identity, &identifier)?.is_none() => Ok(unknown(&identifier)),
            _ => Ok(Answer::MetadataFormats(MetadataFormat::ALL.to_vec())),
        },
        OaiRequest::ListSets => Ok(Answer::Sets(sets(conn)?)),
        OaiRequest::GetRecord { identifier, format } => match find(conn, identity, &identifier)? {
            Some(item) => Ok(Answer::Record(Box::new(item), format)),
            None => Ok(unknown(&identifier)),
        },
        OaiRequest::List { headers_only, selection, position, resumed } => {
            list(conn, headers_only, &selection, position, resumed)
        }
    }
}

fn unknown(identifier: &str) -> Answer {
    let shown: String = identifier.chars().take(80).collect();
    error(OaiErrorCode::IdDoesNotExist, format!("no item has the identifier `{shown}`"))
}

/// A datestamp at the seconds granularity of the repository.
fn seconds(time: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(time.and_utc().timestamp(), 0).unwrap_or_default()
}

fn kind_spec(kind: Kind) -> &'static str {
    match kind {
        Kind::Tcvn => "tcvn",
        Kind::Qcvn => "qcvn",
        Kind::Qcdp => "qcdp",
        Kind::Dlvn => "dlvn",
        Kind::Qcxdvn => "qcxdvn",
        Kind::Tcxdvn => "tcxdvn",
        Kind::Tcxd => "tcxd",
        Kind::Tcn => "tcn",
    }
}

fn spec_part(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c))
}

/// The sets a record is in (the leaves; each is also in its parent).
fn sets_of(record: &PublicRecord) -> Vec<String> {
    let mut sets = vec![format!("kind:{}", kind_spec(record.kind))];
    sets.extend(record.issuer_code.as_deref().filter(|c| spec_part(c)).map(|c| format!("issuer:{c}")));
    sets.extend(record.field.as_deref().filter(|f| spec_part(f)).map(|f| format!("field:{f}")));
    sets
}

fn item(conn: &mut DbConnection, row: &standards::StandardRow) -> Result<Item, AppError> {
    let record = record::build(conn, row)?;
    Ok(Item {
        slug: row.fields.slug.clone(),
        datestamp: seconds(row.updated_at),
        sets: sets_of(&record),
        record: Some(record),
    })
}

/// The removed records, each once (by its last tombstone), unless its code is in use again.
fn deleted_items(conn: &mut DbConnection) -> Result<Vec<(i64, Item)>, AppError> {
    let mut last: HashMap<String, crate::db::change_log::ChangeEntry> = HashMap::new();
    for entry in harvest::tombstones(conn)? {
        last.insert(entry.slug.clone(), entry);
    }
    let mut items = Vec::new();
    for (slug, entry) in last {
        if standards::find_by_slug(conn, &slug)?.is_some() {
            continue;
        }
        let was = harvest::last_record_before(conn, &slug, entry.seq)?
            .and_then(|before| before.record)
            .and_then(|text| serde_json::from_str::<PublicRecord>(&text).ok());
        let sets = was.as_ref().map(sets_of).unwrap_or_default();
        items.push((entry.seq, Item { slug, datestamp: seconds(entry.changed_at), sets, record: None }));
    }
    items.sort_by_key(|(seq, _)| *seq);
    Ok(items)
}

fn find(conn: &mut DbConnection, identity: &Identity, identifier: &str) -> Result<Option<Item>, AppError> {
    let prefix = format!("oai:{}:", identity.repository_identifier);
    let Some(slug) = identifier.strip_prefix(&prefix) else { return Ok(None) };
    if let Some(row) = standards::find_by_slug(conn, slug)? {
        return item(conn, &row).map(Some);
    }
    Ok(deleted_items(conn)?.into_iter().map(|(_, item)| item).find(|item| item.slug == slug))
}

fn sets(conn: &mut DbConnection) -> Result<Vec<OaiSet>, AppError> {
    let mut sets = vec![OaiSet { spec: "kind".into(), name: "Loại văn bản (kind)".into() }];
    for &kind in Kind::ALL {
        sets.push(OaiSet { spec: format!("kind:{}", kind_spec(kind)), name: kind.as_str().into() });
    }
    sets.push(OaiSet { spec: "issuer".into(), name: "Cơ quan ban hành (issuer)".into() });
    for (code, name) in harvest::issuers(conn)?.into_iter().filter(|(code, _)| spec_part(code)) {
        let name = name.map_or_else(|| code.clone(), |name| format!("{name} ({code})"));
        sets.push(OaiSet { spec: format!("issuer:{code}"), name });
    }
    sets.push(OaiSet { spec: "field".into(), name: "Lĩnh vực (field)".into() });
    for field in harvest::fields(conn)?.into_iter().filter(|field| spec_part(field)) {
        sets.push(OaiSet { spec: format!("field:{field}"), name: field });
    }
    Ok(sets)
}

/// The filter a selection means, or `None` for a set this repository does not have.
fn filter_of(selection: &Selection) -> Option<HarvestFilter> {
    let mut filter = HarvestFilter { from: selection.from, before: selection.before, ..HarvestFilter::default() };
    let Some(set) = selection.set.as_deref() else { return Some(filter) };
    let (top, below) = set.split_once(':').map_or((set, None), |(top, below)| (top, Some(below)));
    match (top, below) {
        ("kind", None) => {}
        ("kind", Some(kind)) => {
            filter.kind = Some(Kind::ALL.iter().copied().find(|k| kind_spec(*k) == kind)?);
        }
        ("issuer", below) if !below.is_some_and(|b| b.contains(':')) => {
            filter.issuer_code = Some(below.map(str::to_string));
        }
        ("field", below) if !below.is_some_and(|b| b.contains(':')) => filter.field = Some(below.map(str::to_string)),
        _ => return None,
    }
    Some(filter)
}

fn in_selection(item: &Item, selection: &Selection) -> bool {
    let naive = item.datestamp.naive_utc();
    selection.from.is_none_or(|from| naive >= from)
        && selection.before.is_none_or(|before| naive < before)
        && selection.set.as_deref().is_none_or(|set| {
            item.sets.iter().any(|s| s == set || s.strip_prefix(set).is_some_and(|rest| rest.starts_with(':')))
        })
}

fn list(
    conn: &mut DbConnection,
    headers_only: bool,
    selection: &Selection,
    position: Position,
    resumed: bool,
) -> Result<Answer, AppError> {
    let no_match = || error(OaiErrorCode::NoRecordsMatch, "no record matches these arguments");
    let Some(filter) = filter_of(selection) else { return Ok(no_match()) };
    let deleted: Vec<(i64, Item)> =
        deleted_items(conn)?.into_iter().filter(|(_, item)| in_selection(item, selection)).collect();
    let size = harvest::count(conn, &filter)? + deleted.len() as i64;
    let mut items = Vec::new();
    let mut next = position;
    if position.phase == Phase::Live {
        for row in harvest::page(conn, &filter, position.after, PAGE_SIZE)? {
            next.after = row.id;
            items.push(item(conn, &row)?);
        }
        if (items.len() as i64) < PAGE_SIZE {
            next = Position { phase: Phase::Deleted, after: 0, cursor: position.cursor };
        }
    }
    if next.phase == Phase::Deleted {
        let room = (PAGE_SIZE as usize).saturating_sub(items.len());
        let after = next.after;
        for (seq, item) in deleted.into_iter().filter(|(seq, _)| *seq > after).take(room) {
            next.after = seq;
            items.push(item);
        }
    }
    next.cursor = position.cursor + items.len() as i64;
    if items.is_empty() && !resumed {
        return Ok(no_match());
    }
    let more = next.cursor < size && !items.is_empty();
    let continuation = more.then(|| Continuation {
        token: token::encode(selection, next),
        cursor: position.cursor,
        complete_list_size: size,
    });
    Ok(Answer::List { items, format: selection.format, headers_only, continuation, resumed })
}
