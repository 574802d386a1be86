//! Standard codes: one parser from any spelling officials type to the canonical code,
//! its normalized key (identity) and its URL slug (DESIGN §4).

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use super::international::InternationalCode;
use super::text::{fold_diacritics, normalize};
use super::vocabulary::Kind;

/// Longest input the parser looks at; real codes are under 60 characters.
const MAX_CODE_LEN: usize = 120;

/// Issuer suffixes whose canonical spelling has a `Đ`, so that `BLDTBXH` becomes `BLĐTBXH`.
const ISSUERS_WITH_D_STROKE: &[&str] = &["BLĐTBXH", "BGDĐT", "BKHĐT", "BVHTTDL"];

/// The one sector series of national regulations numbered apart, as its codes write it: the
/// electricity sector's technical regulations, `QCVN QTĐ 5:2009/BCT` to `QCVN QTĐ 8:2010/BCT`.
const SECTOR_SERIES: &str = "QTĐ";

/// Issuer suffixes of national regulations (ministries, before and after the 2025 mergers).
pub const KNOWN_ISSUERS: &[&str] = &[
    "BXD", "BYT", "BTNMT", "BNNMT", "BGTVT", "BCT", "BTTTT", "BKHCN", "BLĐTBXH", "BCA", "BQP", "BNNPTNT", "BVHTTDL",
    "BTC", "NHNN", "BGDĐT", "BKHĐT", "BNV", "BTP", "BDTTG",
];

/// Whether a suffix is a known issuer, with or without diacritics (`bldtbxh`).
pub fn is_known_issuer(suffix: &str) -> bool {
    let folded = fold_diacritics(suffix).to_uppercase();
    KNOWN_ISSUERS.iter().any(|known| fold_diacritics(known) == folded)
}

/// Why a string is not a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("the code is empty")]
    Empty,
    #[error("the code is longer than {MAX_CODE_LEN} characters")]
    TooLong,
    #[error("the code contains a control character")]
    ControlCharacter,
    #[error(
        "`{0}` is not a Vietnamese standard or regulation code (TCVN, QCVN, QCĐP, ĐLVN, QCXDVN, TCXDVN, TCXD, TCN)"
    )]
    Unrecognized(String),
    #[error("`{0}`: only sector standards (`22 TCN 272:2005`) have a number before their kind")]
    SectorOutsideTcn(String),
    #[error("{0} is not a plausible year for a standard")]
    ImplausibleYear(u32),
}

/// An amendment written before its base code: `Sửa đổi 1:2023 QCVN 06:2022/BXD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amendment {
    pub number: u32,
    pub year: u32,
}

/// A parsed code. Its `Display` is the canonical spelling; `key()` is the identity used for
/// lookups, in which leading zeros, case, spacing and diacritics never distinguish two codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalCode {
    /// The sector number written before a sector standard: `22` (transport) in `22 TCN 272:2005`.
    pub sector: Option<u32>,
    pub kind: Kind,
    /// International prefix of an adopted standard: `ISO`, `ISO/IEC`.
    pub adopted_prefix: Option<String>,
    /// Number with its parts as written: `06`, `01-1`, `7447-4-41`, `08-MT`, and a sector
    /// series before it: `QTĐ 8`.
    pub number: String,
    pub year: Option<u32>,
    /// Issuer suffix of regulations: `BXD`, `BLĐTBXH`.
    pub issuer: Option<String>,
    pub amendment: Option<Amendment>,
}

static CODE_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\s*
        (?:(?:SỬA\s*ĐỔI|SUA\s*DOI|SĐ|SD)\s*(?P<amend_no>\d{1,3})\s*[:/\-\s]\s*(?P<amend_year>\d{4})\s+)?
        (?:(?P<sector>\d{1,3})\s*)?
        (?P<kind>QCXDVN|TCXDVN|TCXD|TCVN|QCVN|QCĐP|QCDP|ĐLVN|DLVN|TCN)
        \s*:?\s*
        (?:(?P<intl>(?:ISO|IEC|ASTM|CODEX|CAC|OIML|IEEE|EN)(?:\s*/\s*(?:ISO|IEC|TS|TR|PAS|ASTM|IEEE|GUIDE))*)\s*)?
        (?:(?P<series>QTĐ|QTD)\s*-?\s*)?
        (?P<number>\d{1,6}[A-Z]{0,2}(?:\s*-\s*(?:\d{1,6}|[A-ZĐ]{1,8}))*)
        (?:\s*[:\-\s]\s*(?P<year>\d{4}|\d{2}))?
        (?:\s*[/\s\-]\s*(?P<issuer>[A-ZĐ][A-ZĐ&]{1,14}(?:-[A-ZĐ]{1,10})?))?
        (?:\s+(?:SỬA\s*ĐỔI|SUA\s*DOI|SĐ|SD)\s*(?P<amend_no2>\d{1,3})\s*[:/\-\s]\s*(?P<amend_year2>\d{4}))?
        \s*$",
    )
    .expect("the code pattern is a valid regular expression")
});

