//! The reader links each code a section cites to its page (`/tieu-chuan/{code}`, which redirects to
//! the record, answers an undated code with its newest edition, and an international one with its
//! adoptions). Works on the sanitised HTML: only text outside links, code and preformatted blocks
//! is touched, and the links it adds carry nothing but an escaped address.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::domain::citations;

/// What stays as it is in a path segment (RFC 3986's unreserved characters).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Elements whose text is left as it is.
const UNTOUCHED: [&str; 3] = ["a", "code", "pre"];

/// The HTML with every cited code outside links and code wrapped in a link to its page.
pub fn link_citations(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut inside = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                let end = rest.find('>').map_or(rest.len(), |at| at + 1);
                let tag = &rest[..end];
                match tag_name(tag) {
                    Some((name, closing)) if UNTOUCHED.contains(&name.as_str()) => {
                        inside = if closing { inside.saturating_sub(1) } else { inside + 1 };
                    }
                    _ => {}
                }
                out.push_str(tag);
                rest = &rest[end..];
            }
            found => {
                let end = found.unwrap_or(rest.len());
                let text = &rest[..end];
                if inside == 0 {
                    link_text(text, &mut out)
                } else {
                    out.push_str(text)
                }
                rest = &rest[end..];
            }
        }
    }
    out
}

/// The lower-case name of a tag and whether it closes (`</a>`).
fn tag_name(tag: &str) -> Option<(String, bool)> {
    let inner = tag.strip_prefix('<')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(inner) => (true, inner),
        None => (false, inner),
    };
    let name: String = inner.chars().take_while(char::is_ascii_alphanumeric).collect();
    (!name.is_empty()).then(|| (name.to_ascii_lowercase(), closing))
}

fn link_text(text: &str, out: &mut String) {
    let mut written_to = 0;
    for citation in citations::find(text) {
        // A range's codes share the range's first code as written: it is linked once, to that code.
        if citation.start < written_to {
            continue;
        }
        out.push_str(&text[written_to..citation.start]);
        out.push_str(&format!(
            "<a class=\"cite\" href=\"/tieu-chuan/{}\">{}</a>",
            utf8_percent_encode(&citation.reference.to_string(), SEGMENT),
            &text[citation.start..citation.end]
        ));
        written_to = citation.end;
    }
    out.push_str(&text[written_to..]);
}

#[cfg(test)]
mod tests {
    use super::link_citations;

    #[test]
    fn codes_in_text_are_linked_and_codes_in_links_or_code_are_not() {
        let html = "<p>Theo QCVN 06:2021/BXD và <a href=\"/x\">TCVN 2622:1995</a>, <code>ISO 834-1</code>.</p>";
        assert_eq!(
            link_citations(html),
            "<p>Theo <a class=\"cite\" href=\"/tieu-chuan/QCVN%2006%3A2021%2FBXD\">QCVN 06:2021/BXD</a> và \
             <a href=\"/x\">TCVN 2622:1995</a>, <code>ISO 834-1</code>.</p>"
        );
    }

    #[test]
    fn a_range_is_linked_once_and_text_without_codes_is_unchanged() {
        let linked = link_citations("<td>TCVN 9311-1 ÷ 8</td><td>&lt;b&gt; ISO</td>");
        assert_eq!(linked.matches("class=\"cite\"").count(), 1, "{linked}");
        assert!(linked.ends_with("<td>&lt;b&gt; ISO</td>"), "{linked}");
        assert_eq!(link_citations("<p>Không có mã</p>"), "<p>Không có mã</p>");
        assert_eq!(link_citations("<p>cut <a"), "<p>cut <a");
    }
}
