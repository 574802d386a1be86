//! One record of a catalogue file, and its validation into what the catalogue stores.

use std::str::FromStr;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::Deserialize;

use super::texts::{AttachedText, PreparedText, TextOrigin};
use crate::db::standards::StandardFields;
use crate::domain::code::canonical_issuer;
use crate::domain::text::{fold_diacritics, normalize};
use crate::domain::{AccessLevel, CanonicalCode, Confidence, Equivalence, Kind, Reference, RelationKind, Status};

const MAX_TITLE_CHARS: usize = 2_000;
const MAX_TEXT_CHARS: usize = 20_000;
const MAX_LIST_LEN: usize = 500;

static FIELD_SLUG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9_]{1,64}$").expect("the field pattern is valid"));
static ICS_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{2}(\.\d{3}(\.\d{2})?)?$").expect("the ICS pattern is valid"));

/// A record as it appears in a JSON Lines or CSV catalogue file (see `standards-data/README.md`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportRecord {
    pub code: Option<String>,
    pub kind: Option<String>,
    pub number: Option<String>,
    pub year: Option<i64>,
    pub issuer: Option<String>,
    pub issuer_code: Option<String>,
    pub title_vi: Option<String>,
    pub title_en: Option<String>,
    pub scope_vi: Option<String>,
    pub field: Option<String>,
    #[serde(default)]
    pub ics: Vec<String>,
    pub technical_committee: Option<String>,
    pub status: Option<String>,
    pub status_note: Option<String>,
    pub legal_instrument: Option<String>,
    pub issued_date: Option<String>,
    pub effective_date: Option<String>,
    pub end_date: Option<String>,
    pub international_equivalent: Option<String>,
    pub equivalence: Option<String>,
    pub access_level: Option<String>,
    pub note: Option<String>,
    pub source: Option<String>,
    pub confidence: Option<String>,
    #[serde(default)]
    pub replaces: Vec<String>,
    #[serde(default)]
    pub replaced_by: Vec<String>,
    #[serde(default)]
    pub amends: Vec<String>,
    #[serde(default)]
    pub amended_by: Vec<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub adopts: Vec<String>,
    /// The standard's text itself (Markdown or plain text).
    pub text: Option<String>,
    /// A file holding the text (Markdown, plain text or PDF), relative to the catalogue file;
    /// read only by `tieuchuan import`, which knows where the catalogue file is.
    pub text_file: Option<String>,
    /// Where the text came from (a publication, a repository's file at a commit).
    pub text_source: Option<String>,
    /// What a reader should know of the text (tables kept only as markers, a source that breaks off).
    pub text_note: Option<String>,
}

/// Keys whose CSV cells hold `;`-separated lists.
pub const LIST_KEYS: &[&str] = &["ics", "replaces", "replaced_by", "amends", "amended_by", "references", "adopts"];
/// Keys whose CSV cells hold integers.
pub const INTEGER_KEYS: &[&str] = &["year"];

/// A relation a record declares, to a code that may not be in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeclaredRelation {
    pub kind: RelationKind,
    pub target_code: String,
    pub target_key: String,
}

/// A record that passed validation: what the catalogue will store for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRecord {
    pub fields: StandardFields,
    pub relations: Vec<DeclaredRelation>,
    pub ics: Vec<String>,
    /// A text to attach to the standard.
    pub text: Option<AttachedText>,
    /// That text read and extracted, when the import checked it (see `check_rows`).
    pub prepared_text: Option<PreparedText>,
    /// Where that text came from.
    pub text_origin: TextOrigin,
}

