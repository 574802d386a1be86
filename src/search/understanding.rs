//! Query understanding: what officials mean by what they type. Finds whole and partial codes
//! (`QCVN 06`, `5574:2018`, `06/2022/BXD`, `DLVN 31`, `iso 9001`, `17025`), a bare kind
//! (`QCVN nhà chung cư`), abbreviations, and leaves the rest as words. Pure: no index needed.

use std::sync::LazyLock;

use regex::Regex;

use super::abbreviations::Abbreviations;
use crate::domain::Kind;
use crate::domain::code::{CanonicalCode, is_known_issuer, normalized_number};
use crate::domain::text::{fold_diacritics, has_diacritics, normalize};

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
static ADOPTED_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:iso|iec)(?:/(?:iec|ts|tr))?$").expect("the prefix pattern is valid"));
static ADOPTED_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<number>\d{2,6}(?:-\d{1,4})*)(?::(?P<year>(?:19|20)\d{2}))?$")
        .expect("the adopted pattern is valid")
});

/// Understands a query (already length-checked by the caller).
pub fn understand(query: &str, abbreviations: &Abbreviations) -> UnderstoodQuery {
    let text = normalize(query);
    let mut understood = UnderstoodQuery::default();
    if let Some(code) = parse_code(text.trim()) {
        understood.codes = clues_for(&code);
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
        } else if ADOPTED_PREFIX.is_match(&folded)
            && let Some(caps) = tokens.get(i + 1).and_then(|next| ADOPTED_NUMBER.captures(next))
        {
            let number = normalized_number(&caps["number"]);
            let year = caps.name("year").map(|m| format!(":{}", m.as_str())).unwrap_or_default();
            understood.codes.push(clue(format!("a:{folded} {number}{year}"), ClueStrength::Fragment));
            i += 1;
        } else {
            if token.len() >= 3 && token.chars().all(|c| c.is_ascii_digit()) {
                understood.codes.push(clue(format!("n:{}", normalized_number(&token)), ClueStrength::Number));
            }
            if let Some(expansions) = abbreviations.expand(&token) {
                understood.expansions.extend(expansions.iter().map(|e| (tokens[i].to_string(), e.clone())));
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
    let starts_like_a_code = ["tcvn", "qcvn", "qcdp", "dlvn", "sua", "sd"].iter().any(|p| first.starts_with(p));
    if !starts_like_a_code {
        return None;
    }
    (1..=tokens.len().min(MAX_CODE_TOKENS))
        .rev()
        .find_map(|len| parse_code(&tokens[..len].join(" ")).map(|code| (code, len)))
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