impl CanonicalCode {
    /// Parses any spelling of a code (`qcvn 06 2022 bxd`, `QCVN: 01-2008/BLÐTBXH`, `TCVN13187:2020`).
    pub fn parse(input: &str) -> Result<CanonicalCode, CodeError> {
        if input.trim().is_empty() {
            return Err(CodeError::Empty);
        }
        if input.chars().count() > MAX_CODE_LEN {
            return Err(CodeError::TooLong);
        }
        if input.chars().any(char::is_control) {
            return Err(CodeError::ControlCharacter);
        }
        let text = normalize(input)
            .replace(['\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}'], "-")
            .replace('\u{FF1A}', ":")
            .to_uppercase();
        let unrecognized = || CodeError::Unrecognized(input.trim().to_string());
        let caps = CODE_PATTERN.captures(&text).ok_or_else(unrecognized)?;
        let kind: Kind = caps["kind"].parse().map_err(|_| unrecognized())?;
        // Only sector standards carry a sector number before their kind (`22 TCN`).
        let sector = match caps.name("sector") {
            Some(sector) if kind == Kind::Tcn => Some(sector.as_str().parse().map_err(|_| unrecognized())?),
            Some(_) => return Err(CodeError::SectorOutsideTcn(input.trim().to_string())),
            None => None,
        };
        let mut segments: Vec<String> = caps["number"].split('-').map(|segment| segment.trim().to_string()).collect();
        let writes_short_years = kind.writes_short_years() && (kind != Kind::Tcn || sector.is_some());
        let mut year = match caps.name("year").map(|m| m.as_str()) {
            Some(short) if short.len() == 2 && writes_short_years => Some(short_year(short)?),
            Some(short) if short.len() == 2 => return Err(unrecognized()),
            written => written.map(parse_year).transpose()?,
        };
        let mut issuer = caps.name("issuer").map(|m| canonical_issuer(m.as_str()));
        // `TCVN 4057-1985` and `QCVN 10-2008 BTNMT` put the year after a hyphen.
        if year.is_none() && segments.len() > 1 && is_year_like(segments.last()) {
            year = segments.pop().map(|s| parse_year(&s)).transpose()?;
        }
        // `TCXD 45-78`, `22 TCN 272-05`: these families wrote the year in two digits.
        if year.is_none()
            && writes_short_years
            && segments.len() > 1
            && segments.last().is_some_and(|s| s.len() == 2 && s.chars().all(|c| c.is_ascii_digit()))
        {
            year = segments.pop().map(|s| short_year(&s)).transpose()?;
        }
        // `QCVN 06-BXD`: a trailing letter part that is really the issuer.
        if issuer.is_none()
            && segments.len() > 1
            && segments.last().is_some_and(|s| s.len() >= 3 && s.chars().all(char::is_alphabetic))
        {
            issuer = segments.pop().map(|s| canonical_issuer(&s));
        }
        let amendment = match (
            caps.name("amend_no").or(caps.name("amend_no2")),
            caps.name("amend_year").or(caps.name("amend_year2")),
        ) {
            (Some(number), Some(amend_year)) => Some(Amendment {
                number: number.as_str().parse().map_err(|_| unrecognized())?,
                year: parse_year(amend_year.as_str())?,
            }),
            _ => None,
        };
        // A sector's series of regulations is part of the number: `QCVN QTĐ 8:2010/BCT`.
        let mut number = segments.join("-");
        if caps.name("series").is_some() {
            number = format!("{SECTOR_SERIES} {number}");
        }
        Ok(CanonicalCode {
            sector,
            kind,
            adopted_prefix: caps
                .name("intl")
                .map(|m| m.as_str().split('/').map(str::trim).collect::<Vec<_>>().join("/")),
            number,
            year,
            issuer,
            amendment,
        })
    }

    /// The identity of a code: folded, lowercase, leading zeros removed (`qcvn 6:2022/bxd`).
    pub fn key(&self) -> String {
        let mut key = self.series_key();
        if let Some(year) = self.year {
            key.push_str(&format!(":{year}"));
        }
        if let Some(issuer) = &self.issuer {
            key.push('/');
            key.push_str(&fold_diacritics(issuer).to_lowercase());
        }
        key
    }