impl ImportRecord {
    /// Checks every value and builds the stored form; the error says what is wrong, in words.
    pub fn validate(self) -> Result<ValidRecord, String> {
        let raw_code = self.code.as_deref().map(str::trim).filter(|c| !c.is_empty()).ok_or("`code` is missing")?;
        let code = CanonicalCode::parse(raw_code).map_err(|e| format!("`code`: {e}"))?;
        self.check_agrees_with_code(&code)?;
        let title_vi = text(self.title_vi.as_deref(), MAX_TITLE_CHARS, "title_vi")?.ok_or("`title_vi` is missing")?;
        let status = parse_term(self.status.as_deref(), "status")?.unwrap_or(Status::Unknown);
        let access_level: AccessLevel =
            parse_term(self.access_level.as_deref(), "access_level")?.unwrap_or(code.kind.default_access_level());
        let confidence: Option<Confidence> = parse_term(self.confidence.as_deref(), "confidence")?;
        let equivalence: Option<Equivalence> = parse_term(self.equivalence.as_deref(), "equivalence")?;
        let field = text(self.field.as_deref(), 64, "field")?;
        if let Some(field) = &field
            && !FIELD_SLUG.is_match(field)
        {
            return Err(format!("`field` must be a lowercase slug like `fire_safety`, not `{field}`"));
        }
        let relations = self.declared_relations(&code)?;
        let ics = self.ics_codes()?;
        let issuer_code = code
            .issuer
            .clone()
            .or(text(self.issuer_code.as_deref(), 32, "issuer_code")?.map(|i| canonical_issuer(&i.to_uppercase())));
        let fields = StandardFields {
            code: code.to_string(),
            code_key: code.key(),
            series_key: code.series_key(),
            slug: code.slug(),
            kind: code.kind,
            number: code.number.clone(),
            adopted_prefix: code.adopted_prefix.clone(),
            year: code.year.map(|y| y as i32),
            issuer: text(self.issuer.as_deref(), 500, "issuer")?,
            issuer_code,
            title_vi,
            title_en: text(self.title_en.as_deref(), MAX_TITLE_CHARS, "title_en")?,
            scope_vi: text(self.scope_vi.as_deref(), MAX_TEXT_CHARS, "scope_vi")?,
            field,
            technical_committee: text(self.technical_committee.as_deref(), 200, "technical_committee")?,
            status,
            status_note: text(self.status_note.as_deref(), MAX_TEXT_CHARS, "status_note")?,
            legal_instrument: text(self.legal_instrument.as_deref(), 500, "legal_instrument")?,
            issued_date: date(self.issued_date.as_deref(), "issued_date")?,
            effective_date: date(self.effective_date.as_deref(), "effective_date")?,
            end_date: date(self.end_date.as_deref(), "end_date")?,
            international_equivalent: text(self.international_equivalent.as_deref(), 200, "international_equivalent")?,
            equivalence,
            access_level,
            note: text(self.note.as_deref(), MAX_TEXT_CHARS, "note")?,
            source: text(self.source.as_deref(), 2_000, "source")?,
            confidence,
        };
        let text_origin = TextOrigin {
            source: text(self.text_source.as_deref(), 2_000, "text_source")?,
            note: text(self.text_note.as_deref(), MAX_TEXT_CHARS, "text_note")?,
        };
        let text = AttachedText::from_record(self.text, self.text_file)?;
        if text.is_none() && (text_origin.source.is_some() || text_origin.note.is_some()) {
            return Err("`text_source` and `text_note` describe a text: give it in `text` or `text_file`".into());
        }
        Ok(ValidRecord { fields, relations, ics, text, prepared_text: None, text_origin })
    }

    fn check_agrees_with_code(&self, code: &CanonicalCode) -> Result<(), String> {
        if let Some(kind) = self.kind.as_deref().filter(|k| !k.trim().is_empty()) {
            let kind = Kind::from_str(kind).map_err(|e| format!("`kind`: {e}"))?;
            if kind != code.kind {
                return Err(format!("`kind` is {kind} but the code `{code}` is a {}", code.kind));
            }
        }
        if let Some(year) = self.year
            && code.year.is_some_and(|y| i64::from(y) != year)
        {
            return Err(format!("`year` is {year} but the code `{code}` says otherwise"));
        }
        if let Some(number) = self.number.as_deref().filter(|n| !n.trim().is_empty()) {
            // Sources often give only the leading parts (`08` for `08-MT`); those must agree.
            let mut probe = code.clone();
            probe.number = number.trim().to_uppercase();
            let (given, full) = (probe.series_key(), code.series_key());
            if given != full && !full.starts_with(&format!("{given}-")) {
                return Err(format!("`number` is {number} but the code `{code}` has {}", code.number));
            }
        }
        if let (Some(typed), Some(issuer)) =
            (self.issuer_code.as_deref().filter(|i| !i.trim().is_empty()), &code.issuer)
            && fold_diacritics(typed.trim()).to_uppercase() != fold_diacritics(issuer).to_uppercase()
        {
            return Err(format!("`issuer_code` is {typed} but the code `{code}` has {issuer}"));
        }
        Ok(())
    }

