//! Stamping a PDF for the person it is issued to: one line on every page, in a font that has
//! every Vietnamese letter, drawn over the page in its own graphics state.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::font::{self, FontError};

const FONT_RESOURCE: &str = "TCStamp";
const FONT_SIZE: f32 = 7.0;

/// Why a PDF could not be stamped.
#[derive(Debug, thiserror::Error)]
pub enum StampError {
    #[error("the PDF cannot be read: {0}")]
    Unreadable(#[from] lopdf::Error),
    #[error("the PDF is encrypted")]
    Encrypted,
    #[error(transparent)]
    Font(#[from] FontError),
    #[error("the stamped PDF cannot be written: {0}")]
    Write(#[from] std::io::Error),
}

/// The PDF with `line` written at the foot of every page.
pub fn stamp(original: &[u8], line: &str) -> Result<Vec<u8>, StampError> {
    debug_assert!(!crate::db::holding_connection(), "stamping runs while a pooled connection is held");
    let mut doc = Document::load_mem(original)?;
    if doc.is_encrypted() {
        return Err(StampError::Encrypted);
    }
    let font = font::embed(&mut doc, line)?;
    let text = font.encode(line);
    for page_id in doc.get_pages().into_values() {
        add_font_resource(&mut doc, page_id, font.font_id)?;
        let (x, y) = foot(&doc, page_id);
        let stamp = format!(
            "Q\nq\nBT\n/{FONT_RESOURCE} {FONT_SIZE} Tf\n0.75 0.05 0.05 rg\n{x:.1} {y:.1} Td\n{text} Tj\nET\nQ\n"
        );
        wrap_contents(&mut doc, page_id, stamp.into_bytes())?;
    }
    let mut out = Vec::with_capacity(original.len() + 32 * 1024);
    doc.save_to(&mut out)?;
    Ok(out)
}

/// Where the stamp goes: the bottom-left corner of the page, inside a small margin.
fn foot(doc: &Document, page_id: ObjectId) -> (f32, f32) {
    let number = |o: &Object| o.as_float().ok().or_else(|| o.as_i64().ok().map(|i| i as f32));
    let media_box = doc
        .get_dictionary(page_id)
        .ok()
        .and_then(|page| page.get(b"MediaBox").ok())
        .and_then(|o| o.as_array().ok())
        .and_then(|a| Some((number(a.first()?)?, number(a.get(1)?)?)));
    let (x0, y0) = media_box.unwrap_or((0.0, 0.0));
    (x0 + 24.0, y0 + 12.0)
}

/// Gives the page its own resources (copying inherited ones) and adds the stamp font to them.
fn add_font_resource(doc: &mut Document, page_id: ObjectId, font_id: ObjectId) -> Result<(), StampError> {
    let own = doc.get_dictionary(page_id)?.get(b"Resources").is_ok();
    if !own {
        let inherited = inherited_resources(doc, page_id);
        doc.get_dictionary_mut(page_id)?.set("Resources", inherited);
    }
    let existing = doc.get_or_create_resources(page_id)?.as_dict()?.get(b"Font").cloned();
    let mut fonts = match existing {
        Ok(Object::Reference(id)) => doc.get_dictionary(id).cloned().unwrap_or_default(),
        Ok(Object::Dictionary(fonts)) => fonts,
        _ => Dictionary::new(),
    };
    fonts.set(FONT_RESOURCE, Object::Reference(font_id));
    doc.get_or_create_resources(page_id)?.as_dict_mut()?.set("Font", fonts);
    Ok(())
}

/// The resources a page inherits from its ancestors in the page tree (nearest first wins).
fn inherited_resources(doc: &Document, page_id: ObjectId) -> Dictionary {
    let mut merged = Dictionary::new();
    let mut current = doc.get_dictionary(page_id).ok().and_then(|page| page.get(b"Parent").ok()?.as_reference().ok());
    let mut depth = 0;
    while let Some(parent_id) = current.filter(|_| depth < 64) {
        let Ok(parent) = doc.get_dictionary(parent_id) else { break };
        let resources = match parent.get(b"Resources") {
            Ok(Object::Dictionary(resources)) => Some(resources.clone()),
            Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok().cloned(),
            _ => None,
        };
        for (key, value) in resources.iter().flat_map(|r| r.iter()) {
            if !merged.has(key) {
                merged.set(key.clone(), value.clone());
            }
        }
        current = parent.get(b"Parent").ok().and_then(|p| p.as_reference().ok());
        depth += 1;
    }
    merged
}

/// Puts the page's own content inside `q … Q` and the stamp after it.
fn wrap_contents(doc: &mut Document, page_id: ObjectId, stamp: Vec<u8>) -> Result<(), StampError> {
    let existing: Vec<Object> = match doc.get_dictionary(page_id)?.get(b"Contents") {
        Ok(Object::Reference(id)) => vec![Object::Reference(*id)],
        Ok(Object::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    let open = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
    let close = doc.add_object(Stream::new(Dictionary::new(), stamp));
    let mut contents = vec![Object::Reference(open)];
    contents.extend(existing);
    contents.push(Object::Reference(close));
    doc.get_dictionary_mut(page_id)?.set("Contents", contents);
    Ok(())
}
