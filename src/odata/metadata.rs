//! The service document and `$metadata` (CSDL XML, OData v4 Part 3) of the one entity set.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, Event};
use serde_json::{Value, json};

use super::PROPERTIES;

/// The schema's namespace.
pub const NAMESPACE: &str = "TieuChuan";

/// The service document at `{base}/`.
pub fn service_document(base: &str) -> Value {
    json!({
        "@odata.context": format!("{base}/$metadata"),
        "value": [{"name": "Standards", "kind": "EntitySet", "url": "Standards"}],
    })
}

/// `$metadata`.
pub fn document() -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    (w.create_element("edmx:Edmx"))
        .with_attribute(("xmlns:edmx", "http://docs.oasis-open.org/odata/ns/edmx"))
        .with_attribute(("Version", "4.0"))
        .write_inner_content(|w| {
            w.create_element("edmx:DataServices").write_inner_content(|w| {
                (w.create_element("Schema"))
                    .with_attribute(("xmlns", "http://docs.oasis-open.org/odata/ns/edm"))
                    .with_attribute(("Namespace", NAMESPACE))
                    .write_inner_content(|w| {
                        w.create_element("EntityType").with_attribute(("Name", "Standard")).write_inner_content(
                            |w| {
                                w.create_element("Key").write_inner_content(|w| {
                                    w.create_element("PropertyRef").with_attribute(("Name", "slug")).write_empty()?;
                                    Ok(())
                                })?;
                                for property in &PROPERTIES {
                                    (w.create_element("Property"))
                                        .with_attribute(("Name", property.name))
                                        .with_attribute(("Type", property.edm.name()))
                                        .with_attribute(("Nullable", if property.nullable { "true" } else { "false" }))
                                        .write_empty()?;
                                }
                                Ok(())
                            },
                        )?;
                        w.create_element("EntityContainer").with_attribute(("Name", "Catalogue")).write_inner_content(
                            |w| {
                                (w.create_element("EntitySet"))
                                    .with_attribute(("Name", "Standards"))
                                    .with_attribute(("EntityType", format!("{NAMESPACE}.Standard").as_str()))
                                    .write_empty()?;
                                Ok(())
                            },
                        )?;
                        Ok(())
                    })?;
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(w.into_inner())
}
