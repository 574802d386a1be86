//! The curated abbreviations officials type (`PCCC` = phòng cháy chữa cháy), from
//! `standards-data/abbreviations.tsv`, extended or overridden by `DATA_DIR/abbreviations.tsv`, with
//! those learned from the catalogue beneath them (`search::learned`).

use std::collections::HashMap;
use std::path::Path;

use super::learned::Learned;
use crate::domain::text::{fold_diacritics, normalize};

/// Learned expansions tried for one word.
const LEARNED_EXPANSIONS: usize = 2;

/// The list shipped with the project.
const CURATED: &str = include_str!("../../standards-data/abbreviations.tsv");

/// Abbreviation → expansions, looked up without diacritics or case (`atld` finds `ATLĐ`).
#[derive(Debug, Clone, Default)]
pub struct Abbreviations {
    expansions: HashMap<String, Vec<String>>,
    /// Learned from the catalogue: consulted only for a word the curated list does not know and
    /// the catalogue does not write as a word.
    learned: Learned,
}

/// A line of an abbreviation file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("abbreviations line {line}: {reason}")]
pub struct AbbreviationError {
    pub line: usize,
    pub reason: String,
}

impl Abbreviations {
    /// The curated list, extended by the file in the data dir when there is one.
    pub fn load(data_dir: &Path) -> Result<Abbreviations, AbbreviationError> {
        let mut abbreviations = Abbreviations::parse(CURATED)?;
        let local = data_dir.join("abbreviations.tsv");
        if let Ok(text) = std::fs::read_to_string(&local) {
            abbreviations.expansions.extend(Abbreviations::parse(&text)?.expansions);
        }
        Ok(abbreviations)
    }

    /// Reads the TSV format: `ABBR<TAB>expansion|expansion`, `#` comments.
    pub fn parse(text: &str) -> Result<Abbreviations, AbbreviationError> {
        let mut expansions = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let error = |reason: &str| AbbreviationError { line: index + 1, reason: reason.to_string() };
            let (abbreviation, expanded) =
                line.split_once('\t').ok_or_else(|| error("expected ABBREVIATION<TAB>expansion"))?;
            let key = lookup_key(abbreviation);
            if key.is_empty() || key.contains(char::is_whitespace) {
                return Err(error("the abbreviation must be one word"));
            }
            let phrases: Vec<String> =
                expanded.split('|').map(|p| normalize(p.trim())).filter(|p| !p.is_empty()).collect();
            if phrases.is_empty() {
                return Err(error("no expansion"));
            }
            expansions.insert(key, phrases);
        }
        Ok(Abbreviations { expansions, learned: Learned::default() })
    }

    /// The same list, with abbreviations learned from the catalogue beneath it.
    pub fn with_learned(self, learned: Learned) -> Abbreviations {
        Abbreviations { learned, ..self }
    }

    /// What a word that the curated list does not know may stand for, learned from the catalogue:
    /// the most frequent terms with these initials, unless the catalogue writes the word itself.
    pub fn expand_learned(&self, word: &str) -> Vec<String> {
        let letters = word.chars().count() >= 3 && word.chars().all(char::is_alphabetic);
        if !letters || self.expand(word).is_some() || self.learned.is_word(word) {
            return Vec::new();
        }
        self.learned.expand(word).iter().take(LEARNED_EXPANSIONS).map(|t| t.term.clone()).collect()
    }

    /// The expansions of a word, if it is a known abbreviation.
    pub fn expand(&self, word: &str) -> Option<&[String]> {
        self.expansions.get(&lookup_key(word)).map(Vec::as_slice)
    }

    /// Every abbreviation (its lookup key, without diacritics, lower case) with its expansions.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.expansions.iter().map(|(key, expansions)| (key.as_str(), expansions.as_slice()))
    }

    /// How many abbreviations are known.
    pub fn len(&self) -> usize {
        self.expansions.len()
    }

    /// Whether no abbreviation is known.
    pub fn is_empty(&self) -> bool {
        self.expansions.is_empty()
    }
}

fn lookup_key(word: &str) -> String {
    fold_diacritics(word.trim()).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curated_list_reads_and_matches_without_diacritics() {
        let list = Abbreviations::parse(CURATED).expect("the curated list is valid");
        assert_eq!(list.expand("PCCC").map(|e| e[0].as_str()), Some("phòng cháy chữa cháy"));
        assert_eq!(list.expand("atld").map(|e| e[0].as_str()), Some("an toàn lao động"));
        assert!(list.expand("nước").is_none());
    }

    #[test]
    fn a_local_file_extends_and_overrides() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("abbreviations.tsv"), "PCCC\tchữa cháy\nQLDA\tquản lý dự án\n").expect("write");
        let list = Abbreviations::load(dir.path()).expect("loads");
        assert_eq!(list.expand("pccc"), Some(&["chữa cháy".to_string()][..]));
        assert!(list.expand("QLDA").is_some() && list.expand("HTKT").is_some());
    }

    #[test]
    fn malformed_lines_name_their_number() {
        assert_eq!(Abbreviations::parse("# c\nPCCC phòng cháy\n").unwrap_err().line, 2);
    }
}
