//! A record in each metadata format: unqualified Dublin Core (`oai_dc`), which every harvester
//! reads, and the native record (`tieuchuan`), every field of the connection standard's record
//! in the namespace of `NATIVE_NAMESPACE`, whose schema is served at `/oai/tieuchuan.xsd`.

use std::io;

use quick_xml::Writer;
use quick_xml::events::BytesText;

use super::MetadataFormat;
use crate::feed::record::PublicRecord;
use crate::xml_text::{clean, text as element};

/// The native record's namespace.
pub const NATIVE_NAMESPACE: &str = "https://tieuchuan.gov.vn/ns/record/1";
/// The native record's schema, as served.
pub const NATIVE_SCHEMA: &str = include_str!("tieuchuan.xsd");
const DC_NAMESPACE: &str = "http://purl.org/dc/elements/1.1/";
const OAI_DC_NAMESPACE: &str = "http://www.openarchives.org/OAI/2.0/oai_dc/";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The namespace and schema address of a format (the schema of the native one is at `base_url`).
pub fn namespace_and_schema(format: MetadataFormat, base_url: &str) -> (&'static str, String) {
    match format {
        MetadataFormat::OaiDc => (OAI_DC_NAMESPACE, "http://www.openarchives.org/OAI/2.0/oai_dc.xsd".into()),
        MetadataFormat::Native => (NATIVE_NAMESPACE, format!("{base_url}/tieuchuan.xsd")),
    }
}

/// Writes the record in `format`; `origin` is where its page is.
pub fn write(
    w: &mut Writer<Vec<u8>>,
    record: &PublicRecord,
    format: MetadataFormat,
    origin: &str,
    base_url: &str,
) -> io::Result<()> {
    let (namespace, schema) = namespace_and_schema(format, base_url);
    match format {
        MetadataFormat::OaiDc => w
            .create_element("oai_dc:dc")
            .with_attribute(("xmlns:oai_dc", namespace))
            .with_attribute(("xmlns:dc", DC_NAMESPACE))
            .with_attribute(("xmlns:xsi", XSI))
            .with_attribute(("xsi:schemaLocation", format!("{namespace} {schema}").as_str()))
            .write_inner_content(|w| dublin_core(w, record, origin))
            .map(|_| ()),
        MetadataFormat::Native => w
            .create_element("record")
            .with_attribute(("xmlns", namespace))
            .with_attribute(("xmlns:xsi", XSI))
            .with_attribute(("xsi:schemaLocation", format!("{namespace} {schema}").as_str()))
            .write_inner_content(|w| native(w, record))
            .map(|_| ()),
    }
}

fn with_language(w: &mut Writer<Vec<u8>>, name: &str, language: &str, value: &str) -> io::Result<()> {
    (w.create_element(name).with_attribute(("xml:lang", language)))
        .write_text_content(BytesText::new(&clean(value)))
        .map(|_| ())
}

fn optional(w: &mut Writer<Vec<u8>>, name: &str, value: Option<&str>) -> io::Result<()> {
    value.map_or(Ok(()), |value| element(w, name, value))
}

fn dublin_core(w: &mut Writer<Vec<u8>>, r: &PublicRecord, origin: &str) -> io::Result<()> {
    with_language(w, "dc:title", "vi", &r.title_vi)?;
    if let Some(title) = &r.title_en {
        with_language(w, "dc:title", "en", title)?;
    }
    optional(w, "dc:creator", r.issuer.as_deref())?;
    optional(w, "dc:subject", r.field.as_deref())?;
    for class in &r.ics {
        element(w, "dc:subject", &format!("ICS {class}"))?;
    }
    if let Some(scope) = &r.scope_vi {
        with_language(w, "dc:description", "vi", scope)?;
    }
    let date = r.issued_date.map(|d| d.to_string()).or_else(|| r.year.map(|y| y.to_string()));
    optional(w, "dc:date", date.as_deref())?;
    element(w, "dc:type", "Text")?;
    element(w, "dc:type", r.kind.name_vi())?;
    element(w, "dc:identifier", &r.code)?;
    element(w, "dc:identifier", &format!("{origin}/tieu-chuan/{}", r.slug))?;
    element(w, "dc:language", "vi")?;
    // A reference both declared and read from a text is one relation here.
    let relations: std::collections::BTreeSet<String> =
        r.relations.iter().map(|relation| format!("{}: {}", relation.kind.as_str(), relation.code)).collect();
    for relation in &relations {
        element(w, "dc:relation", relation)?;
    }
    optional(w, "dc:source", r.international_equivalent.as_deref())?;
    element(w, "dc:rights", &format!("texts: {}", r.access_level.as_str()))
}

fn native(w: &mut Writer<Vec<u8>>, r: &PublicRecord) -> io::Result<()> {
    element(w, "code", &r.code)?;
    element(w, "slug", &r.slug)?;
    element(w, "kind", r.kind.as_str())?;
    element(w, "number", &r.number)?;
    optional(w, "year", r.year.map(|y| y.to_string()).as_deref())?;
    optional(w, "adopted_prefix", r.adopted_prefix.as_deref())?;
    optional(w, "issuer", r.issuer.as_deref())?;
    optional(w, "issuer_code", r.issuer_code.as_deref())?;
    element(w, "title_vi", &r.title_vi)?;
    optional(w, "title_en", r.title_en.as_deref())?;
    optional(w, "scope_vi", r.scope_vi.as_deref())?;
    optional(w, "field", r.field.as_deref())?;
    for class in &r.ics {
        element(w, "ics", class)?;
    }
    optional(w, "technical_committee", r.technical_committee.as_deref())?;
    element(w, "status", r.status.as_str())?;
    optional(w, "status_note", r.status_note.as_deref())?;
    optional(w, "legal_instrument", r.legal_instrument.as_deref())?;
    for (name, date) in [("issued_date", r.issued_date), ("effective_date", r.effective_date), ("end_date", r.end_date)]
    {
        optional(w, name, date.map(|d| d.to_string()).as_deref())?;
    }
    optional(w, "international_equivalent", r.international_equivalent.as_deref())?;
    optional(w, "equivalence", r.equivalence.map(|e| e.as_str()))?;
    element(w, "access_level", r.access_level.as_str())?;
    optional(w, "note", r.note.as_deref())?;
    optional(w, "source", r.source.as_deref())?;
    optional(w, "confidence", r.confidence.map(|c| c.as_str()))?;
    for relation in &r.relations {
        let mut start = (w.create_element("relation"))
            .with_attribute(("kind", relation.kind.as_str()))
            .with_attribute(("code", clean(&relation.code).as_ref()));
        if let Some(origin) = relation.origin {
            start = start.with_attribute(("origin", origin.as_str()));
        }
        let section = relation.section.as_deref().map(clean);
        if let Some(section) = &section {
            start = start.with_attribute(("section", section.as_ref()));
        }
        start.write_empty()?;
    }
    for text in &r.texts {
        let (id, size) = (text.id.to_string(), text.size_bytes.to_string());
        let mut start = (w.create_element("text"))
            .with_attribute(("id", id.as_str()))
            .with_attribute(("format", text.format.as_str()))
            .with_attribute(("access_level", text.access_level.as_str()))
            .with_attribute(("size_bytes", size.as_str()));
        if let Some(sha256) = &text.sha256 {
            start = start.with_attribute(("sha256", sha256.as_str()));
        }
        start.write_empty()?;
    }
    element(w, "version", &r.version.to_string())?;
    element(w, "updated_at", &r.updated_at)
}
