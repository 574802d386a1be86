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
    /// Whether the code was read out of a range rather than written whole.
    pub from_range: bool,
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
                let citation = Citation { written, reference, start: start.start(), end, from_range: false };
                let range = range_members(text, &citation);
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
            Citation { reference: Reference::National(member), from_range: true, ..citation.clone() }
        })
        .collect();
    Some((citation.end + caps[0].len(), members))
}

#[cfg(test)]
#[path = "citations_tests.rs"]
mod tests;
