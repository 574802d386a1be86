//! Text for the service's XML answers (OAI-PMH, Atom): without the characters XML 1.0 cannot
//! carry, and written as an element.

use std::borrow::Cow;
use std::io;

use quick_xml::Writer;
use quick_xml::events::BytesText;

/// Text without the characters XML 1.0 cannot carry (controls other than tab and line breaks).
pub fn clean(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}');
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

/// Writes `<name>value</name>`, the value cleaned and escaped.
pub fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(&clean(value))).map(|_| ())
}
