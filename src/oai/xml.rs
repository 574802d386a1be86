//! Writing OAI-PMH answers: the `OAI-PMH` envelope with `responseDate` and `request` (whose
//! attributes echo the arguments, except after `badVerb` or `badArgument`, §3.6), then the verb's
//! element or the errors.

use std::io;

use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::metadata::{self, namespace_and_schema};
use super::{Answer, Continuation, Identity, Item, MetadataFormat, OAI_NAMESPACE, OaiErrorCode};
use crate::xml_text::{clean, text};

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const OAI_SCHEMA: &str = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd";

/// What every answer needs besides its content.
pub struct Context<'a> {
    /// The repository's base URL (`{origin}/oai`).
    pub base_url: &'a str,
    /// Where the pages are, for the records' own addresses.
    pub origin: &'a str,
    /// The `repositoryIdentifier` of the `oai:` identifiers.
    pub repository_identifier: &'a str,
    pub arguments: &'a [(String, String)],
}

/// The answer as an XML document.
pub fn render(answer: &Answer, context: &Context<'_>) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let schema_location = format!("{OAI_NAMESPACE} {OAI_SCHEMA}");
    (w.create_element("OAI-PMH"))
        .with_attribute(("xmlns", OAI_NAMESPACE))
        .with_attribute(("xmlns:xsi", XSI))
        .with_attribute(("xsi:schemaLocation", schema_location.as_str()))
        .write_inner_content(|w| {
            let now = timestamp(Utc::now());
            w.create_element("responseDate").write_text_content(BytesText::new(&now))?;
            request_element(w, answer, context)?;
            body(w, answer, context)
        })?;
    Ok(w.into_inner())
}

fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn request_element(w: &mut Writer<Vec<u8>>, answer: &Answer, context: &Context<'_>) -> io::Result<()> {
    let echo = !matches!(answer, Answer::Errors(errors)
        if errors.iter().any(|e| matches!(e.code, OaiErrorCode::BadVerb | OaiErrorCode::BadArgument)));
    let mut element = w.create_element("request");
    if echo {
        for (key, value) in context.arguments {
            element = element.with_attribute((key.as_str(), clean(value).as_ref()));
        }
    }
    element.write_text_content(BytesText::new(context.base_url)).map(|_| ())
}

fn body(w: &mut Writer<Vec<u8>>, answer: &Answer, context: &Context<'_>) -> io::Result<()> {
    match answer {
        Answer::Errors(errors) => {
            for error in errors {
                (w.create_element("error").with_attribute(("code", error.code.as_str())))
                    .write_text_content(BytesText::new(&clean(&error.message)))?;
            }
            Ok(())
        }
        Answer::Identify(identity) => {
            w.create_element("Identify").write_inner_content(|w| identify(w, identity)).map(|_| ())
        }
        Answer::MetadataFormats(formats) => (w.create_element("ListMetadataFormats"))
            .write_inner_content(|w| {
                for format in formats {
                    let (namespace, schema) = namespace_and_schema(*format, context.base_url);
                    w.create_element("metadataFormat").write_inner_content(|w| {
                        text(w, "metadataPrefix", format.prefix())?;
                        text(w, "schema", &schema)?;
                        text(w, "metadataNamespace", namespace)
                    })?;
                }
                Ok(())
            })
            .map(|_| ()),
        Answer::Sets(sets) => (w.create_element("ListSets"))
            .write_inner_content(|w| {
                for set in sets {
                    w.create_element("set").write_inner_content(|w| {
                        text(w, "setSpec", &set.spec)?;
                        text(w, "setName", &set.name)
                    })?;
                }
                Ok(())
            })
            .map(|_| ()),
        Answer::Record(item, format) => {
            (w.create_element("GetRecord")).write_inner_content(|w| record(w, item, *format, context)).map(|_| ())
        }
        Answer::List { items, format, headers_only, continuation, resumed } => {
            let name = if *headers_only { "ListIdentifiers" } else { "ListRecords" };
            (w.create_element(name))
                .write_inner_content(|w| {
                    for item in items {
                        if *headers_only { header(w, item, context) } else { record(w, item, *format, context) }?;
                    }
                    resumption(w, continuation.as_ref(), *resumed)
                })
                .map(|_| ())
        }
    }
}

fn identify(w: &mut Writer<Vec<u8>>, identity: &Identity) -> io::Result<()> {
    text(w, "repositoryName", &identity.name)?;
    text(w, "baseURL", &identity.base_url)?;
    text(w, "protocolVersion", "2.0")?;
    text(w, "adminEmail", &identity.admin_email)?;
    text(w, "earliestDatestamp", &timestamp(identity.earliest_datestamp))?;
    text(w, "deletedRecord", "persistent")?;
    text(w, "granularity", "YYYY-MM-DDThh:mm:ssZ")?;
    text(w, "compression", "gzip")?;
    w.create_element("description").write_inner_content(|w| {
        let namespace = "http://www.openarchives.org/OAI/2.0/oai-identifier";
        (w.create_element("oai-identifier"))
            .with_attribute(("xmlns", namespace))
            .with_attribute(("xmlns:xsi", XSI))
            .with_attribute(("xsi:schemaLocation", format!("{namespace} {namespace}.xsd").as_str()))
            .write_inner_content(|w| {
                text(w, "scheme", "oai")?;
                text(w, "repositoryIdentifier", &identity.repository_identifier)?;
                text(w, "delimiter", ":")?;
                text(w, "sampleIdentifier", &format!("oai:{}:qcvn-06-2022-bxd", identity.repository_identifier))
            })?;
        Ok(())
    })?;
    Ok(())
}

/// The `oai:` identifier of an item.
pub fn identifier(repository_identifier: &str, slug: &str) -> String {
    format!("oai:{repository_identifier}:{slug}")
}

fn header(w: &mut Writer<Vec<u8>>, item: &Item, context: &Context<'_>) -> io::Result<()> {
    let mut element = w.create_element("header");
    if item.record.is_none() {
        element = element.with_attribute(("status", "deleted"));
    }
    element.write_inner_content(|w| {
        text(w, "identifier", &identifier(context.repository_identifier, &item.slug))?;
        text(w, "datestamp", &timestamp(item.datestamp))?;
        for set in &item.sets {
            text(w, "setSpec", set)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn record(w: &mut Writer<Vec<u8>>, item: &Item, format: MetadataFormat, context: &Context<'_>) -> io::Result<()> {
    w.create_element("record").write_inner_content(|w| {
        header(w, item, context)?;
        if let Some(record) = &item.record {
            (w.create_element("metadata"))
                .write_inner_content(|w| metadata::write(w, record, format, context.origin, context.base_url))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// The token element: the next token with the list's size and cursor, or on the last page of a
/// resumed list an empty token (§3.5).
fn resumption(w: &mut Writer<Vec<u8>>, continuation: Option<&Continuation>, resumed: bool) -> io::Result<()> {
    match continuation {
        Some(next) => {
            let (size, cursor) = (next.complete_list_size.to_string(), next.cursor.to_string());
            (w.create_element("resumptionToken"))
                .with_attribute(("completeListSize", size.as_str()))
                .with_attribute(("cursor", cursor.as_str()))
                .write_text_content(BytesText::new(&next.token))?;
        }
        None if resumed => {
            w.create_element("resumptionToken").write_empty()?;
        }
        None => {}
    }
    Ok(())
}
