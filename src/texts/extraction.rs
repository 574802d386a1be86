//! From uploaded bytes to sections of text: the real type sniffed from the bytes, PDFs read page
//! by page (scans without a text layer flagged `needs_ocr`), Markdown split by its headings.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::pdf_limits::{self, Inflation, PageTextError};
use crate::domain::text::normalize;

pub use crate::domain::TextFormat;

impl TextFormat {
    /// What the name or media type of an upload says it is.
    pub fn claimed(filename: Option<&str>, media_type: Option<&str>) -> Option<TextFormat> {
        let extension = filename.and_then(|f| f.rsplit_once('.')).map(|(_, e)| e.to_ascii_lowercase());
        match (extension.as_deref(), media_type) {
            (Some("pdf"), _) | (_, Some("application/pdf")) => Some(TextFormat::Pdf),
            (Some("md" | "markdown"), _) | (_, Some("text/markdown")) => Some(TextFormat::Markdown),
            (Some("txt"), _) | (_, Some("text/plain")) => Some(TextFormat::Text),
            _ => None,
        }
    }

    /// The media type served.
    pub fn media_type(self) -> &'static str {
        match self {
            TextFormat::Pdf => "application/pdf",
            TextFormat::Markdown => "text/markdown; charset=utf-8",
            TextFormat::Text => "text/plain; charset=utf-8",
        }
    }
}

/// One section: a heading (empty before the first) and its text (Markdown for Markdown texts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub body: String,
}

/// What extraction found.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub format: TextFormat,
    pub pages: Option<i32>,
    pub needs_ocr: bool,
    pub sections: Vec<Section>,
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractionError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is neither a PDF nor UTF-8 text")]
    Unsupported,
    #[error("the file says it is {claimed} but its contents are {actual}")]
    NotWhatItClaims { claimed: &'static str, actual: &'static str },
    #[error("the text is not UTF-8")]
    NotUtf8,
    #[error("the PDF is damaged or truncated: {0}")]
    CorruptPdf(String),
    #[error("the PDF is encrypted; upload it without a password")]
    EncryptedPdf,
    #[error("the PDF has {pages} pages; at most {max} are accepted")]
    TooManyPages { pages: usize, max: usize },
    #[error("the PDF cannot be read within the limits: {0}")]
    Inflates(#[from] Inflation),
}

/// Sniffs, checks and extracts. `claimed` is what the upload says it is (name or media type).
pub fn extract(bytes: &[u8], claimed: Option<TextFormat>, max_pages: usize) -> Result<Extracted, ExtractionError> {
    debug_assert!(!crate::db::holding_connection(), "extraction runs while a pooled connection is held");
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ExtractionError::Empty);
    }
    let actual = sniff(bytes)?;
    match (claimed, actual) {
        (Some(TextFormat::Pdf), TextFormat::Markdown | TextFormat::Text) => {
            return Err(ExtractionError::NotWhatItClaims { claimed: "a PDF", actual: "text" });
        }
        (Some(TextFormat::Markdown | TextFormat::Text), TextFormat::Pdf) => {
            return Err(ExtractionError::NotWhatItClaims { claimed: "text", actual: "a PDF" });
        }
        _ => {}
    }
    match actual {
        TextFormat::Pdf => extract_pdf(bytes, max_pages),
        TextFormat::Markdown | TextFormat::Text => {
            let text = std::str::from_utf8(bytes).map_err(|_| ExtractionError::NotUtf8)?;
            let text = normalize(text.strip_prefix('\u{FEFF}').unwrap_or(text));
            let format = if claimed == Some(TextFormat::Markdown) || has_headings(&text) {
                TextFormat::Markdown
            } else {
                TextFormat::Text
            };
            Ok(Extracted { format, pages: None, needs_ocr: false, sections: split_by_headings(&text) })
        }
    }
}

/// The real type from the bytes: a PDF header, or text without binary bytes.
fn sniff(bytes: &[u8]) -> Result<TextFormat, ExtractionError> {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(TextFormat::Pdf);
    }
    if head.contains(&0) {
        return Err(ExtractionError::Unsupported);
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(TextFormat::Text),
        Err(error) if error.valid_up_to() == 0 && bytes.len() > 3 => Err(ExtractionError::NotUtf8),
        Err(_) => Err(ExtractionError::NotUtf8),
    }
}

fn has_headings(text: &str) -> bool {
    text.lines().any(|line| heading_of(line).is_some())
}

/// An ATX heading (`# Chương 1`), without its marks.
fn heading_of(line: &str) -> Option<String> {
    let trimmed = line.trim_start();
    let level = trimmed.chars().take_while(|c| *c == '#').count();
    if (1..=6).contains(&level) && trimmed[level..].starts_with([' ', '\t']) {
        Some(trimmed[level..].trim().trim_end_matches('#').trim().to_string())
    } else {
        None
    }
}

