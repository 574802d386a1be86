//! International and foreign documents that Vietnamese texts cite (`ISO 834-10`, `ISO/IEC 17025:2017`,
//! `BS EN 1366-1`, `NFPA 5000`, `ASTM E119`, `ASHRAE 90.1-2016`): recognised and keyed, so that
//! references and dossier checks can name them and find their TCVN adoption; never catalogued.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use super::code::normalized_number;
use super::text::normalize;

/// Standards bodies whose documents Vietnamese texts cite, as their codes begin.
pub const BODIES: &[&str] = &[
    "ISO", "IEC", "ITU-T", "ITU-R", "EN", "CEN", "CENELEC", "ETSI", "BS", "DIN", "NF", "UNI", "JIS", "KS", "GB",
    "GOST", "SNIP", "AS", "NZS", "CSA", "ASTM", "ASME", "ANSI", "NFPA", "UL", "IEEE", "ASHRAE", "ARI", "AHRI", "AMCA",
    "NEMA", "NFRC", "ACI", "AISC", "AASHTO", "AWS", "API", "SMACNA", "CIE", "OIML", "CODEX",
];

/// Qualifiers that follow a body in a document's code: `ISO/TS`, `ISO/IEC Guide`.
const QUALIFIERS: &[&str] = &["TS", "TR", "PAS", "GUIDE", "DIS", "FDIS"];

/// Longest input looked at; real codes are under 40 characters.
const MAX_LEN: usize = 80;

static INTERNATIONAL_CODE: LazyLock<Regex> = LazyLock::new(|| {
    let mut bodies: Vec<&str> = BODIES.to_vec();
    // Longest first, so that `CENELEC` is not read as `CEN` and a rest.
    bodies.sort_by_key(|body| std::cmp::Reverse(body.len()));
    let body = bodies.join("|");
    let part = format!("{body}|{}", QUALIFIERS.join("|"));
    Regex::new(&format!(
        r"(?x)^\s*
        (?P<body>(?:{body})(?:(?:\s*/\s*|\s+)(?:{part}))*)\s*
        (?P<number>(?:[A-Z]{{1,4}}\s?)?\d{{1,6}}[A-Z]?(?:\s*[.\-/]\s*\d{{1,6}}[A-Z]?)*)
        (?:\s*[:\-]\s*(?P<year>\d{{4}}))?
        \s*$"
    ))
    .expect("the international code pattern is a valid regular expression")
});

/// A document of an international or foreign body. `Display` is its usual spelling
/// (`ISO/IEC 17025:2017`); `key()` is its identity, in which case, spacing and the year's
/// separator never distinguish two codes (`ISO 6946-2017` is `ISO 6946:2017`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternationalCode {
    /// The body or bodies, with qualifiers: `ISO`, `ISO/IEC`, `BS EN`, `ISO/TS`.
    pub body: String,
    /// The number with its parts as written: `834-10`, `90.1`, `Z21.10.3`, `MG 1`, `210/240`.
    pub number: String,
    pub year: Option<u32>,
}

impl InternationalCode {
    /// Parses a code of a known body; `None` for anything else.
    pub fn parse(input: &str) -> Option<InternationalCode> {
        if input.chars().count() > MAX_LEN || input.chars().any(char::is_control) {
            return None;
        }
        let text =
            normalize(input).replace(['\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}'], "-").to_uppercase();
        let caps = INTERNATIONAL_CODE.captures(&text)?;
        let body = joined(&caps["body"]);
        let mut number = tidy_number(&caps["number"]);
        let mut year = caps.name("year").and_then(|m| plausible_year(m.as_str()));
        if caps.name("year").is_some() && year.is_none() {
            return None;
        }
        // `ISO 6946-2017`, `ARI 560-2000`: a last part that is a year is the year.
        if year.is_none()
            && let Some((rest, last)) = number.rsplit_once('-')
            && last.len() == 4
            && let Some(found) = plausible_year(last)
        {
            year = Some(found);
            number = rest.to_string();
        }
        Some(InternationalCode { body, number, year })
    }

    /// The identity of the document: `iso/iec 17025:2017`, `nema mg1:2016`.
    pub fn key(&self) -> String {
        match self.year {
            Some(year) => format!("{}:{year}", self.series_key()),
            None => self.series_key(),
        }
    }

    /// The identity of every edition of the document: `iso/iec 17025`.
    pub fn series_key(&self) -> String {
        let number: String = self.number.chars().filter(|c| !c.is_whitespace()).collect();
        format!("{} {}", self.body.to_lowercase(), normalized_number(&number))
    }

    /// The series key a TCVN that adopts this document has (`tcvn iso 9001` for `ISO 9001`).
    pub fn adoption_series_key(&self) -> String {
        format!("tcvn {}", self.series_key())
    }
}

impl fmt::Display for InternationalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.body, self.number)?;
        if let Some(year) = self.year {
            write!(f, ":{year}")?;
        }
        Ok(())
    }
}

/// Bodies and qualifiers as usually written: `/` without spaces, one space between words, `Guide`.
fn joined(body: &str) -> String {
    let compact = body.split('/').map(|part| part.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>();
    compact.join("/").replace("GUIDE", "Guide").replace("SNIP", "SNiP")
}

/// A number without spaces around its separators, one space after a letter prefix (`MG 1`).
fn tidy_number(number: &str) -> String {
    let mut tidy = String::with_capacity(number.len());
    for (i, part) in number.split_whitespace().enumerate() {
        let joins = tidy.ends_with(['.', '-', '/']) || part.starts_with(['.', '-', '/']);
        if i > 0 && !joins {
            tidy.push(' ');
        }
        tidy.push_str(part);
    }
    tidy
}

fn plausible_year(text: &str) -> Option<u32> {
    text.parse().ok().filter(|year| (1900..=2100).contains(year))
}

#[cfg(test)]
#[path = "international_tests.rs"]
mod tests;
