//! Clause numbers of a text's headings (`2.2.2`, `A.1.3`, `Phụ lục B`): how deep a heading sits in
//! the outline, and the key by which a link names a section, so that the link still lands on the
//! same clause when the text is imported again and its sections shift.

use crate::domain::text::fold_diacritics;

/// The clause number a heading starts with, as a link names it: `2.2.2 Khoảng cách` → `2.2.2`,
/// `A.1. Yêu cầu` → `A.1`, `3 QUY ĐỊNH KỸ THUẬT` → `3.` (a bare number keeps a dot, since a bare
/// number in a link is a section's position), `Phụ lục B (quy định)` → `phu-luc-b`; `None` when the
/// heading has no number.
pub fn clause_key(heading: &str) -> Option<String> {
    let mut words = heading.split_whitespace();
    let first = words.next()?;
    let folded = fold_diacritics(first).to_lowercase();
    if folded == "phu" && words.next().is_some_and(|w| fold_diacritics(w).eq_ignore_ascii_case("luc")) {
        let letter = words.next()?.trim_end_matches(['.', ':', ')']);
        let letter = fold_diacritics(letter).to_lowercase();
        return (!letter.is_empty() && letter.chars().all(|c| c.is_ascii_alphanumeric()))
            .then(|| format!("phu-luc-{letter}"));
    }
    let number = first.trim_end_matches(['.', ':', ')']);
    let mut parts = number.split('.');
    let head = parts.next()?;
    let head_ok = head.chars().all(|c| c.is_ascii_digit()) && !head.is_empty()
        || (head.len() == 1 && head.chars().all(|c| c.is_ascii_uppercase()));
    let rest_ok = parts.clone().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if !head_ok || !rest_ok || number.len() > 40 {
        return None;
    }
    let has_parts = parts.next().is_some();
    match (has_parts, head.chars().all(|c| c.is_ascii_digit())) {
        (true, _) => Some(number.to_string()),
        (false, true) => Some(format!("{number}.")),
        // A lone letter (`A Yêu cầu`) is a word more often than a clause.
        (false, false) => None,
    }
}

/// The key of each heading, `None` for those without a number and for a number met before (the
/// first heading with a number owns it).
pub fn clause_keys(headings: &[String]) -> Vec<Option<String>> {
    let mut seen = std::collections::HashSet::new();
    headings.iter().map(|heading| clause_key(heading).filter(|key| seen.insert(key.clone()))).collect()
}

/// How deep a numbered heading is: `1.4` → 2, `1.4.28 Khoảng cách` → 3, `PHẦN 1` → 1.
pub fn outline_depth(heading: &str) -> usize {
    let first = heading.split_whitespace().next().unwrap_or_default().trim_end_matches('.');
    if first.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) && first.contains('.') {
        first.split('.').count()
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::{clause_key, clause_keys, outline_depth};

    #[test]
    fn numbered_headings_have_a_depth() {
        assert_eq!(outline_depth("1.4.28 Khoảng cách phòng cháy chống cháy"), 3);
        assert_eq!(outline_depth("1.1 \tPhạm vi điều chỉnh"), 2);
        assert_eq!(outline_depth("PHẦN 1 – QUY ĐỊNH CHUNG"), 1);
        assert_eq!(outline_depth("A.2. Yêu cầu"), 2);
    }

    #[test]
    fn headings_are_keyed_by_their_clause_numbers() {
        assert_eq!(clause_key("2.2.2 Khoảng cách").as_deref(), Some("2.2.2"));
        assert_eq!(clause_key("1.4.28. Khoảng cách").as_deref(), Some("1.4.28"));
        assert_eq!(clause_key("A.1.3 Yêu cầu").as_deref(), Some("A.1.3"));
        assert_eq!(clause_key("3 QUY ĐỊNH KỸ THUẬT").as_deref(), Some("3."));
        assert_eq!(clause_key("Phụ lục B (quy định)").as_deref(), Some("phu-luc-b"));
        assert_eq!(clause_key("PHỤ LỤC A").as_deref(), Some("phu-luc-a"));
        assert_eq!(clause_key("Lời nói đầu"), None);
        assert_eq!(clause_key("PHẦN 1 – QUY ĐỊNH CHUNG"), None);
        assert_eq!(clause_key("A Yêu cầu"), None);
        assert_eq!(clause_key(""), None);
        let headings = ["1.1 Phạm vi", "Lời nói đầu", "1.1 Phạm vi điều chỉnh"].map(String::from);
        assert_eq!(clause_keys(&headings), vec![Some("1.1".to_string()), None, None], "the first owns a number");
    }
}