/// Sections at every heading; text before the first heading is a section with no heading.
pub fn split_by_headings(text: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut current = Section { heading: String::new(), body: String::new() };
    for line in text.lines() {
        if let Some(heading) = heading_of(line) {
            if !current.heading.is_empty() || !current.body.trim().is_empty() {
                sections.push(std::mem::take(&mut current));
            }
            current.heading = heading;
        } else {
            current.body.push_str(line);
            current.body.push('\n');
        }
    }
    if !current.heading.is_empty() || !current.body.trim().is_empty() {
        sections.push(current);
    }
    for section in &mut sections {
        section.body = section.body.trim().to_string();
    }
    sections
}

fn extract_pdf(bytes: &[u8], max_pages: usize) -> Result<Extracted, ExtractionError> {
    // Parsers of hostile files can panic; a panic here must be a refusal, not a crash.
    let loaded = catch_unwind(AssertUnwindSafe(|| lopdf::Document::load_mem(bytes)))
        .map_err(|_| ExtractionError::CorruptPdf("unreadable structure".into()))?;
    let document = match loaded {
        Ok(document) => document,
        Err(lopdf::Error::Decryption(_)) => return Err(ExtractionError::EncryptedPdf),
        Err(error) => {
            return Err(if error.to_string().to_lowercase().contains("encrypt") {
                ExtractionError::EncryptedPdf
            } else {
                ExtractionError::CorruptPdf(error.to_string())
            });
        }
    };
    if document.is_encrypted() || document.trailer.get(b"Encrypt").is_ok() {
        return Err(ExtractionError::EncryptedPdf);
    }
    let pages = document.get_pages().len();
    if pages == 0 {
        return Err(ExtractionError::CorruptPdf("no pages".into()));
    }
    if pages > max_pages {
        return Err(ExtractionError::TooManyPages { pages, max: max_pages });
    }
    pdf_limits::check_streams(&document)?;
    pdf_limits::check_forms(&document)?;
    let mut sections: Vec<Section> = Vec::with_capacity(pages);
    let mut used = 0;
    for page in 1..=pages {
        let number = u32::try_from(page).map_err(|_| ExtractionError::TooManyPages { pages, max: max_pages })?;
        let text = catch_unwind(AssertUnwindSafe(|| pdf_limits::page_text(&document, number, used)))
            .map_err(|_| ExtractionError::CorruptPdf("its text cannot be read".into()))?;
        let text = match text {
            Ok(text) => text,
            Err(PageTextError::Inflation(inflation)) => return Err(inflation.into()),
            // A page whose text cannot be read is kept as a page without text.
            Err(PageTextError::Unreadable(_)) => String::new(),
        };
        used += text.len();
        sections.push(Section { heading: format!("Trang {page}"), body: normalize(text.trim()) });
    }
    let needs_ocr = sections.iter().all(|s| s.body.chars().filter(|c| c.is_alphanumeric()).count() < 3);
    Ok(Extracted { format: TextFormat::Pdf, pages: i32::try_from(pages).ok(), needs_ocr, sections })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_splits_at_headings_and_keeps_the_preamble() {
        let sections = split_by_headings("Lời nói đầu\n\n# Chương 1\nPhạm vi\n## 1.1 Đối tượng\nNhà ở\n#không phải\n");
        let headings: Vec<&str> = sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, vec!["", "Chương 1", "1.1 Đối tượng"]);
        assert_eq!(sections[2].body, "Nhà ở\n#không phải");
    }

    #[test]
    fn the_real_type_comes_from_the_bytes() {
        assert_eq!(extract(b"", None, 10).unwrap_err(), ExtractionError::Empty);
        assert_eq!(
            extract(b"\x89PNG\r\n\x1a\n\0\0", Some(TextFormat::Pdf), 10).unwrap_err(),
            ExtractionError::Unsupported
        );
        assert_eq!(extract(b"\xff\xfe\xfdabc", None, 10).unwrap_err(), ExtractionError::NotUtf8);
        assert!(matches!(
            extract(b"plain words", Some(TextFormat::Pdf), 10),
            Err(ExtractionError::NotWhatItClaims { .. })
        ));
        assert!(matches!(extract(b"%PDF-1.7\n%%EOF", None, 10), Err(ExtractionError::CorruptPdf(_))));
        let text = extract("# Mục 1\nnước".as_bytes(), None, 10).expect("markdown");
        assert_eq!((text.format, text.sections.len()), (TextFormat::Markdown, 1));
    }
}
