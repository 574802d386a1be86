//! The text of a dossier's file: a PDF (through the texts' own extraction and its limits), a
//! DOCX (its paragraphs), an XLSX (every cell of every sheet), or plain text. Archives are
//! measured before they are opened, so that a small file cannot unpack into a huge one.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};

use crate::error::{AppError, ErrorCode};
use crate::texts::extraction::{self, TextFormat};

/// The largest file a check reads.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most an archive (DOCX, XLSX) may unpack to.
const MAX_UNPACKED_BYTES: u64 = 100 * 1024 * 1024;

/// What a file is, by its first bytes and its name.
enum Kind {
    Pdf,
    Docx,
    Xlsx,
    Text,
}

/// The text of a file, to find the codes it cites.
pub fn text_of(bytes: &[u8], name: &str, max_pdf_pages: usize) -> Result<String, AppError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::PayloadTooLarge { limit: MAX_FILE_BYTES });
    }
    match kind_of(bytes, name)? {
        Kind::Pdf => {
            let extracted = extraction::extract(bytes, Some(TextFormat::Pdf), max_pdf_pages)?;
            Ok(extracted
                .sections
                .into_iter()
                .map(|s| format!("{}\n{}", s.heading, s.body))
                .collect::<Vec<_>>()
                .join("\n"))
        }
        Kind::Docx => docx_text(bytes),
        Kind::Xlsx => xlsx_text(bytes),
        Kind::Text => match std::str::from_utf8(bytes) {
            Ok(text) if !text.contains('\0') => Ok(text.to_string()),
            _ => Err(unreadable("the file is neither a PDF, a DOCX, an XLSX nor UTF-8 text")),
        },
    }
}

fn kind_of(bytes: &[u8], name: &str) -> Result<Kind, AppError> {
    if bytes.starts_with(b"%PDF-") {
        return Ok(Kind::Pdf);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(Kind::Text);
    }
    let names = measured_archive(bytes)?;
    if names.iter().any(|n| n == "word/document.xml") {
        Ok(Kind::Docx)
    } else if names.iter().any(|n| n == "xl/workbook.xml") {
        Ok(Kind::Xlsx)
    } else {
        let shown: String = name.chars().take(80).collect();
        Err(AppError::Unsupported { message: format!("`{shown}` is an archive but not a DOCX or XLSX file") })
    }
}

/// The names in a ZIP archive, once its unpacked size is known to be within bounds.
fn measured_archive(bytes: &[u8]) -> Result<Vec<String>, AppError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable("the archive cannot be read"))?;
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|_| unreadable("the archive cannot be read"))?;
        total = total.saturating_add(entry.size());
        names.push(entry.name().map(|name| name.to_string()).unwrap_or_default());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(AppError::unprocessable(
            ErrorCode::UnreadableFile,
            format!("the archive unpacks to more than {MAX_UNPACKED_BYTES} bytes"),
        ));
    }
    Ok(names)
}

/// The paragraphs of a DOCX: the text runs of `word/document.xml`, a line per paragraph.
fn docx_text(bytes: &[u8]) -> Result<String, AppError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable("the DOCX cannot be read"))?;
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .map_err(|_| unreadable("the DOCX has no document"))?
        .take(MAX_UNPACKED_BYTES)
        .read_to_string(&mut xml)
        .map_err(|_| unreadable("the DOCX document is not UTF-8 XML"))?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut text, mut in_run) = (String::new(), false);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(tag)) if tag.name().into_inner() == "w:t" => in_run = true,
            Ok(quick_xml::events::Event::End(tag)) => match tag.name().into_inner() {
                "w:t" => in_run = false,
                "w:p" => text.push('\n'),
                _ => {}
            },
            Ok(quick_xml::events::Event::Empty(tag)) if tag.name().into_inner() == "w:tab" => text.push(' '),
            Ok(quick_xml::events::Event::Text(run)) if in_run => text.push_str(&run.xml10_content()),
            // `&amp;`, `&#273;`: entity and character references inside a run.
            Ok(quick_xml::events::Event::GeneralRef(reference)) if in_run => {
                if let Ok(Some(c)) = reference.resolve_char_ref() {
                    text.push(c);
                } else if let Some(entity) = quick_xml::escape::resolve_predefined_entity(&reference.xml10_content()) {
                    text.push_str(entity);
                }
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(_) => return Err(unreadable("the DOCX document is not well-formed")),
        }
    }
    Ok(text)
}

/// Every cell of every sheet of an XLSX, a line per row, cells separated by ` | `.
fn xlsx_text(bytes: &[u8]) -> Result<String, AppError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable("the XLSX cannot be read"))?;
    let mut text = String::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(|_| unreadable("a sheet of the XLSX cannot be read"))?;
        for row in range.rows() {
            let cells: Vec<String> =
                row.iter().filter(|cell| !matches!(cell, Data::Empty)).map(|c| c.to_string()).collect();
            text.push_str(&cells.join(" | "));
            text.push('\n');
        }
    }
    Ok(text)
}

fn unreadable(message: &str) -> AppError {
    AppError::unprocessable(ErrorCode::UnreadableFile, message.to_string())
}
