//! The light reader: sections as sanitised HTML. Markdown is rendered with raw HTML disabled,
//! and everything passes an allow-list sanitiser, so no script or attribute can reach a page; then
//! each cited code is linked to its page.

use pulldown_cmark::{Event, Options, Parser, html};

use super::extraction::TextFormat;
use super::highlight_escape;

/// Markdown as the real texts write it: tables, and formulas between `$` signs.
fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_MATH
}

/// One section as HTML, safe to put inside a page.
pub fn section_html(format: TextFormat, body: &str) -> String {
    let raw = match format {
        TextFormat::Markdown => {
            let parser = Parser::new_ext(body, markdown_options()).map(|event| match event {
                // Raw HTML in a document is shown as text, never interpreted.
                Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
                // Formulas stay as their LaTeX source, set apart, with no `_` or `*` in them taken
                // for emphasis.
                Event::InlineMath(text) | Event::DisplayMath(text) => Event::Code(text),
                other => other,
            });
            let mut out = String::with_capacity(body.len() + body.len() / 4);
            html::push_html(&mut out, parser);
            out
        }
        TextFormat::Pdf | TextFormat::Text => body
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| format!("<p>{}</p>\n", highlight_escape(p.trim()).replace('\n', "<br>")))
            .collect(),
    };
    // Images of other sites would tell them who reads what: only images inside the text remain.
    let clean = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("img", "src" | "srcset") if !value.starts_with("data:image/") => None,
            _ => Some(value.into()),
        })
        .clean(&raw)
        .to_string();
    super::cite_links::link_citations(&clean)
}

/// Plain text of a section, for the search index.
pub fn plain_text(format: TextFormat, body: &str) -> String {
    match format {
        TextFormat::Markdown => {
            let mut text = String::with_capacity(body.len());
            for event in Parser::new_ext(body, markdown_options()) {
                match event {
                    Event::Text(t)
                    | Event::Code(t)
                    | Event::Html(t)
                    | Event::InlineHtml(t)
                    | Event::InlineMath(t)
                    | Event::DisplayMath(t) => text.push_str(&t),
                    Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
                    _ => {}
                }
            }
            text
        }
        TextFormat::Pdf | TextFormat::Text => body.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_tables_and_formulas_stay_readable_latex() {
        let body = "| Mã | Tên |\n| :--- | :--- |\n| QCVN 06:2022/BXD | An toàn cháy |\n\n$R_0 = \\frac{1}{h_N} + \\sum_{i=1}^n \\frac{b_i}{\\lambda_i}$ (m².K/W)";
        let html = section_html(TextFormat::Markdown, body);
        assert!(
            html.contains("<table>")
                && html.contains(
                    "<td><a class=\"cite\" href=\"/tieu-chuan/QCVN%2006%3A2022%2FBXD\">QCVN 06:2022/BXD</a></td>"
                ),
            "{html}"
        );
        assert!(html.contains("<code>R_0 = \\frac{1}{h_N} + \\sum_{i=1}^n \\frac{b_i}{\\lambda_i}</code>"), "{html}");
        assert!(!html.contains("<em>"), "no underscore became emphasis: {html}");
        assert!(plain_text(TextFormat::Markdown, body).contains("h_N"));
    }

    #[test]
    fn nothing_from_a_document_can_run_in_a_page() {
        let hostile =
            "# Tiêu đề\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[a](javascript:alert(3)) **đậm**";
        let html = section_html(TextFormat::Markdown, hostile);
        // Markup in the document stays text: no element and no attribute reaches the page.
        assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("javascript:"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"), "{html}");
        assert!(html.contains("<strong>đậm</strong>"), "{html}");
        let text = section_html(TextFormat::Text, "<b>x</b> & y\n\nđoạn hai");
        assert_eq!(text, "<p>&lt;b&gt;x&lt;/b&gt; &amp; y</p>\n<p>đoạn hai</p>\n");
    }

    #[test]
    fn markdown_becomes_plain_words_for_the_index() {
        assert_eq!(
            plain_text(TextFormat::Markdown, "**Khoang cháy** là\n*phần*").split_whitespace().collect::<Vec<_>>(),
            vec!["Khoang", "cháy", "là", "phần"]
        );
    }
}
