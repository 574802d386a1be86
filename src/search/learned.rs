//! Abbreviations learned from the catalogue's own words: the multi-syllable terms that recur in titles and scopes, and the
//! initials officials write for them (`đường sắt đô thị` → `ĐSĐT`, also `DSDT` without the stroke).
//! A term runs three to six syllables, never across punctuation, never starts or ends on a
//! function word (`về`, `và`, `cho`…) nor holds one but `và`, and is kept only when it is not
//! always part of one longer term (so `chuẩn kỹ thuật` gives way to `quy chuẩn kỹ thuật`).

use std::collections::HashMap;

use crate::domain::text::fold_diacritics;

/// Fewest syllables of a learned term (two-letter initials are too ambiguous).
const MIN_SYLLABLES: usize = 3;
/// Most syllables of a learned term.
const MAX_SYLLABLES: usize = 6;
/// Fewest times a term must occur.
pub const MIN_COUNT: usize = 2;
/// Expansions kept for one set of initials, most frequent first.
const MAX_EXPANSIONS: usize = 3;

/// Words a term neither starts nor ends with.
const FUNCTION_WORDS: &[&str] = &[
    "về", "và", "của", "cho", "trong", "các", "những", "đối", "với", "theo", "bằng", "từ", "đến", "tại", "trên",
    "dưới", "để", "khi", "là", "có", "không", "một", "hoặc", "được", "bị", "sau", "trước", "giữa", "này", "đó", "phần",
    "loại", "mức", "số", "dùng",
];

/// A term learned from the catalogue and its initials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnedTerm {
    /// As officials write it: `ĐSĐT`.
    pub initials: String,
    /// The words, lower case with their diacritics: `đường sắt đô thị`.
    pub term: String,
    /// How often it occurs in the texts learned from.
    pub count: usize,
}

/// Initials → the terms they stand for, most frequent first, looked up without diacritics or case.
#[derive(Debug, Clone, Default)]
pub struct Learned {
    by_initials: HashMap<String, Vec<LearnedTerm>>,
    /// Every word of the texts learned from, folded: a word the catalogue writes is never read as
    /// initials.
    words: std::collections::HashSet<String>,
}

impl Learned {
    /// Learns from titles and scopes.
    pub fn from_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> Learned {
        // Runs one syllable longer than a term are counted too: they tell whether a term is
        // always part of a longer one.
        let mut counts: HashMap<Vec<String>, usize> = HashMap::new();
        let mut known = std::collections::HashSet::new();
        for text in texts {
            for chunk in text.to_lowercase().split(|c: char| !(c.is_alphabetic() || c.is_whitespace())) {
                let words: Vec<&str> = chunk.split_whitespace().collect();
                known.extend(words.iter().map(|w| lookup_key(w)));
                for n in MIN_SYLLABLES..=(MAX_SYLLABLES + 1).min(words.len()) {
                    for run in words.windows(n) {
                        *counts.entry(run.iter().map(|w| (*w).to_string()).collect()).or_default() += 1;
                    }
                }
            }
        }
        // For each run, the count of the most frequent admissible run one syllable longer.
        let mut longer: HashMap<&[String], usize> = HashMap::new();
        for (run, &count) in counts.iter().filter(|(run, _)| run.len() > MIN_SYLLABLES && admissible(run)) {
            for part in [&run[1..], &run[..run.len() - 1]] {
                let most = longer.entry(part).or_default();
                *most = (*most).max(count);
            }
        }
        let mut by_initials: HashMap<String, Vec<LearnedTerm>> = HashMap::new();
        for (run, &count) in &counts {
            let always_longer = longer.get(run.as_slice()).is_some_and(|&l| l >= count);
            if run.len() > MAX_SYLLABLES || count < MIN_COUNT || !admissible(run) || always_longer {
                continue;
            }
            let term = LearnedTerm { initials: initials(run), term: run.join(" "), count };
            by_initials.entry(lookup_key(&term.initials)).or_default().push(term);
        }
        for terms in by_initials.values_mut() {
            terms.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.term.cmp(&b.term)));
            terms.truncate(MAX_EXPANSIONS);
        }
        Learned { by_initials, words: known }
    }

    /// Whether the texts learned from write this word (folded) as a word of their own.
    pub fn is_word(&self, word: &str) -> bool {
        self.words.contains(&lookup_key(word))
    }

    /// The terms some initials stand for (`dsdt`, `ĐSĐT`), most frequent first.
    pub fn expand(&self, word: &str) -> &[LearnedTerm] {
        self.by_initials.get(&lookup_key(word)).map_or(&[], Vec::as_slice)
    }

    /// Every learned term, most frequent first.
    pub fn terms(&self) -> Vec<&LearnedTerm> {
        let mut all: Vec<&LearnedTerm> = self.by_initials.values().flatten().collect();
        all.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.term.cmp(&b.term)));
        all
    }
}

/// Whether a run can be a term: no function word at either end, and none inside but `và`
/// (`bê tông và vữa`; `quốc gia về khảo nghiệm` joins a title's head to its subject).
fn admissible(run: &[String]) -> bool {
    let function = |w: &String| FUNCTION_WORDS.contains(&w.as_str());
    let (Some(first), Some(last)) = (run.first(), run.last()) else { return false };
    !function(first) && !function(last) && run.iter().all(|w| w == "và" || !function(w))
}

/// The initials of a term: each syllable's first letter in capitals, `Đ` kept.
pub fn initials(words: &[String]) -> String {
    words
        .iter()
        .filter_map(|w| w.chars().next())
        .map(|c| match c {
            'đ' | 'Đ' => 'Đ',
            other => fold_diacritics(&other.to_string()).to_uppercase().chars().next().unwrap_or(other),
        })
        .collect()
}

fn lookup_key(word: &str) -> String {
    fold_diacritics(word.trim()).to_lowercase()
}

#[cfg(test)]
#[path = "learned_tests.rs"]
mod tests;
