//! Checking a dossier ("Kiểm tra hồ sơ"): every code a text cites, found with the one code
//! parser, and what the catalogue says of it as of a date: in force, replaced by what and when,
//! amended, a newer edition exists, unknown status, not catalogued (with near codes), or an
//! international document (with its TCVN adoptions). Nothing checked is kept unless the caller
//! asks (`kept`: the text, to check again later).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::citations::{self, Citation};
use crate::domain::{Reference, StandardLink};
use crate::error::AppError;
use crate::services::gate::Gate;
use crate::services::{DbPool, with_connection};

pub mod csv;
pub mod files;
mod kept;
mod standing;

pub use kept::{DossierCheck, KeptDossier, default_name};

/// The most distinct codes one check reports; the rest are counted, not checked.
pub const MAX_CODES: usize = 1000;
/// The longest text one check reads, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000_000;

/// What the catalogue says of one cited code as of the check's date, declared in the order a
/// report shows them: what needs attention first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Replaced by a standard in force by the date.
    Replaced,
    /// Expired or annulled.
    NoLongerInForce,
    Suspended,
    /// Issued but not yet in force on the date.
    NotYetInForce,
    /// A draft, never issued.
    Draft,
    /// Removed from the catalogue as an erroneous record.
    Removed,
    /// Not in the catalogue; `near` lists close codes.
    NotCatalogued,
    /// In force, with amendments in force by the date (`amended_by`).
    Amended,
    /// The catalogue holds a newer edition of the series and says nothing of this one's status:
    /// a derived hint, not an official status.
    NewerEdition,
    /// No source said whether it is in force.
    UnknownStatus,
    InForce,
    /// An international document (`ISO 834-10`); `adoptions` are the TCVN that adopt it.
    International,
}

impl Outcome {
    /// Every outcome, in the order a report shows them.
    pub const ALL: [Outcome; 12] = [
        Outcome::Replaced,
        Outcome::NoLongerInForce,
        Outcome::Suspended,
        Outcome::NotYetInForce,
        Outcome::Draft,
        Outcome::Removed,
        Outcome::NotCatalogued,
        Outcome::Amended,
        Outcome::NewerEdition,
        Outcome::UnknownStatus,
        Outcome::InForce,
        Outcome::International,
    ];

    /// The stable name of the outcome, as the JSON report writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Replaced => "replaced",
            Outcome::NoLongerInForce => "no_longer_in_force",
            Outcome::Suspended => "suspended",
            Outcome::NotYetInForce => "not_yet_in_force",
            Outcome::Draft => "draft",
            Outcome::Removed => "removed",
            Outcome::NotCatalogued => "not_catalogued",
            Outcome::Amended => "amended",
            Outcome::NewerEdition => "newer_edition",
            Outcome::UnknownStatus => "unknown_status",
            Outcome::InForce => "in_force",
            Outcome::International => "international",
        }
    }

    /// Whether a code with this outcome needs the reader's attention (it is not, or not simply,
    /// in force on the date).
    pub fn needs_attention(self) -> bool {
        self < Outcome::Amended
    }
}

/// A linked standard with the date it took effect.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DatedLink {
    #[serde(flatten)]
    pub link: StandardLink,
    pub effective_date: Option<NaiveDate>,
}

/// One distinct code the text cites, and what the catalogue says of it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CheckedCode {
    /// As the text first writes it.
    pub written: String,
    /// The canonical code.
    pub code: String,
    /// How many times the text cites it.
    pub occurrences: usize,
    pub outcome: Outcome,
    /// The record checked: the code's own, or for an undated citation the edition it resolves to.
    pub standard: Option<StandardLink>,
    /// The citation names no edition (`TCVN 5574`): it means the newest edition in force on the date.
    pub undated: bool,
    pub replaced_by: Vec<DatedLink>,
    pub amended_by: Vec<DatedLink>,
    /// Newer editions of the same series in the catalogue.
    pub newer_editions: Vec<DatedLink>,
    /// For a code not catalogued: close ones that are.
    pub near: Vec<StandardLink>,
    /// For an international document: the TCVN that adopt it.
    pub adoptions: Vec<StandardLink>,
    /// For a removed record: why, from the removal.
    pub note: Option<String>,
}