    /// The key of the series this code belongs to, without edition year or issuer
    /// (`tcvn 5574`), used to find every edition of a standard. An amendment is a series of
    /// its own (`sd1:2023 qcvn 6`), never an edition of its base.
    pub fn series_key(&self) -> String {
        let mut kind = fold_diacritics(self.kind.as_str()).to_lowercase();
        if let Some(sector) = self.sector {
            kind = format!("{sector} {kind}");
        }
        let number = normalized_number(&self.number);
        let base = match &self.adopted_prefix {
            Some(prefix) => format!("{kind} {} {number}", prefix.to_lowercase()),
            None => format!("{kind} {number}"),
        };
        match self.amendment {
            Some(amendment) => format!("sd{}:{} {base}", amendment.number, amendment.year),
            None => base,
        }
    }

    /// For an amendment, the code it amends.
    pub fn amended_base(&self) -> Option<CanonicalCode> {
        self.amendment.map(|_| CanonicalCode { amendment: None, ..self.clone() })
    }

    /// The international document a TCVN adopts by its code (`TCVN ISO/IEC 17025:2017` adopts
    /// `ISO/IEC 17025`). The year is the TCVN's: the adopted edition may be older.
    pub fn adopted_document(&self) -> Option<InternationalCode> {
        let body = self.adopted_prefix.as_ref().filter(|_| self.kind == Kind::Tcvn && self.amendment.is_none())?;
        Some(InternationalCode { body: body.clone(), number: self.number.clone(), year: None })
    }

    /// The URL slug of the canonical spelling: `qcvn-06-2022-bxd`.
    pub fn slug(&self) -> String {
        slugify(&self.to_string())
    }

    /// Whether the code names one edition (it has a year) rather than a series.
    pub fn is_dated(&self) -> bool {
        self.year.is_some()
    }
}

impl fmt::Display for CanonicalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(amendment) = self.amendment {
            write!(f, "Sửa đổi {}:{} ", amendment.number, amendment.year)?;
        }
        if let Some(sector) = self.sector {
            write!(f, "{sector} ")?;
        }
        write!(f, "{} ", self.kind)?;
        if let Some(prefix) = &self.adopted_prefix {
            write!(f, "{prefix} ")?;
        }
        f.write_str(&self.number)?;
        if let Some(year) = self.year {
            write!(f, ":{year}")?;
        }
        if let Some(issuer) = &self.issuer {
            write!(f, "/{issuer}")?;
        }
        Ok(())
    }
}

/// Lowercase ASCII words joined by hyphens: `QCVN 06:2022/BXD` → `qcvn-06-2022-bxd`.
pub fn slugify(text: &str) -> String {
    let folded = fold_diacritics(text).to_lowercase();
    let mut slug = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// A number as keys write it: lowercase without diacritics, leading zeros removed from each part
/// (`01-1` → `1-1`, `QTĐ 08` → `qtd 8`).
pub fn normalized_number(number: &str) -> String {
    let part = |part: &str| part.split_whitespace().map(strip_leading_zeros).collect::<Vec<_>>().join(" ");
    fold_diacritics(number).split('-').map(part).collect::<Vec<_>>().join("-").to_lowercase()
}

/// `08` → `8`, `012A` → `12A`, `0` stays `0`, letters stay as they are.
fn strip_leading_zeros(segment: &str) -> String {
    let digits_end = segment.find(|c: char| !c.is_ascii_digit()).unwrap_or(segment.len());
    let (digits, rest) = segment.split_at(digits_end);
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() && !digits.is_empty() { format!("0{rest}") } else { format!("{trimmed}{rest}") }
}

fn is_year_like(segment: Option<&String>) -> bool {
    segment.is_some_and(|s| s.len() == 4 && s.parse::<u32>().is_ok_and(|y| (1945..=2100).contains(&y)))
}

/// A two-digit year as the older families wrote it: `05` is 2005, `78` is 1978.
fn short_year(text: &str) -> Result<u32, CodeError> {
    let year: u32 = text.parse().map_err(|_| CodeError::Unrecognized(text.to_string()))?;
    Ok(if year <= 30 { 2000 + year } else { 1900 + year })
}

fn parse_year(text: &str) -> Result<u32, CodeError> {
    let year: u32 = text.parse().map_err(|_| CodeError::Unrecognized(text.to_string()))?;
    if (1945..=2100).contains(&year) { Ok(year) } else { Err(CodeError::ImplausibleYear(year)) }
}

/// The canonical spelling of an issuer suffix (`BLDTBXH` → `BLĐTBXH`).
pub fn canonical_issuer(typed: &str) -> String {
    let folded = fold_diacritics(typed).to_uppercase();
    ISSUERS_WITH_D_STROKE
        .iter()
        .find(|known| fold_diacritics(known) == folded)
        .map(|known| known.to_string())
        .unwrap_or_else(|| typed.to_string())
}
