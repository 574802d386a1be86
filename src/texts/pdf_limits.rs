//! What a PDF may inflate to while its text is read: a small file can hold streams that inflate
//! a thousandfold, pages whose text is megabytes, and forms that draw themselves forever. Streams
//! are measured with bounded decoders before anything is decompressed for real, forms are walked
//! with a budget of draws (a form that draws itself is refused), and the text extracted is
//! counted as it is written, so memory stays flat and every excess is a refusal (422).

use std::collections::HashSet;
use std::io::{self, Read, Write};

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// Bytes one stream may inflate to.
pub const MAX_STREAM_BYTES: u64 = 32 << 20;
/// Bytes all the streams of a document may inflate to together.
pub const MAX_DOCUMENT_BYTES: u64 = 256 << 20;
/// Form XObjects one page may draw, counting each draw of a nested form.
pub const MAX_FORM_DRAWS: u32 = 10_000;
/// Bytes of text one page may hold (a dense A4 page holds about 10 KB).
pub const MAX_PAGE_TEXT: usize = 1 << 20;
/// Bytes of text a whole document may hold.
pub const MAX_DOCUMENT_TEXT: usize = 64 << 20;

/// What exceeded a limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Inflation {
    #[error("a stream of the PDF inflates to more than {} MiB", MAX_STREAM_BYTES >> 20)]
    Stream,
    #[error("the streams of the PDF inflate to more than {} MiB", MAX_DOCUMENT_BYTES >> 20)]
    Document,
    #[error("a page of the PDF draws a form that draws itself")]
    FormCycle,
    #[error("a page of the PDF draws forms more than {MAX_FORM_DRAWS} times")]
    FormDraws,
    #[error("a page of the PDF holds more than {} KiB of text", MAX_PAGE_TEXT >> 10)]
    PageText,
    #[error("the PDF holds more than {} MiB of text", MAX_DOCUMENT_TEXT >> 20)]
    DocumentText,
}

/// Measures every stream that reading the text decompresses (all but images) with bounded
/// decoders: none may inflate beyond `MAX_STREAM_BYTES`, all together beyond `MAX_DOCUMENT_BYTES`.
pub fn check_streams(document: &Document) -> Result<(), Inflation> {
    let mut total: u64 = 0;
    for object in document.objects.values() {
        let Object::Stream(stream) = object else { continue };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|s| s == b"Image") {
            continue;
        }
        total = total.saturating_add(inflated_size(stream)?);
        if total > MAX_DOCUMENT_BYTES {
            return Err(Inflation::Document);
        }
    }
    Ok(())
}

/// The size of a stream once decoded, through the filters lopdf decodes (the others leave it as
/// stored); `Inflation::Stream` as soon as it passes the limit.
fn inflated_size(stream: &Stream) -> Result<u64, Inflation> {
    let filters = stream.filters().unwrap_or_default();
    let mut data: Vec<u8> = Vec::new();
    let mut input: &[u8] = &stream.content;
    for (index, filter) in filters.iter().enumerate() {
        let last = index + 1 == filters.len();
        let mut sink = Bounded { kept: (!last).then(Vec::new), written: 0 };
        match *filter {
            b"FlateDecode" => {
                // A stream damaged half-way counts what decodes, as lopdf reads it.
                let _ = io::copy(&mut flate2::read::ZlibDecoder::new(input).take(MAX_STREAM_BYTES + 1), &mut sink);
            }
            b"LZWDecode" => {
                let mut decoder = weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
                let _ = decoder.into_stream(&mut sink).decode_all(input).status;
            }
            _ => sink.written = input.len() as u64,
        }
        if sink.written > MAX_STREAM_BYTES {
            return Err(Inflation::Stream);
        }
        if last {
            return Ok(sink.written);
        }
        data = sink.kept.unwrap_or_default();
        input = &data;
    }
    Ok(data.len().max(stream.content.len()) as u64)
}

/// A writer that counts, keeps what it is asked to keep, and fails past the stream limit.
struct Bounded {
    kept: Option<Vec<u8>>,
    written: u64,
}

