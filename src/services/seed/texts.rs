//! The seven real QCVN texts shipped in `standards-data/texts/`, with their provenance from its
//! `manifest.json`, attached to their records when an empty catalogue is seeded.

use serde::Deserialize;

use crate::services::import::{ImportRecord, SourceRow};

/// The manifest: where each text came from and what a reader should know of it.
const MANIFEST: &str = include_str!("../../../standards-data/texts/manifest.json");

macro_rules! texts {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_str!(concat!("../../../standards-data/texts/", $file)))),*]
    };
}

/// Each text by its file name in the manifest.
const TEXTS: &[(&str, &str)] = texts!(
    "QCVN-01-2021-BXD.md",
    "QCVN-04-2021-BXD.md",
    "QCVN-06-2022-BXD.md",
    "QCVN-09-2017-BXD.md",
    "QCVN-10-2024-BXD.md",
    "QCVN-13-2018-BXD.md",
    "QCVN-32-2026-BXD.md",
);

/// One text of the manifest.
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestEntry {
    pub code: String,
    pub file: String,
    pub origin: Option<String>,
    pub license: Option<String>,
    pub complete: Option<bool>,
    pub notes: Option<String>,
    pub repo: Option<String>,
    pub path: Option<String>,
    pub commit: Option<String>,
    #[serde(default)]
    pub sources: Vec<SourceFile>,
}

/// A file of a public repository at a commit.
#[derive(Debug, Clone, Deserialize)]
pub struct SourceFile {
    pub repo: String,
    pub path: String,
    pub commit: String,
}

impl ManifestEntry {
    /// The files the text was taken from.
    fn files(&self) -> Vec<SourceFile> {
        match (&self.repo, &self.path, &self.commit, self.sources.is_empty()) {
            (Some(repo), Some(path), Some(commit), true) => {
                vec![SourceFile { repo: repo.clone(), path: path.clone(), commit: commit.clone() }]
            }
            _ => self.sources.clone(),
        }
    }

    /// Where the text came from, as the record's text shows it.
    pub fn source(&self) -> String {
        let files: Vec<String> =
            self.files().iter().map(|f| format!("github:{}:{}@{}", f.repo, f.path, f.commit)).collect();
        match &self.origin {
            Some(origin) => format!("{origin}; {}", files.join("; ")),
            None => files.join("; "),
        }
    }

    /// What a reader should know of the text.
    pub fn note(&self) -> Option<String> {
        let mut parts: Vec<String> = self.notes.iter().cloned().collect();
        if self.complete == Some(false) {
            parts.push("The source text is incomplete.".into());
        }
        if let Some(license) = &self.license {
            parts.push(format!(
                "Licence of the source: {license}; a QCVN is an annex to a circular, a legal normative document outside copyright (Law on Intellectual Property, Art. 15)."
            ));
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// The manifest's entries, each with its text.
pub fn embedded() -> Result<Vec<(ManifestEntry, &'static str)>, String> {
    let entries: Vec<ManifestEntry> =
        serde_json::from_str(MANIFEST).map_err(|e| format!("the texts' manifest is invalid: {e}"))?;
    entries
        .into_iter()
        .map(|entry| match TEXTS.iter().find(|(file, _)| *file == entry.file) {
            Some((_, text)) => Ok((entry, *text)),
            None => Err(format!("the manifest names {}, which is not embedded", entry.file)),
        })
        .collect()
}

/// Attaches each text to its record among the seed rows; an entry without a record is an error.
pub fn attach(rows: &mut [SourceRow]) -> Result<usize, String> {
    let mut attached = 0;
    for (entry, text) in embedded()? {
        let record = rows
            .iter_mut()
            .filter_map(|row| row.record.as_mut().ok())
            .find(|record: &&mut ImportRecord| record.code.as_deref() == Some(entry.code.as_str()))
            .ok_or_else(|| format!("the text {} belongs to {}, which the seed lacks", entry.file, entry.code))?;
        record.text = Some(text.to_string());
        record.text_source = Some(entry.source());
        record.text_note = entry.note();
        attached += 1;
    }
    Ok(attached)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_embedded_text_is_in_the_manifest_and_every_entry_has_its_text() {
        let entries = super::embedded().expect("the manifest reads");
        assert_eq!(entries.len(), super::TEXTS.len());
        for (entry, text) in entries {
            assert!(text.len() > 10_000, "{} is a whole text", entry.file);
            assert!(entry.source().contains("github:"), "{}: {}", entry.code, entry.source());
        }
    }
}