    fn declared_relations(&self, code: &CanonicalCode) -> Result<Vec<DeclaredRelation>, String> {
        let lists = [
            (RelationKind::Replaces, &self.replaces),
            (RelationKind::ReplacedBy, &self.replaced_by),
            (RelationKind::Amends, &self.amends),
            (RelationKind::AmendedBy, &self.amended_by),
            (RelationKind::References, &self.references),
            (RelationKind::Adopts, &self.adopts),
        ];
        let mut relations = Vec::new();
        for (kind, targets) in lists {
            relations.extend(declared_list(code, kind, targets.iter().map(String::as_str))?);
        }
        // An amendment amends its base code, whether or not the file says so.
        if let Some(base) = code.amended_base() {
            relations.push(DeclaredRelation {
                kind: RelationKind::Amends,
                target_code: base.to_string(),
                target_key: base.key(),
            });
        }
        relations.sort();
        relations.dedup_by(|a, b| a.kind == b.kind && a.target_key == b.target_key);
        Ok(relations)
    }

    fn ics_codes(&self) -> Result<Vec<String>, String> {
        let mut codes = Vec::new();
        for ics in self.ics.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            if !ICS_CODE.is_match(ics) {
                return Err(format!("`ics`: `{ics}` is not an ICS code like 13.220.01"));
            }
            codes.push(ics.to_string());
        }
        codes.sort();
        codes.dedup();
        Ok(codes)
    }
}

/// The relations of one kind a record declares to these codes (blank ones skipped), checked.
pub(super) fn declared_list<'a>(
    code: &CanonicalCode,
    kind: RelationKind,
    targets: impl ExactSizeIterator<Item = &'a str>,
) -> Result<Vec<DeclaredRelation>, String> {
    if targets.len() > MAX_LIST_LEN {
        return Err(format!("`{kind}` lists more than {MAX_LIST_LEN} codes"));
    }
    let mut declared = Vec::new();
    for target in targets.map(str::trim).filter(|t| !t.is_empty()) {
        // What a record cites or adopts may be international (`ISO 834-10`); what it replaces or
        // amends is always a national code.
        let target = match kind {
            RelationKind::References | RelationKind::Adopts => Reference::parse(target),
            _ => CanonicalCode::parse(target).map(Reference::National),
        }
        .map_err(|e| format!("`{kind}`: {e}"))?;
        if target.key() == code.key() {
            return Err(format!("`{kind}` names the record itself"));
        }
        declared.push(DeclaredRelation { kind, target_code: target.to_string(), target_key: target.key() });
    }
    Ok(declared)
}

/// Trimmed NFC text, `None` when blank; an error past `max` characters or with control characters.
pub(super) fn text(value: Option<&str>, max: usize, key: &str) -> Result<Option<String>, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max {
        return Err(format!("`{key}` is longer than {max} characters"));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(format!("`{key}` contains a control character"));
    }
    Ok(Some(normalize(value)))
}

pub(super) fn parse_term<T: FromStr<Err = crate::domain::UnknownTerm>>(
    value: Option<&str>,
    key: &str,
) -> Result<Option<T>, String> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|e| format!("`{key}`: {e}")),
    }
}

pub(super) fn date(value: Option<&str>, key: &str) -> Result<Option<NaiveDate>, String> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d").map(Some).map_err(|_| {
            format!("`{key}` must be a date like 2022-10-25, not `{}`", v.chars().take(40).collect::<String>())
        }),
    }
}