impl Write for Bounded {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.written += bytes.len() as u64;
        if self.written > MAX_STREAM_BYTES {
            return Err(io::Error::other("over the limit"));
        }
        if let Some(kept) = &mut self.kept {
            kept.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Walks the forms each page draws, as text extraction will: a form that draws itself (directly,
/// through others, or through the resources it inherits) and more than `MAX_FORM_DRAWS` draws are
/// refused. Run after `check_streams`, so every content decoded here is bounded.
pub fn check_forms(document: &Document) -> Result<(), Inflation> {
    for page_id in document.get_pages().into_values() {
        let Some(resources) = page_resources(document, page_id) else { continue };
        let content = document.get_page_content(page_id).unwrap_or_default();
        let mut draws = 0;
        walk(document, &content, resources, &mut Vec::new(), &mut draws)?;
    }
    Ok(())
}

fn walk<'a>(
    document: &'a Document,
    content: &[u8],
    resources: &'a Dictionary,
    drawing: &mut Vec<ObjectId>,
    draws: &mut u32,
) -> Result<(), Inflation> {
    for name in drawn_names(content) {
        let Some((id, form)) = xobject(document, resources, &name) else { continue };
        if form.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            continue;
        }
        if drawing.contains(&id) {
            return Err(Inflation::FormCycle);
        }
        *draws += 1;
        if *draws > MAX_FORM_DRAWS {
            return Err(Inflation::FormDraws);
        }
        let inner = form.dict.get(b"Resources").ok().and_then(|r| deref_dict(document, r)).unwrap_or(resources);
        let form_content = form.decompressed_content().unwrap_or_else(|_| form.content.clone());
        drawing.push(id);
        walk(document, &form_content, inner, drawing, draws)?;
        drawing.pop();
    }
    Ok(())
}

/// The names of the XObjects a content stream draws (`/Name Do`), in order.
fn drawn_names(content: &[u8]) -> Vec<Vec<u8>> {
    if !content.windows(2).any(|w| w == b"Do") {
        return Vec::new();
    }
    let Ok(decoded) = lopdf::content::Content::decode(content) else { return Vec::new() };
    decoded
        .operations
        .into_iter()
        .filter(|op| op.operator == "Do")
        .filter_map(|op| op.operands.first().and_then(|o| o.as_name().ok()).map(<[u8]>::to_vec))
        .collect()
}

fn xobject<'a>(document: &'a Document, resources: &'a Dictionary, name: &[u8]) -> Option<(ObjectId, &'a Stream)> {
    let xobjects = resources.get(b"XObject").ok().and_then(|x| deref_dict(document, x))?;
    let id = xobjects.get(name).ok()?.as_reference().ok()?;
    Some((id, document.get_object(id).ok()?.as_stream().ok()?))
}

fn deref_dict<'a>(document: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match object {
        Object::Reference(id) => document.get_dictionary(*id).ok(),
        Object::Dictionary(dict) => Some(dict),
        _ => None,
    }
}

/// The page's resources, inherited from the page tree when it has none of its own.
fn page_resources(document: &Document, page_id: ObjectId) -> Option<&Dictionary> {
    let mut seen = HashSet::new();
    let mut node = document.get_dictionary(page_id).ok()?;
    loop {
        if let Some(resources) = node.get(b"Resources").ok().and_then(|r| deref_dict(document, r)) {
            return Some(resources);
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        if !seen.insert(parent) {
            return None;
        }
        node = document.get_dictionary(parent).ok()?;
    }
}

/// The plain text of one page, written through pdf-extract's own layout and counted as it is
/// written: extraction stops at the page's budget or the document's remaining one.
pub fn page_text(document: &Document, page: u32, document_used: usize) -> Result<String, PageTextError> {
    let mut text = String::new();
    let budget = MAX_PAGE_TEXT.min(MAX_DOCUMENT_TEXT.saturating_sub(document_used));
    let mut output = CountedText { inner: pdf_extract::PlainTextOutput::new(&mut text), written: 0, budget };
    let outcome = pdf_extract::output_doc_page(document, &mut output, page);
    let over = output.written > budget;
    match outcome {
        _ if over && budget < MAX_PAGE_TEXT => Err(PageTextError::Inflation(Inflation::DocumentText)),
        _ if over => Err(PageTextError::Inflation(Inflation::PageText)),
        Ok(()) => Ok(text),
        Err(error) => Err(PageTextError::Unreadable(error.to_string())),
    }
}

/// Why a page's text could not be read.
#[derive(Debug)]
pub enum PageTextError {
    Inflation(Inflation),
    Unreadable(String),
}

/// pdf-extract's plain-text output with a count of what it writes (each character and the space
/// or line break that may precede it).
struct CountedText<'a> {
    inner: pdf_extract::PlainTextOutput<&'a mut String>,
    written: usize,
    budget: usize,
}

impl pdf_extract::OutputDev for CountedText<'_> {
    fn begin_page(
        &mut self,
        page: u32,
        media_box: &pdf_extract::MediaBox,
        art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.inner.begin_page(page, media_box, art_box)
    }

    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        self.inner.end_page()
    }

    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        self.written += char.len() + 2;
        if self.written > self.budget {
            return Err(pdf_extract::OutputError::FormatError(std::fmt::Error));
        }
        self.inner.output_character(trm, width, spacing, font_size, char)
    }

    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        self.inner.begin_word()
    }

    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        self.inner.end_word()
    }

    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        self.inner.end_line()
    }
}
