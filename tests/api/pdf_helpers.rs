//! PDFs made in the tests themselves, with Vietnamese text in an embedded font.

use lopdf::{Dictionary, Document, Object, Stream};

/// A PDF whose pages hold these texts (an empty string makes a page without text). The font
/// lives in the page tree's resources, so pages inherit it.
pub fn pdf_with_pages(pages: &[&str]) -> Vec<u8> {
    pdf_drawing(pages, 1, false)
}

/// A one-page PDF that draws `text` `times` times, its content stream Flate-compressed.
pub fn pdf_repeating(text: &str, times: usize) -> Vec<u8> {
    pdf_drawing(&[text], times, true)
}

fn pdf_drawing(pages: &[&str], times: usize, compress: bool) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let all: String = pages.concat();
    let font = tieuchuan::texts::font::embed(&mut doc, if all.is_empty() { " " } else { &all }).expect("font");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for text in pages {
        let content = if text.is_empty() {
            String::new()
        } else {
            format!("BT /F1 14 Tf 60 760 Td {} ET", format!("{} Tj ", font.encode(text)).repeat(times))
        };
        let mut stream = Stream::new(Dictionary::new(), content.into_bytes());
        if compress {
            stream.compress().expect("compress");
        }
        let content_id = doc.add_object(stream);
        let page = Dictionary::from_iter([
            ("Type", Object::Name(b"Page".to_vec())),
            ("Parent", Object::Reference(pages_id)),
            ("Contents", Object::Reference(content_id)),
            ("MediaBox", Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()])),
        ]);
        kids.push(Object::Reference(doc.add_object(page)));
    }
    let count = kids.len() as i64;
    let resources = Dictionary::from_iter([(
        "Font",
        Object::Dictionary(Dictionary::from_iter([("F1", Object::Reference(font.font_id))])),
    )]);
    doc.objects.insert(
        pages_id,
        Object::Dictionary(Dictionary::from_iter([
            ("Type", Object::Name(b"Pages".to_vec())),
            ("Kids", Object::Array(kids)),
            ("Count", Object::Integer(count)),
            ("Resources", Object::Dictionary(resources)),
        ])),
    );
    let catalog = doc.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"Catalog".to_vec())),
        ("Pages", Object::Reference(pages_id)),
    ]));
    doc.trailer.set("Root", Object::Reference(catalog));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// A PDF that declares itself encrypted.
pub fn encrypted_pdf() -> Vec<u8> {
    let mut doc = Document::load_mem(&pdf_with_pages(&["bí mật"])).expect("load");
    doc.trailer.set(
        "Encrypt",
        Object::Dictionary(Dictionary::from_iter([
            ("Filter", Object::Name(b"Standard".to_vec())),
            ("V", Object::Integer(1)),
            ("R", Object::Integer(2)),
            ("O", Object::string_literal(vec![1u8; 32])),
            ("U", Object::string_literal(vec![2u8; 32])),
            ("P", Object::Integer(-4)),
        ])),
    );
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// A one-page PDF whose page content is `content`, stored Flate-compressed, with the embedded
/// font as `F1`.
pub fn pdf_with_compressed_content(content: &[u8]) -> Vec<u8> {
    let mut doc = Document::load_mem(&pdf_with_pages(&["x"])).expect("load");
    let page = *doc.get_pages().values().next().expect("a page");
    let mut stream = Stream::new(Dictionary::new(), content.to_vec());
    stream.compress().expect("compress");
    let content_id = doc.add_object(stream);
    doc.get_dictionary_mut(page).expect("page").set("Contents", Object::Reference(content_id));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// A PDF whose page draws a form XObject that draws itself.
pub fn pdf_with_a_form_that_draws_itself() -> Vec<u8> {
    let mut doc = Document::load_mem(&pdf_with_pages(&["x"])).expect("load");
    let page = *doc.get_pages().values().next().expect("a page");
    let form_id = doc.new_object_id();
    let resources = Dictionary::from_iter([(
        "XObject",
        Object::Dictionary(Dictionary::from_iter([("Fm1", Object::Reference(form_id))])),
    )]);
    let form = Stream::new(
        Dictionary::from_iter([
            ("Type", Object::Name(b"XObject".to_vec())),
            ("Subtype", Object::Name(b"Form".to_vec())),
            ("BBox", Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()])),
            ("Resources", Object::Dictionary(resources.clone())),
        ]),
        b"/Fm1 Do".to_vec(),
    );
    doc.objects.insert(form_id, Object::Stream(form));
    let content_id = doc.add_object(Stream::new(Dictionary::new(), b"/Fm1 Do".to_vec()));
    let page = doc.get_dictionary_mut(page).expect("page");
    page.set("Contents", Object::Reference(content_id));
    page.set("Resources", Object::Dictionary(resources));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}
