//! Every code cited in the "Tài liệu viện dẫn" clause of the seven real QCVN texts parses.

use std::path::Path;

use super::Reference;

/// The lines of a text's normative-references clause, from its heading to the next heading.
pub(crate) fn references_clause(text: &str) -> Vec<&str> {
    let mut lines = text.lines().skip_while(|line| !(line.starts_with('#') && line.contains("Tài liệu viện dẫn")));
    lines.next();
    lines.take_while(|line| !line.starts_with('#')).map(str::trim).filter(|line| !line.is_empty()).collect()
}

/// What one entry cites, before its title (`QCVN 06:2021/BXD, Quy chuẩn …`, `TCVN 6396-72:2010,Yêu cầu …`,
/// `QCVN 01-1:2018/BYT-Quy chuẩn …`, `| ISO 6946-2017 | …`), with the codes in parentheses after it
/// (`TCVN 6307:1997 (ISO 916:1968)`).
fn cited(entry: &str) -> Vec<String> {
    let entry = entry.trim_start_matches("- ");
    let (head, rest) = match entry.strip_prefix('|') {
        Some(row) => row.split_once('|').unwrap_or((row, "")),
        None => {
            let end = [",", "-Quy", " Quy "].iter().filter_map(|cut| entry.find(cut)).min().unwrap_or(entry.len());
            entry.split_at(end)
        }
    };
    let mut codes = Vec::new();
    let (code, parenthesised) = head.split_once(" (").unwrap_or((head, ""));
    codes.push(code.trim().to_string());
    for inside in parenthesised.split(['(', ')']).chain(rest.split('(').skip(1).filter_map(|p| p.split(')').next())) {
        let inside = inside.trim();
        if inside.starts_with("TCVN ") || inside.starts_with("ISO ") {
            codes.push(inside.to_string());
        }
    }
    codes
}

/// One of the seven real texts shipped in `standards-data/texts` (`QCVN-06-2022-BXD`).
pub(crate) fn shipped_text(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("standards-data/texts").join(format!("{name}.md"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_code_the_seven_texts_cite_as_normative_references_parses() {
    let texts = Path::new(env!("CARGO_MANIFEST_DIR")).join("standards-data/texts");
    let mut files: Vec<_> = std::fs::read_dir(&texts)
        .expect("the texts are shipped")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 7);
    let (mut parsed, mut instruments, mut international) = (0, 0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        let clause = references_clause(&text);
        assert!(!clause.is_empty(), "{} has a references clause", file.display());
        for entry in clause {
            if entry.contains("tài liệu viện dẫn") || entry.contains("Tài liệu viện dẫn") || entry.starts_with("| :")
            {
                continue; // the clause's opening sentence, a table's alignment row
            }
            if entry.starts_with("Quy") {
                // Older rules cited by the decision that issued them, not by a code.
                assert!(
                    entry.contains("Quyết định"),
                    "{}: `{entry}` is neither a code nor an instrument",
                    file.display()
                );
                instruments += 1;
                continue;
            }
            for code in cited(entry) {
                let reference = Reference::parse(&code)
                    .unwrap_or_else(|e| panic!("{}: `{code}` (from `{entry}`) does not parse: {e}", file.display()));
                international += usize::from(matches!(reference, Reference::International(_)));
                parsed += 1;
            }
        }
    }
    // Counted from the seven clauses: 12 + 15 + 16 + 23 + 3 + 0 + 1 entries, five codes in parentheses
    // (QCVN 09:2017/BXD); QCVN 13:2018/BXD's clause names no document.
    assert_eq!((parsed, instruments), (75, 3), "codes and instruments cited");
    assert!(international >= 15, "QCVN 09:2017/BXD cites ASHRAE, ARI, ISO and others: {international}");
}
