//! Highlights that keep the original diacritics: the stored text is tokenized with the folded
//! analyzer, and the tokens that match the query's folded terms are wrapped in `<mark>`.
//! Everything else is HTML-escaped, so nothing from a document can inject markup.

use std::collections::HashSet;

use super::schema::folded_analyzer;

/// The text as HTML with the matching words marked; `None` when no word matches. Words within
/// one edit of a `misspelt` term are marked too (they are what fuzzy matching found).
pub fn mark(text: &str, terms: &HashSet<String>, misspelt: &[String]) -> Option<String> {
    if terms.is_empty() && misspelt.is_empty() {
        return None;
    }
    let mut analyzer = folded_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    while stream.advance() {
        let token = stream.token();
        if !terms.contains(&token.text) && !misspelt.iter().any(|m| within_one_edit(m, &token.text)) {
            continue;
        }
        match spans.last_mut() {
            // Adjacent matches separated only by spaces form one mark (`<mark>nước thải</mark>`).
            Some(last) if text[last.1..token.offset_from].chars().all(char::is_whitespace) => last.1 = token.offset_to,
            _ => spans.push((token.offset_from, token.offset_to)),
        }
    }
    if spans.is_empty() {
        return None;
    }
    let mut html = String::with_capacity(text.len() + spans.len() * 13);
    let mut position = 0;
    for (from, to) in spans {
        html.push_str(&escape(&text[position..from]));
        html.push_str("<mark>");
        html.push_str(&escape(&text[from..to]));
        html.push_str("</mark>");
        position = to;
    }
    html.push_str(&escape(&text[position..]));
    Some(html)
}

/// Whether two words differ by at most one insertion, deletion, substitution or transposition.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match (ra.len(), rb.len()) {
        (0, 0) => true,
        (x, y) if x == y => ra[1..] == rb[1..] || (x >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..]),
        (x, y) if x > y => ra[1..] == *rb,
        _ => *ra == rb[1..],
    }
}

/// Escapes the five characters that matter in HTML text and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> HashSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn folded_terms_mark_the_original_words_and_join_neighbours() {
        let html = mark("Quy chuẩn về nước thải công nghiệp", &terms(&["nuoc", "thai"]), &[]).expect("marks");
        assert_eq!(html, "Quy chuẩn về <mark>nước thải</mark> công nghiệp");
    }

    #[test]
    fn markup_in_the_text_is_escaped() {
        let html = mark("<script>nước</script> & \"x\"", &terms(&["nuoc"]), &[]).expect("marks");
        assert_eq!(html, "&lt;script&gt;<mark>nước</mark>&lt;/script&gt; &amp; &quot;x&quot;");
        assert_eq!(mark("không khớp", &terms(&["nuoc"]), &[]), None);
    }

    #[test]
    fn words_fuzzy_matching_found_are_marked() {
        let html = mark("Bê tông cốt thép", &terms(&["be", "tong", "cot"]), &["thepp".to_string()]).expect("marks");
        assert_eq!(html, "<mark>Bê tông cốt thép</mark>");
        assert!(within_one_edit("bienn", "bien") && within_one_edit("thpe", "thep") && within_one_edit("nuoc", "nuoc"));
        assert!(!within_one_edit("bien", "bao") && !within_one_edit("ab", "ba1"));
    }
}
