//! A check's report as CSV, a line per cited code, for spreadsheets and dossier files.

use super::{CheckReport, CheckedCode, DatedLink};
use crate::domain::StandardLink;
use crate::error::AppError;

/// The report as CSV with a header: `as_of, code, written, occurrences, outcome, standard,
/// undated, replaced_by, amended_by, newer_editions, near, adoptions, note`; lists are `; `-joined,
/// a dated link written `CODE (YYYY-MM-DD)`.
pub fn report_csv(report: &CheckReport) -> Result<String, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::Internal(format!("the report could not be written as CSV: {e}"));
    writer
        .write_record([
            "as_of",
            "code",
            "written",
            "occurrences",
            "outcome",
            "standard",
            "undated",
            "replaced_by",
            "amended_by",
            "newer_editions",
            "near",
            "adoptions",
            "note",
        ])
        .map_err(failed)?;
    let as_of = report.as_of.to_string();
    for code in &report.checked {
        writer.write_record(row(&as_of, code)).map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|e| AppError::Internal(format!("the CSV could not be finished: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("the CSV is not UTF-8: {e}")))
}

fn row(as_of: &str, code: &CheckedCode) -> Vec<String> {
    vec![
        as_of.to_string(),
        code.code.clone(),
        code.written.clone(),
        code.occurrences.to_string(),
        code.outcome.as_str().to_string(),
        code.standard.as_ref().map(|s| s.code.clone()).unwrap_or_default(),
        code.undated.to_string(),
        dated(&code.replaced_by),
        dated(&code.amended_by),
        dated(&code.newer_editions),
        plain(&code.near),
        plain(&code.adoptions),
        code.note.clone().unwrap_or_default(),
    ]
}

fn dated(links: &[DatedLink]) -> String {
    links
        .iter()
        .map(|l| match l.effective_date {
            Some(day) => format!("{} ({day})", l.link.code),
            None => l.link.code.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn plain(links: &[StandardLink]) -> String {
    links.iter().map(|l| l.code.clone()).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::super::Outcome;

    #[test]
    fn each_outcome_is_named_as_the_json_report_names_it() {
        for outcome in Outcome::ALL {
            assert_eq!(serde_json::to_value(outcome).expect("serialises"), outcome.as_str());
        }
    }
}
