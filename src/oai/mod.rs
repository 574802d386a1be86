//! OAI-PMH 2.0 (the protocol library systems harvest catalogues with), at `/oai`: the six verbs
//! and every error condition of the specification, `oai_dc` and the native record, sets by kind,
//! issuer and field, persistent deleted records (the feed's tombstones), `from`/`until` at
//! seconds granularity, and stateless resumption tokens. `request` reads the arguments, `token`
//! the resumption tokens, `metadata` writes a record in each format and `xml` the answers; the
//! harvest itself is `services::harvest`.

pub mod metadata;
pub mod request;
pub mod token;
pub mod xml;

use chrono::{DateTime, Utc};

use crate::feed::record::PublicRecord;

/// The protocol's namespace.
pub const OAI_NAMESPACE: &str = "http://www.openarchives.org/OAI/2.0/";

/// The metadata formats this repository disseminates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataFormat {
    /// Unqualified Dublin Core, which every harvester reads.
    OaiDc,
    /// The connection standard's own record, every field.
    Native,
}

impl MetadataFormat {
    pub const ALL: [MetadataFormat; 2] = [MetadataFormat::OaiDc, MetadataFormat::Native];

    /// The `metadataPrefix`.
    pub fn prefix(self) -> &'static str {
        match self {
            MetadataFormat::OaiDc => "oai_dc",
            MetadataFormat::Native => "tieuchuan",
        }
    }

    /// The format with this prefix.
    pub fn from_prefix(prefix: &str) -> Option<MetadataFormat> {
        MetadataFormat::ALL.into_iter().find(|format| format.prefix() == prefix)
    }
}

/// The error conditions of OAI-PMH 2.0 (§3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OaiErrorCode {
    BadArgument,
    BadResumptionToken,
    BadVerb,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoRecordsMatch,
    NoMetadataFormats,
    NoSetHierarchy,
}

impl OaiErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            OaiErrorCode::BadArgument => "badArgument",
            OaiErrorCode::BadResumptionToken => "badResumptionToken",
            OaiErrorCode::BadVerb => "badVerb",
            OaiErrorCode::CannotDisseminateFormat => "cannotDisseminateFormat",
            OaiErrorCode::IdDoesNotExist => "idDoesNotExist",
            OaiErrorCode::NoRecordsMatch => "noRecordsMatch",
            OaiErrorCode::NoMetadataFormats => "noMetadataFormats",
            OaiErrorCode::NoSetHierarchy => "noSetHierarchy",
        }
    }
}

/// One error of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiError {
    pub code: OaiErrorCode,
    pub message: String,
}

impl OaiError {
    pub fn new(code: OaiErrorCode, message: impl Into<String>) -> OaiError {
        OaiError { code, message: message.into() }
    }
}

/// A set: `kind`, `issuer` and `field`, and below them `kind:qcvn`, `issuer:BXD`,
/// `field:construction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiSet {
    pub spec: String,
    pub name: String,
}

/// An item of the repository: a record, or a deleted one (its header only).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub slug: String,
    /// When it last changed (seconds granularity).
    pub datestamp: DateTime<Utc>,
    pub sets: Vec<String>,
    /// `None` for a deleted record.
    pub record: Option<PublicRecord>,
}

/// What the repository says of itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub base_url: String,
    pub admin_email: String,
    pub earliest_datestamp: DateTime<Utc>,
    /// The `repositoryIdentifier` of the `oai:` identifiers.
    pub repository_identifier: String,
}

/// Where a list goes on: what the resumption token carries besides the selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Continuation {
    pub token: String,
    pub cursor: i64,
    pub complete_list_size: i64,
}

/// The answer to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Identify(Identity),
    MetadataFormats(Vec<MetadataFormat>),
    Sets(Vec<OaiSet>),
    Record(Box<Item>, MetadataFormat),
    /// `ListIdentifiers` (headers only) or `ListRecords`.
    List {
        items: Vec<Item>,
        format: MetadataFormat,
        headers_only: bool,
        /// Where the list goes on; `None` on its last page (an empty token ends a resumed list).
        continuation: Option<Continuation>,
        resumed: bool,
    },
    Errors(Vec<OaiError>),
}