/// The report of one check.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CheckReport {
    /// The date the outcomes hold on.
    pub as_of: NaiveDate,
    /// How many distinct codes the text cites.
    pub codes: usize,
    /// Whether codes past `MAX_CODES` were left unchecked.
    pub truncated: bool,
    /// How many codes have each outcome.
    pub counts: BTreeMap<Outcome, usize>,
    /// In the order the text first cites them.
    pub checked: Vec<CheckedCode>,
    /// The kept dossier's id, when the caller asked to keep it.
    pub kept: Option<i64>,
}

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    pub text: String,
    pub as_of: NaiveDate,
}

/// The dossier checks of one node.
#[derive(Clone)]
pub struct Checks {
    pool: DbPool,
    cpu: Gate,
    max_pdf_pages: usize,
}

impl Checks {
    /// Checks against the catalogue in `pool`; files are read through `cpu`, PDFs up to
    /// `max_pdf_pages` pages.
    pub fn new(pool: DbPool, cpu: Gate, max_pdf_pages: usize) -> Checks {
        Checks { pool, cpu, max_pdf_pages }
    }

    /// The text of a file (PDF, DOCX, XLSX or plain text), read through the CPU gate; the bytes
    /// are not kept.
    pub async fn text_of_file(&self, bytes: Vec<u8>, name: String) -> Result<String, AppError> {
        let max_pages = self.max_pdf_pages;
        self.cpu.run(move || files::text_of(&bytes, &name, max_pages)).await
    }

    /// Checks what a file cites, read before the unit of work and not kept.
    pub async fn check_file(&self, bytes: Vec<u8>, name: String, as_of: NaiveDate) -> Result<CheckReport, AppError> {
        let text = self.text_of_file(bytes, name).await?;
        self.check(CheckRequest { text, as_of }).await
    }

    /// Finds every code the text cites and checks each as of the date. The text is read before
    /// the unit of work, through the CPU gate, and is not kept.
    pub async fn check(&self, request: CheckRequest) -> Result<CheckReport, AppError> {
        if request.text.chars().count() > MAX_TEXT_CHARS {
            return Err(AppError::invalid(format!("a text to check has at most {MAX_TEXT_CHARS} characters")));
        }
        // Finding the codes is CPU work: it runs through the gate, off the async workers.
        let text = request.text;
        let (cited, distinct) = self
            .cpu
            .run(move || Ok(distinct_codes(citations::find(&crate::domain::text::normalize_typed(&text)))))
            .await?;
        let as_of = request.as_of;
        let checked = with_connection(&self.pool, move |conn| {
            cited
                .into_iter()
                .map(|(citation, occurrences)| standing::check(conn, citation, occurrences, as_of))
                .collect()
        })
        .await?;
        Ok(report(as_of, distinct, checked))
    }
}

/// Where one code stands on a date, as a dossier check reports it (for a code a record cites).
pub(crate) fn standing_on(
    conn: &mut crate::db::DbConnection,
    reference: Reference,
    as_of: NaiveDate,
) -> Result<CheckedCode, AppError> {
    let written = reference.to_string();
    let citation = Citation { end: written.len(), written, reference, start: 0, from_list: false };
    standing::check(conn, citation, 1, as_of)
}

/// The distinct codes, first citation of each with how often it is cited, in text order, at
/// most `MAX_CODES`; and how many distinct codes there were.
fn distinct_codes(found: Vec<Citation>) -> (Vec<(Citation, usize)>, usize) {
    let mut order: Vec<(Citation, usize)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for citation in found {
        let key = citation.reference.key();
        match seen.get(&key) {
            Some(&at) => order[at].1 += 1,
            None => {
                seen.insert(key, order.len());
                order.push((citation, 1));
            }
        }
    }
    let distinct = order.len();
    order.truncate(MAX_CODES);
    (order, distinct)
}

fn report(as_of: NaiveDate, codes: usize, checked: Vec<CheckedCode>) -> CheckReport {
    let mut counts = BTreeMap::new();
    for code in &checked {
        *counts.entry(code.outcome).or_insert(0) += 1;
    }
    CheckReport { as_of, codes, truncated: codes > checked.len(), counts, checked, kept: None }
}

impl CheckedCode {
    fn new(citation: &Citation, occurrences: usize, outcome: Outcome) -> CheckedCode {
        CheckedCode {
            written: citation.written.clone(),
            code: citation.reference.to_string(),
            occurrences,
            outcome,
            standard: None,
            undated: matches!(&citation.reference, Reference::National(code) if !code.is_dated()),
            replaced_by: Vec::new(),
            amended_by: Vec::new(),
            newer_editions: Vec::new(),
            near: Vec::new(),
            adoptions: Vec::new(),
            note: None,
        }
    }
}
