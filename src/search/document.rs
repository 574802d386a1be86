//! Turning a stored standard into an index document, with every code key a query may name.

use tantivy::TantivyDocument;

use super::schema::{SearchFields, facet};
use crate::db::standards::StandardRow;
use crate::domain::code::normalized_number;
use crate::domain::text::{fold_diacritics, normalize};
use crate::domain::{AccessLevel, CanonicalCode, InternationalCode};

/// The code keys of a standard, each prefixed by what it identifies: `k:` the code, `s:` the
/// series, `si:` the series with its issuer, `ny:` number and year, `n:` the number, `a:` the
/// international document it adopts. Query understanding produces the same keys.
pub fn code_terms(code: &CanonicalCode) -> Vec<String> {
    let mut terms = vec![format!("k:{}", code.key()), format!("s:{}", code.series_key())];
    let issuer = code.issuer.as_deref().map(|i| fold_diacritics(i).to_lowercase());
    if let Some(issuer) = &issuer {
        terms.push(format!("si:{}/{issuer}", code.series_key()));
    }
    if code.amendment.is_none() {
        let number = normalized_number(&code.number);
        if let Some(year) = code.year {
            terms.push(format!("ny:{number}:{year}"));
            if let Some(issuer) = &issuer {
                terms.push(format!("ny:{number}:{year}/{issuer}"));
            }
        }
        terms.push(format!("n:{number}"));
        if let Some(first) = number.split('-').next().filter(|f| *f != number) {
            terms.push(format!("n:{first}"));
        }
        if let Some(prefix) = &code.adopted_prefix {
            let prefix = prefix.to_lowercase();
            let mut names: Vec<&str> = prefix.split('/').collect();
            names.push(&prefix);
            for name in names {
                terms.push(format!("a:{name} {number}"));
                if let Some(year) = code.year {
                    terms.push(format!("a:{name} {number}:{year}"));
                }
            }
        }
    }
    terms.sort();
    terms.dedup();
    terms
}

/// A code as words for completion, with and without its kind: `qcvn 6 2022 bxd`, `6 2022 bxd`.
pub fn code_words(code: &CanonicalCode) -> Vec<String> {
    let full = code_as_words(&code.to_string());
    let mut words = vec![full.clone()];
    if let Some((_, without_kind)) = full.split_once(' ') {
        words.push(without_kind.to_string());
        if let Some(prefix) = &code.adopted_prefix {
            let prefix_words = code_as_words(prefix);
            if let Some(number_on) = without_kind.strip_prefix(&format!("{prefix_words} ")) {
                words.push(number_on.to_string());
            }
        }
    }
    words
}

/// Folded lowercase words of a code-like text, digits split from letters, leading zeros
/// removed: `QCVN06:2022/BXD` → `qcvn 6 2022 bxd`. Typed prefixes are normalised the same way.
pub fn code_as_words(text: &str) -> String {
    let folded = fold_diacritics(text).to_lowercase();
    let mut spaced = String::with_capacity(folded.len() + 4);
    let mut previous: Option<char> = None;
    for c in folded.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { ' ' };
        if let Some(p) = previous
            && p.is_ascii_alphabetic() != c.is_ascii_alphabetic()
            && p.is_ascii_alphanumeric()
            && c.is_ascii_alphanumeric()
        {
            spaced.push(' ');
        }
        spaced.push(c);
        previous = Some(c);
    }
    spaced
        .split_whitespace()
        .map(|word| if word.chars().all(|c| c.is_ascii_digit()) { normalized_number(word) } else { word.to_string() })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A hash of series and issuer that stays the same across builds and Rust versions (FNV-1a).
