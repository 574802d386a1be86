//! Finding the codes a text cites: every national and international code in running text, as
//! written and where it stands, and ranges of parts (`TCVN 9311-1 ÷ 8`) read out where they are
//! unambiguous. What dossier checks and a text's references are made of.

use std::sync::LazyLock;

use regex::Regex;

use super::code::is_known_issuer;
use super::international::BODIES;
use super::reference::Reference;
use super::vocabulary::Kind;

/// The longest stretch after a code's first word that can still be part of the code.
const MAX_CODE_CHARS: usize = 64;
/// The most parts a range (`9311-1 ÷ 8`) may name.
const MAX_RANGE: u32 = 50;

/// One code a text cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// As the text writes it (for a code read out of a range, the range's first code).
    pub written: String,
    pub reference: Reference,
    /// Byte offsets of `written` in the text.
    pub start: usize,
    pub end: usize,
    /// Whether the code was read out of a range or a list rather than written whole.
    pub from_list: bool,
}

/// Where a code may begin: a national kind (any case), an amendment, a sector standard's number,
/// or an international body (upper case, as texts write them); not inside a word. (Written with
/// classes rather than `\b`, which would keep the fast engines off Vietnamese text.)
static CODE_START: LazyLock<Regex> = LazyLock::new(|| {
    let mut bodies: Vec<&str> = BODIES.to_vec();
    bodies.sort_by_key(|body| std::cmp::Reverse(body.len()));
    Regex::new(&format!(
        r"(?:^|[^\p{{L}}\p{{N}}])(?P<code>(?i:(?:sửa\s*đổi|sđ)\s*\d{{1,3}}\s*[:/]\s*\d{{4}}\s+)?(?i:\d{{1,3}}\s?TCN|QCXDVN|TCXDVN|TCXD|TCVN|QCVN|QCĐP|QCDP|ĐLVN|DLVN|TCN)|(?:{}))(?:[^\p{{L}}]|$)",
        bodies.join("|").replace('-', r"\-")
    ))
    .expect("the code start pattern is valid")
});

/// The rest of a list that shares its last member's year and issuer: `, 02 và 03:2019/BYT`
/// after `QCVN 01`.
static SHARED_LIST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<middle>(?:\s*,\s*\d{1,6}(?:-\d{1,4})*)*)\s*(?:,|và|and)\s*(?P<last>\d{1,6}(?:-\d{1,4})*)\s*:\s*(?P<year>\d{4})(?:\s*/\s*(?P<issuer>[A-ZĐ]{2,10}))?",
    )
    .expect("the list pattern is valid")
});

/// A range of parts after a code: `÷ 8`, `đến 8`.
static RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:÷|đến)\s*(\d{1,3})\b").expect("the range pattern is valid"));

/// Every code the text cites, in order, each once where it is written.
pub fn find(text: &str) -> Vec<Citation> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = CODE_START.captures_at(text, from).and_then(|caps| caps.name("code")) {
        match longest_code_at(text, start.start()) {
            Some((end, reference)) => {
                let written = text[start.start()..end].to_string();
                let mut citation = Citation { written, reference, start: start.start(), end, from_list: false };
                let range = list_members(text, &mut citation).or_else(|| range_members(text, &citation));
                from = range.as_ref().map_or(end, |(after, _)| *after);
                found.push(citation);
                found.extend(range.into_iter().flat_map(|(_, members)| members));
            }
            None => from = start.end(),
        }
    }
    found
}

/// The longest code starting at `start`, and where it ends.
fn longest_code_at(text: &str, start: usize) -> Option<(usize, Reference)> {
    let rest = &text[start..];
    let stretch: usize = rest
        .char_indices()
        .take_while(|(i, c)| *i < MAX_CODE_CHARS && (c.is_alphanumeric() || " :/-–.".contains(*c)))
        .map(|(i, c)| i + c.len_utf8())
        .last()?;
    let stretch = &rest[..stretch];
    let mut cuts: Vec<usize> = stretch
        .char_indices()
        .filter(|(_, c)| c.is_whitespace() || "-–.,".contains(*c))
        .map(|(i, _)| i)
        .chain([stretch.len()])
        .collect();
    cuts.dedup();
    cuts.into_iter().rev().find_map(|cut| {
        let candidate = stretch[..cut].trim_end_matches([' ', '.', '-', '–', ':', '/']);
        let reference = Reference::parse(candidate).ok().filter(plausible)?;
        Some((start + candidate.len(), reference))
    })
}

/// Whether a parsed code is one a text would cite: a real issuer (or a province's, for QCĐP).
fn plausible(reference: &Reference) -> bool {
    match reference {
        Reference::National(code) => code.kind == Kind::Qcdp || code.issuer.as_deref().is_none_or(is_known_issuer),
        Reference::International(_) => true,
    }
}

/// The other members of a list whose last member carries the year and issuer for all
/// (`QCVN 01, 02 và 03:2019/BYT`); the first member, written undated, takes them too.
fn list_members(text: &str, first: &mut Citation) -> Option<(usize, Vec<Citation>)> {
    let Reference::National(code) = &first.reference else { return None };
    if code.year.is_some() || code.issuer.is_some() || code.amendment.is_some() {
        return None;
    }
    let caps = SHARED_LIST.captures(&text[first.end..])?;
    let suffix = match caps.name("issuer") {
        Some(issuer) => format!(":{}/{}", &caps["year"], issuer.as_str()),
        None => format!(":{}", &caps["year"]),
    };
    let numbers = caps["middle"].split(',').map(str::trim).filter(|n| !n.is_empty()).chain([&caps["last"]]);
    let prefix = code.to_string();
    let prefix = prefix.strip_suffix(code.number.as_str())?;
    let dated = |number: &str| Reference::parse(&format!("{prefix}{number}{suffix}")).ok().filter(plausible);
    let head = dated(&code.number)?;
    let members: Vec<Citation> = numbers
        .map(|number| dated(number).map(|reference| Citation { reference, from_list: true, ..first.clone() }))
        .collect::<Option<_>>()?;
    first.reference = head;
    Some((first.end + caps[0].len(), members))
}

/// The codes a range of parts after a code names (`TCVN 9311-1 ÷ 8`: parts 2 to 8), and where
/// reading goes on after it.
fn range_members(text: &str, citation: &Citation) -> Option<(usize, Vec<Citation>)> {
    let Reference::National(code) = &citation.reference else { return None };
    let caps = RANGE.captures(&text[citation.end..])?;
    let (base, first) = code.number.rsplit_once('-')?;
    let (first, last) = (first.parse::<u32>().ok()?, caps[1].parse::<u32>().ok()?);
    if last <= first || last - first > MAX_RANGE {
        return None;
    }
    let members = (first + 1..=last)
        .map(|part| {
            let mut member = code.clone();
            member.number = format!("{base}-{part}");
            Citation { reference: Reference::National(member), from_list: true, ..citation.clone() }
        })
        .collect();
    Some((citation.end + caps[0].len(), members))
}

#[cfg(test)]
#[path = "citations_tests.rs"]
mod tests;
