//! Query understanding: what officials mean by what they type. Finds whole and partial codes
//! (`QCVN 06`, `5574:2018`, `06/2022/BXD`, `DLVN 31`, `iso 9001`, `17025`), a bare kind
//! (`QCVN nhà chung cư`), abbreviations, and leaves the rest as words. Pure: no index needed.

use std::sync::LazyLock;

use regex::Regex;

use super::abbreviations::Abbreviations;
use crate::domain::code::{CanonicalCode, is_known_issuer, normalized_number};
use crate::domain::international::BODIES;
use crate::domain::text::{fold_diacritics, has_diacritics, normalize};
use crate::domain::{InternationalCode, Kind};

/// The longest query looked at; longer ones are refused with a 400.
pub const MAX_QUERY_CHARS: usize = 500;
/// The most tokens a code written with spaces can span (`Sửa đổi 1 2023 QCVN 06 2022 BXD`).
const MAX_CODE_TOKENS: usize = 8;

/// A code key the query names, with how strongly a match on it should rank.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeClue {
    /// A key of `search::document::code_terms` (`k:qcvn 6:2022/bxd`).
    pub term: String,
    pub strength: ClueStrength,
}

/// How precisely a clue identifies a standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClueStrength {
    /// A bare number (`17025`): also a word.
    Number,
    /// Other editions of an exact code the query names.
    Sibling,
    /// Number and year, or an international reference (`5574:2018`, `iso 9001`).
    Fragment,
    /// Kind and number without year (`TCVN 5574`, `QCVN 10 BXD`).
    Series,
    /// One edition (`QCVN 06:2022/BXD`).
    Exact,
}

/// A query, understood.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnderstoodQuery {
    pub codes: Vec<CodeClue>,
    /// A kind named alone (`QCVN nhà chung cư`): preferred, not required.
    pub kind_hint: Option<Kind>,
    /// The words that are not code, NFC.
    pub words: Vec<String>,
    /// Expansions of abbreviations among the words, each with the word it expands
    /// (`PCCC` → `phòng cháy chữa cháy`).
    pub expansions: Vec<(String, String)>,
    /// Expansions learned from the catalogue, for words the curated list does not know: ranked
    /// below the word's own matches and the curated expansions.
    pub learned: Vec<(String, String)>,
    /// Whether the words carry diacritics (then exact-diacritics matches rank higher).
    pub has_diacritics: bool,
}

impl UnderstoodQuery {
    /// Whether nothing at all was asked (list everything under the filters).
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty() && self.words.is_empty() && self.kind_hint.is_none()
    }

    /// Whether the query names one edition (`QCVN 41:2019/BGTVT`, `5574:2018`): then that
    /// edition, not the newest, is what the user wants first.
    pub fn names_an_edition(&self) -> bool {
        self.codes.iter().any(|clue| match clue.strength {
            ClueStrength::Exact => true,
            ClueStrength::Fragment => clue.term.starts_with("ny:") || clue.term.matches(':').count() > 1,
            _ => false,
        })
    }
}

static NUMBER_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<number>\d{1,6}(?:-\d{1,4})*)\s*[:/]\s*(?P<year>(?:19|20)\d{2})(?:/(?P<issuer>[a-zđ]{2,10}))?$")
        .expect("the number-year pattern is valid")
});

/// How the first word of a code starts: a kind (`tcvn`, `qcxdvn`, `tcn`) or an amendment (`sửa đổi`, `sđ`).
const CODE_STARTS: &[&str] = &["tcvn", "qcvn", "qcdp", "dlvn", "qcxdvn", "tcxd", "tcn", "sua", "sd"];
/// A sector standard written in one word with its sector number: `22tcn`.
static SECTOR_STANDARD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,3}tcn").expect("the sector standard pattern is valid"));