pub fn series_hash(series_key: &str, issuer: Option<&str>) -> u64 {
    let text = format!("{series_key}/{}", issuer.map(fold_diacritics).unwrap_or_default().to_lowercase());
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Words of the title's head that carry its subject.
const HEAD_WORDS: usize = 8;

/// The start of a title without the boilerplate of regulations: `Quy chuẩn kỹ thuật quốc gia về
/// Gara ôtô` → `Gara ôtô`.
pub fn title_head(title: &str) -> String {
    let words: Vec<&str> = title.split_whitespace().collect();
    let folded: Vec<String> = words.iter().map(|w| fold_diacritics(w).to_lowercase()).collect();
    let boilerplate = ["quy", "chuan", "ky", "thuat", "quoc", "gia"];
    let mut start = 0;
    if folded.len() > boilerplate.len()
        && folded.iter().zip(boilerplate).all(|(w, b)| w.trim_matches(|c: char| !c.is_alphanumeric()) == b)
    {
        start = boilerplate.len();
        if folded.get(start).is_some_and(|w| w == "ve" || w == ":") {
            start += 1;
        }
    }
    words[start..].iter().take(HEAD_WORDS).copied().collect::<Vec<_>>().join(" ")
}

/// How current a standard is, for ranking: in force 4, no known status 3, an older edition or
/// suspended 1, replaced/expired/annulled 0.
pub fn currency(fields: &crate::db::standards::StandardFields, superseded: bool) -> u64 {
    let rank = u64::from(fields.status.currency_rank());
    let rank = if rank >= 2 { rank + 1 } else { rank };
    if superseded { rank.min(1) } else { rank }
}

/// The texts of a standard's documents of one access level as one body, where each section
/// starts in it, and where the body is in the generation's text store.
#[derive(Debug, Clone)]
pub struct IndexedBody {
    pub level: AccessLevel,
    pub text: String,
    pub sections: Vec<(String, usize)>,
    pub stored_at: Option<u64>,
}

/// The index document of one standard; `bodies` are the extracted texts of its documents, one
/// per access level that has any; `superseded` says whether a newer edition of its series is in
/// the catalogue.
pub fn standard_document(
    fields: &SearchFields,
    row: &StandardRow,
    bodies: &[IndexedBody],
    superseded: bool,
) -> TantivyDocument {
    let f = &row.fields;
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.standard_id, row.id as u64);
    doc.add_text(fields.code, &f.code);
    doc.add_text(fields.slug, &f.slug);
    doc.add_text(fields.kind, f.kind.as_str());
    doc.add_text(fields.status, f.status.as_str());
    if let Some(issuer) = &f.issuer_code {
        doc.add_text(fields.issuer_code, issuer);
        doc.add_facet(fields.facets, facet("issuer", issuer));
    }
    if let Some(subject) = &f.field {
        doc.add_text(fields.subject, subject);
        doc.add_facet(fields.facets, facet("field", subject));
    }
    if let Some(year) = f.year {
        doc.add_i64(fields.year, i64::from(year));
        doc.add_facet(fields.facets, facet("year", &year.to_string()));
    }
    doc.add_u64(fields.currency, currency(f, superseded));
    doc.add_u64(fields.series, series_hash(&f.series_key, f.issuer_code.as_deref()));
    doc.add_facet(fields.facets, facet("kind", f.kind.as_str()));
    doc.add_facet(fields.facets, facet("status", f.status.as_str()));
    if let Ok(code) = CanonicalCode::parse(&f.code) {
        for term in code_terms(&code) {
            doc.add_text(fields.code_terms, term);
        }
        // The document it is equivalent to (`IEC 60364-4-41:2005`) finds it as its adoption does.
        if let Some(document) = f.international_equivalent.as_deref().and_then(InternationalCode::parse) {
            doc.add_text(fields.code_terms, format!("a:{}", document.series_key()));
            doc.add_text(fields.code_terms, format!("a:{}", document.key()));
        }
        for words in code_words(&code) {
            doc.add_text(fields.code_words, words);
        }
    }
    let title = normalize(&f.title_vi);
    doc.add_text(fields.title, &title);
    doc.add_text(fields.title_exact, &title);
    doc.add_text(fields.title_head, title_head(&title));
    if let Some(title_en) = &f.title_en {
        doc.add_text(fields.title_en, normalize(title_en));
    }
    if let Some(scope) = &f.scope_vi {
        let scope = normalize(scope);
        doc.add_text(fields.scope, &scope);
        doc.add_text(fields.scope_exact, &scope);
    }
    for body in bodies.iter().filter(|b| !b.text.is_empty()) {
        let at = fields.body(body.level);
        doc.add_text(at.text, &body.text);
        if let Some(offset) = body.stored_at {
            doc.add_u64(at.offset, offset);
            doc.add_u64(at.len, body.text.len() as u64);
        }
        doc.add_text(at.exact, &body.text);
        doc.add_text(at.sections, serde_json::to_string(&body.sections).unwrap_or_default());
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(code: &str) -> Vec<String> {
        code_terms(&CanonicalCode::parse(code).expect("parses"))
    }

    #[test]
    fn a_regulation_is_findable_by_code_series_issuer_and_number() {
        let keys = terms("QCVN 06:2022/BXD");
        for expected in ["k:qcvn 6:2022/bxd", "s:qcvn 6", "si:qcvn 6/bxd", "ny:6:2022", "ny:6:2022/bxd", "n:6"] {
            assert!(keys.contains(&expected.to_string()), "{expected} in {keys:?}");
        }
    }

    #[test]
    fn an_adopted_standard_is_findable_by_its_international_name() {
        let keys = terms("TCVN ISO/IEC 17025:2017");
        for expected in ["a:iso/iec 17025", "a:iso 17025", "a:iec 17025:2017", "n:17025", "ny:17025:2017"] {
            assert!(keys.contains(&expected.to_string()), "{expected} in {keys:?}");
        }
    }

    #[test]
    fn codes_become_words_for_completion() {
        assert_eq!(code_as_words("QCVN06:2022/BXD"), "qcvn 6 2022 bxd");
        assert_eq!(code_as_words("qcvn 06 20"), "qcvn 6 20");
        let words = code_words(&CanonicalCode::parse("TCVN ISO/IEC 17025:2017").expect("parses"));
        assert_eq!(words, vec!["tcvn iso iec 17025 2017", "iso iec 17025 2017", "17025 2017"]);
    }

    #[test]
    fn the_head_of_a_regulation_title_skips_its_boilerplate() {
        assert_eq!(title_head("Quy chuẩn kỹ thuật quốc gia về Gara ôtô"), "Gara ôtô");
        assert_eq!(title_head("Quy chuẩn kỹ thuật quốc gia: lấy mẫu thuốc thú y"), "lấy mẫu thuốc thú y");
        assert_eq!(
            title_head("Thang máy điện - Yêu cầu an toàn về cấu tạo và lắp đặt"),
            "Thang máy điện - Yêu cầu an toàn"
        );
    }

    #[test]
    fn multi_part_numbers_are_findable_by_their_first_part() {
        assert!(terms("TCVN 7447-4-41:2010").contains(&"n:7447".to_string()));
        assert_eq!(normalized_number("01-190"), "1-190");
    }
}
