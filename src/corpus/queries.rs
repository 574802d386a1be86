//! The benchmark's fixed mixed query set: codes in the spellings officials type, code fragments,
//! title words with and without diacritics, phrases of the body text, and typos.

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::IndexedRandom;
use serde::{Deserialize, Serialize};

use super::Entry;
use crate::domain::text::fold_diacritics;

/// One query of the set and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenchQuery {
    #[serde(rename = "type")]
    pub query_type: String,
    pub q: String,
}

/// Shares of the set: codes 20%, fragments 10%, topics 20%, the same without diacritics 20%,
/// body phrases 15%, typos 15%.
pub(super) fn mixed(rng: &mut Xoshiro256PlusPlus, entries: &[Entry], blocks: &[&str], total: usize) -> Vec<BenchQuery> {
    let share = |percent: usize| total * percent / 100;
    let mut queries = Vec::with_capacity(total);
    let mut push = |kind: &str, q: String| queries.push(BenchQuery { query_type: kind.into(), q });
    for _ in 0..share(20) {
        if let Some(entry) = entries.choose(rng) {
            push("code", code_spelling(rng, &entry.code));
        }
    }
    for _ in 0..share(10) {
        if let Some(entry) = entries.choose(rng) {
            push("fragment", code_fragment(rng, &entry.code));
        }
    }
    let mut topics = Vec::new();
    for _ in 0..share(20) {
        if let Some(words) = entries.choose(rng).map(|e| word_run(rng, subject(&e.title), 2, 4)) {
            topics.push(words);
        }
    }
    for topic in &topics {
        push("topic", topic.clone());
    }
    for topic in topics.iter().take(share(20)) {
        push("nodiacritics", fold_diacritics(topic).to_lowercase());
    }
    let prose: Vec<&str> = blocks.iter().copied().filter(|b| !b.starts_with('#') && b.len() > 80).collect();
    for _ in 0..share(15) {
        if let Some(block) = prose.choose(rng) {
            push("phrase", word_run(rng, block, 3, 5));
        }
    }
    let typos = total.saturating_sub(share(20) * 3 + share(10) + share(15));
    for _ in 0..typos {
        if let Some(words) = entries.choose(rng).map(|e| word_run(rng, subject(&e.title), 2, 3)) {
            push("typo", typo(rng, &words));
        }
    }
    queries
}

/// The code as written, lower-cased without punctuation, or with its year dropped.
fn code_spelling(rng: &mut Xoshiro256PlusPlus, code: &str) -> String {
    match rng.random_range(0..3) {
        0 => code.to_string(),
        1 => code.to_lowercase().replace([':', '/'], " "),
        _ => code.replace([':', '/'], " "),
    }
}

/// The kind and number without year or issuer (`TCVN 20012`), or the number alone.
fn code_fragment(rng: &mut Xoshiro256PlusPlus, code: &str) -> String {
    let without_year = code.split(':').next().unwrap_or(code);
    if rng.random_bool(0.7) {
        without_year.to_string()
    } else {
        without_year.split_whitespace().last().unwrap_or(without_year).to_string()
    }
}

/// A title without the words every regulation's title starts with, which nobody searches for.
fn subject(title: &str) -> &str {
    let rest = ["Quy chuẩn kỹ thuật quốc gia", "Tiêu chuẩn quốc gia"]
        .iter()
        .find_map(|prefix| title.strip_prefix(prefix))
        .unwrap_or(title)
        .trim_start_matches([':', ' ']);
    let rest = rest.strip_prefix("về ").unwrap_or(rest);
    if rest.split_whitespace().count() >= 2 { rest } else { title }
}

/// `min..=max` consecutive words of a text, without punctuation.
fn word_run(rng: &mut Xoshiro256PlusPlus, text: &str, min: usize, max: usize) -> String {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    if words.len() <= min {
        return words.join(" ");
    }
    let length = rng.random_range(min..=max).min(words.len());
    let start = rng.random_range(0..=words.len() - length);
    words[start..start + length].join(" ")
}

/// One letter dropped or two swapped in the longest word, folded as people type in a hurry.
fn typo(rng: &mut Xoshiro256PlusPlus, words: &str) -> String {
    let folded = fold_diacritics(words).to_lowercase();
    let mut parts: Vec<Vec<char>> = folded.split_whitespace().map(|w| w.chars().collect()).collect();
    if let Some(longest) = parts.iter_mut().max_by_key(|w| w.len()).filter(|w| w.len() >= 4) {
        let at = rng.random_range(1..longest.len() - 1);
        if rng.random_bool(0.5) {
            longest.remove(at);
        } else {
            longest.swap(at, at + 1);
        }
    }
    parts.iter().map(|w| w.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}
