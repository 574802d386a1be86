//! Relaton, the bibliographic model standards bodies' tools exchange (relaton-bib's YAML and
//! JSON): a public record as a `BibliographicItem` with its `docid` (type its kind: TCVN, QCVN, QCĐP,
//! ĐLVN, and the adopted international one), titles by language, `docstatus`, dates, the issuer
//! as publisher, ICS, and `relation` (`obsoletes`/`obsoletedBy`, `updates`/`updatedBy`, `cites`,
//! `adoptedFrom`).

use serde::Serialize;

use crate::domain::{Equivalence, Kind, Reference, RelationKind};
use crate::feed::record::PublicRecord;

/// A bibliographic item.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    #[serde(rename = "type")]
    pub item_type: &'static str,
    pub title: Vec<Title>,
    pub link: Vec<Link>,
    pub docid: Vec<DocId>,
    pub docnumber: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub date: Vec<Date>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contributor: Vec<Contributor>,
    pub language: Vec<&'static str>,
    pub script: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[serde(rename = "abstract")]
    pub abstract_: Vec<Text>,
    pub docstatus: DocStatus,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub relation: Vec<Relation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keyword: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ics: Vec<Ics>,
    pub doctype: DocType,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub biblionote: Vec<Note>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Title {
    pub content: String,
    pub language: &'static str,
    pub script: &'static str,
    pub format: &'static str,
    #[serde(rename = "type")]
    pub title_type: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Text {
    pub content: String,
    pub language: &'static str,
    pub script: &'static str,
    pub format: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub content: String,
    #[serde(rename = "type")]
    pub link_type: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocId {
    pub id: String,
    #[serde(rename = "type")]
    pub id_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Date {
    #[serde(rename = "type")]
    pub date_type: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contributor {
    pub organization: Organization,
    pub role: Vec<Role>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub name: Vec<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abbreviation: Option<Text>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Role {
    #[serde(rename = "type")]
    pub role_type: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocStatus {
    pub stage: Stage,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub value: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Relation {
    #[serde(rename = "type")]
    pub relation_type: &'static str,
    pub bibitem: RelatedItem,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

/// A related item, named by its identifier only (a pointer, in Relaton's terms).
#[derive(Debug, Clone, Serialize)]
pub struct RelatedItem {
    pub formattedref: Text,
    pub docid: Vec<DocId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ics {
    pub code: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocType {
    #[serde(rename = "type")]
    pub doc_type: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub content: String,
    #[serde(rename = "type")]
    pub note_type: &'static str,
}

fn text(content: &str, language: &'static str) -> Text {
    Text { content: content.to_string(), language, script: "Latn", format: "text/plain" }
}

/// The type of a code's identifier: its kind, or the prefix before its number.
/// The docid type of a code: its kind (`TCN` for `22 TCN 272:2005`, `QCVN` for an amendment of a
/// QCVN), or the first body of an international document (`ISO` for `ISO/IEC 17025`).
fn id_type(code: &str) -> String {
    match Reference::parse(code) {
        Ok(Reference::National(code)) => code.kind.as_str().to_string(),
        Ok(Reference::International(document)) => {
            document.body.split(['/', ' ']).next().unwrap_or(&document.body).to_string()
        }
        Err(_) => code.split([' ', ':']).next().unwrap_or(code).to_string(),
    }
}

/// Whether two codes name the same document, however each is spelled.
fn same_document(a: &str, b: &str) -> bool {
    match (Reference::parse(a), Reference::parse(b)) {
        (Ok(a), Ok(b)) => a.key() == b.key(),
        _ => a == b,
    }
}

fn pointer(code: &str) -> RelatedItem {
    RelatedItem {
        formattedref: text(code, "vi"),
        docid: vec![DocId { id: code.to_string(), id_type: id_type(code), primary: Some(true) }],
    }
}

/// The record as a Relaton bibliographic item; `origin` is where its page is.
pub fn item(record: &PublicRecord, origin: &str) -> Item {
    let mut title = vec![Title {
        content: record.title_vi.clone(),
        language: "vi",
        script: "Latn",
        format: "text/plain",
        title_type: "main",
    }];
    if let Some(en) = &record.title_en {
        title.push(Title {
            content: en.clone(),
            language: "en",
            script: "Latn",
            format: "text/plain",
            title_type: "main",
        });
    }
    let mut docid =
        vec![DocId { id: record.code.clone(), id_type: record.kind.as_str().to_string(), primary: Some(true) }];
    let dates =
        [("issued", record.issued_date), ("implemented", record.effective_date), ("obsoleted", record.end_date)];
    // A reference both declared and read from a text is one relation here.
    let mut seen = std::collections::HashSet::new();
    let mut relation: Vec<Relation> = record
        .relations
        .iter()
        .filter(|r| seen.insert((r.kind, r.code.as_str())))
        .map(|r| Relation {
            relation_type: match r.kind {
                RelationKind::Replaces => "obsoletes",
                RelationKind::ReplacedBy => "obsoletedBy",
                RelationKind::Amends => "updates",
                RelationKind::AmendedBy => "updatedBy",
                RelationKind::References => "cites",
                RelationKind::Adopts => "adoptedFrom",
            },
            bibitem: pointer(&r.code),
            description: None,
        })
        .collect();
    if let Some(equivalent) = &record.international_equivalent {
        docid.push(DocId { id: equivalent.clone(), id_type: id_type(equivalent), primary: None });
        if !record.relations.iter().any(|r| r.kind == RelationKind::Adopts && same_document(&r.code, equivalent)) {
            let degree = record.equivalence.map(|e| match e {
                Equivalence::Identical => "IDT: identical",
                Equivalence::Modified => "MOD: modified",
                Equivalence::NotEquivalent => "NEQ: not equivalent",
            });
            relation.push(Relation {
                relation_type: "adoptedFrom",
                bibitem: pointer(equivalent),
                description: degree.map(|d| text(d, "en")),
            });
        }
    }
    Item {
        id: record.code.chars().filter(char::is_ascii_alphanumeric).collect(),
        item_type: "standard",
        title,
        link: vec![Link { content: format!("{origin}/tieu-chuan/{}", record.slug), link_type: "src" }],
        docid,
        docnumber: record.code.clone(),
        date: dates
            .into_iter()
            .filter_map(|(date_type, date)| date.map(|d| Date { date_type, value: d.to_string() }))
            .collect(),
        contributor: record
            .issuer
            .iter()
            .map(|name| Contributor {
                organization: Organization {
                    name: vec![text(name, "vi")],
                    abbreviation: record.issuer_code.as_deref().map(|code| text(code, "vi")),
                },
                role: vec![Role { role_type: "publisher" }],
            })
            .collect(),
        language: vec!["vi"],
        script: vec!["Latn"],
        abstract_: record.scope_vi.iter().map(|scope| text(scope, "vi")).collect(),
        docstatus: DocStatus { stage: Stage { value: record.status.as_str() } },
        relation,
        keyword: record.field.iter().cloned().collect(),
        ics: record.ics.iter().map(|code| Ics { code: code.clone() }).collect(),
        doctype: DocType {
            doc_type: match record.kind {
                Kind::Tcvn => "national-standard",
                Kind::Qcvn => "national-technical-regulation",
                Kind::Qcdp => "local-technical-regulation",
                Kind::Dlvn => "metrology-document",
                Kind::Qcxdvn => "construction-regulation",
                Kind::Tcxdvn | Kind::Tcxd => "construction-standard",
                Kind::Tcn => "sector-standard",
            },
        },
        biblionote: record.note.iter().map(|note| Note { content: note.clone(), note_type: "note" }).collect(),
    }
}
