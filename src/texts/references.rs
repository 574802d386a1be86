//! The codes a text cites, section by section: what becomes its standard's extracted references.
//! The legal preamble (the issuing circular's articles, a preface) is left out: it says what the
//! text is issued by and what it replaces, not what it cites.

use std::collections::HashMap;

use super::extraction::Section;
use crate::domain::citations;
use crate::domain::text::{fold_diacritics, normalize_typed};

/// The most distinct codes kept from one text.
pub const MAX_REFERENCES: usize = 500;
/// The longest section label kept (characters).
pub const MAX_SECTION_CHARS: usize = 200;

/// A code a text cites, and the heading of the part it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedCode {
    /// The code in its canonical spelling.
    pub code: String,
    /// Its key (editions and spellings of one code share it).
    pub key: String,
    /// The heading of the section: the normative references clause when the code is listed there,
    /// else the first section that cites it; `None` for text before the first heading.
    pub section: Option<String>,
}

/// Every distinct code the sections cite, in the order first cited, at most `MAX_REFERENCES`.
pub fn cited(sections: &[Section]) -> Vec<CitedCode> {
    let mut found: Vec<CitedCode> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for section in sections.iter().filter(|s| !is_preamble(&s.heading)) {
        let label = label(&section.heading);
        let listing = is_reference_clause(&section.heading);
        for citation in citations::find(&normalize_typed(&section.body)) {
            let key = citation.reference.key();
            match at.get(&key) {
                Some(&index) if listing && !is_reference_clause(found[index].section.as_deref().unwrap_or("")) => {
                    found[index].section.clone_from(&label);
                }
                Some(_) => {}
                None if found.len() < MAX_REFERENCES => {
                    at.insert(key.clone(), found.len());
                    found.push(CitedCode { code: citation.reference.to_string(), key, section: label.clone() });
                }
                None => {}
            }
        }
    }
    found
}

/// The heading as a label: trimmed, at most `MAX_SECTION_CHARS` characters.
fn label(heading: &str) -> Option<String> {
    let words: Vec<&str> = heading.split_whitespace().collect();
    let joined = words.join(" ");
    (!joined.is_empty()).then(|| joined.chars().take(MAX_SECTION_CHARS).collect())
}

fn folded(heading: &str) -> String {
    fold_diacritics(heading).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The clause that lists the normative references ("Tài liệu viện dẫn").
fn is_reference_clause(heading: &str) -> bool {
    folded(heading).contains("tai lieu vien dan")
}

/// The issuing instrument and a preface: `THÔNG TƯ SỐ 03/2021/TT-BXD…`, `Điều 2`, `Lời nói đầu`,
/// `QUYẾT ĐỊNH…`.
fn is_preamble(heading: &str) -> bool {
    let folded = folded(heading);
    let article = folded.strip_prefix("dieu ").is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    article || ["thong tu", "quyet dinh", "loi noi dau", "nghi dinh"].iter().any(|start| folded.starts_with(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(heading: &str, body: &str) -> Section {
        Section { heading: heading.into(), body: body.into() }
    }

    #[test]
    fn codes_are_kept_once_with_the_reference_clause_preferred() {
        let sections = [
            section("THÔNG TƯ SỐ 03/2021/TT-BXD", "thay thế QCVN 04:2019/BXD"),
            section("Điều 2", "bãi bỏ QCVN 04:2019/BXD"),
            section("1.1 Phạm vi", "Theo TCVN 2622:1995 và ISO 834-1:1999."),
            section("1.3   Tài liệu viện dẫn", "- TCVN 2622:1995 Phòng cháy\n- QCVN 06:2021/BXD An toàn cháy"),
            section("2.1 Yêu cầu", "theo tcvn 2622:1995"),
        ];
        let found = cited(&sections);
        let codes: Vec<(&str, Option<&str>)> = found.iter().map(|c| (c.code.as_str(), c.section.as_deref())).collect();
        assert_eq!(
            codes,
            vec![
                ("TCVN 2622:1995", Some("1.3 Tài liệu viện dẫn")),
                ("ISO 834-1:1999", Some("1.1 Phạm vi")),
                ("QCVN 06:2021/BXD", Some("1.3 Tài liệu viện dẫn")),
            ],
            "the preamble's replaced edition is not a reference"
        );
    }

    #[test]
    fn text_before_any_heading_has_no_section_and_long_headings_are_cut() {
        let long = format!("4 {}", "Yêu cầu ".repeat(60));
        let found = cited(&[section("", "TCVN 5574:2018"), section(&long, "TCVN 9311-1:2012")]);
        assert_eq!(found[0].section, None);
        assert_eq!(found[1].section.as_ref().map(|s| s.chars().count()), Some(MAX_SECTION_CHARS));
    }

    /// What reading each of the seven shipped texts finds: every code of its "Tài liệu viện dẫn"
    /// clause, listed in that clause, and the codes its body cites elsewhere.
    #[test]
    fn the_seven_texts_references_are_read_with_their_sections() {
        use crate::domain::reference::tests::{references_clause, shipped_text};
        use crate::texts::extraction::{TextFormat, extract};
        let names = [
            "QCVN-01-2021-BXD",
            "QCVN-04-2021-BXD",
            "QCVN-06-2022-BXD",
            "QCVN-09-2017-BXD",
            "QCVN-10-2024-BXD",
            "QCVN-13-2018-BXD",
            "QCVN-32-2026-BXD",
        ];
        for name in names {
            let text = shipped_text(name);
            let sections = extract(text.as_bytes(), Some(TextFormat::Markdown), 10).expect("extracts").sections;
            let found = cited(&sections);
            let listed: Vec<String> = references_clause(&text)
                .iter()
                .flat_map(|line| citations::find(&normalize_typed(line)))
                .map(|c| c.reference.key())
                .collect();
            for key in &listed {
                let cited = found.iter().find(|c| &c.key == key).unwrap_or_else(|| panic!("{name}: {key} is read"));
                assert!(cited.section.as_deref().is_some_and(is_reference_clause), "{name}: {key} in {cited:?}");
            }
            let elsewhere = found.iter().filter(|c| !listed.contains(&c.key)).count();
            println!(
                "{name}: {} codes, {} listed as normative references, {elsewhere} cited elsewhere",
                found.len(),
                listed.len()
            );
        }
        let qcvn04 = cited(
            &extract(shipped_text("QCVN-04-2021-BXD").as_bytes(), Some(TextFormat::Markdown), 10).unwrap().sections,
        );
        assert!(qcvn04.iter().any(|c| c.code == "QCVN 06:2021/BXD"), "QCVN 04:2021/BXD cites QCVN 06:2021/BXD");
        assert!(!qcvn04.iter().any(|c| c.code == "QCVN 04:2019/BXD"), "what its circular replaces is not cited");
    }
}