/// Understands a query (already length-checked by the caller).
pub fn understand(query: &str, abbreviations: &Abbreviations) -> UnderstoodQuery {
    let text = normalize(query);
    let mut understood = UnderstoodQuery::default();
    if let Some(code) = parse_code(text.trim()) {
        understood.codes = clues_for(&code);
        return understood;
    }
    if let Some(document) = InternationalCode::parse(text.trim()) {
        understood.codes = vec![clue(format!("a:{}", document.key()), ClueStrength::Fragment)];
        return understood;
    }
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < tokens.len() {
        if let Some((code, used)) = code_at(&tokens[i..]) {
            understood.codes.extend(clues_for(&code));
            i += used;
            continue;
        }
        let token = tokens[i].to_lowercase();
        let folded = fold_diacritics(&token);
        if let Ok(kind) = folded.parse::<Kind>() {
            understood.kind_hint = Some(kind);
        } else if let Some(caps) = NUMBER_YEAR.captures(&folded) {
            let number = normalized_number(&caps["number"]);
            let issuer = caps.name("issuer").map(|m| format!("/{}", m.as_str())).unwrap_or_default();
            understood.codes.push(clue(format!("ny:{number}:{}{issuer}", &caps["year"]), ClueStrength::Fragment));
        } else if let Some((document, used)) = international_at(&tokens[i..]) {
            understood.codes.push(clue(format!("a:{}", document.key()), ClueStrength::Fragment));
            i += used - 1;
        } else {
            if token.len() >= 3 && token.chars().all(|c| c.is_ascii_digit()) {
                understood.codes.push(clue(format!("n:{}", normalized_number(&token)), ClueStrength::Number));
            }
            if let Some(expansions) = abbreviations.expand(&token) {
                understood.expansions.extend(expansions.iter().map(|e| (tokens[i].to_string(), e.clone())));
            } else {
                let learned = abbreviations.expand_learned(&token);
                understood.learned.extend(learned.into_iter().map(|e| (tokens[i].to_string(), e)));
            }
            understood.words.push(tokens[i].to_string());
        }
        i += 1;
    }
    understood.has_diacritics = understood.words.iter().any(|w| has_diacritics(w));
    understood
}

/// A code the whole text spells, if its issuer (when it has one) is a real issuer.
fn parse_code(text: &str) -> Option<CanonicalCode> {
    CanonicalCode::parse(text).ok().filter(|code| code.issuer.as_deref().is_none_or(is_known_issuer))
}

/// The longest code starting at the first token, and how many tokens it spans.
fn code_at(tokens: &[&str]) -> Option<(CanonicalCode, usize)> {
    let first = fold_diacritics(tokens.first()?).to_lowercase();
    let starts_like_a_code = CODE_STARTS.iter().any(|p| first.starts_with(p))
        || (first.len() <= 3
            && first.chars().all(|c| c.is_ascii_digit())
            && tokens.get(1).is_some_and(|next| next.to_lowercase().starts_with("tcn")))
        || SECTOR_STANDARD.is_match(&first);
    if !starts_like_a_code {
        return None;
    }
    (1..=tokens.len().min(MAX_CODE_TOKENS))
        .rev()
        .find_map(|len| parse_code(&tokens[..len].join(" ")).map(|code| (code, len)))
}

/// The longest international code (`ISO 9001:2015`, `BS EN 1366-1`) starting at the first token,
/// which names a body, and how many tokens it spans.
fn international_at(tokens: &[&str]) -> Option<(InternationalCode, usize)> {
    let first = tokens.first()?.to_uppercase();
    let body = first.split('/').next().unwrap_or_default();
    if !BODIES.contains(&body) {
        return None;
    }
    (2..=tokens.len().min(MAX_CODE_TOKENS))
        .rev()
        .find_map(|len| InternationalCode::parse(&tokens[..len].join(" ")).map(|document| (document, len)))
}

fn clue(term: String, strength: ClueStrength) -> CodeClue {
    CodeClue { term, strength }
}

/// What a parsed code asks for: one edition (and, weaker, its siblings), or a whole series.
fn clues_for(code: &CanonicalCode) -> Vec<CodeClue> {
    let series = match code.issuer.as_deref() {
        Some(issuer) => format!("si:{}/{}", code.series_key(), fold_diacritics(issuer).to_lowercase()),
        None => format!("s:{}", code.series_key()),
    };
    if code.is_dated() {
        vec![clue(format!("k:{}", code.key()), ClueStrength::Exact), clue(series, ClueStrength::Sibling)]
    } else {
        vec![clue(series, ClueStrength::Series)]
    }
}

#[cfg(test)]
#[path = "understanding_tests.rs"]
mod tests;
