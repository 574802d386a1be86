//! `GET /api/v1/schema/record.json`: the connection standard's record as a JSON Schema (draft
//! 2020-12), derived from the OpenAPI document's own schema of `PublicRecord` (OpenAPI 3.1 schemas
//! are JSON Schema), so that it never drifts from what the feed carries.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, get, web};
use serde_json::{Value, json};
use utoipa::OpenApi;

use super::openapi::ApiDoc;
use crate::services::feed::Feed;

const ROOT: &str = "PublicRecord";

/// The components' schemas, with `#/components/schemas/X` references made `#/$defs/X`.
static SCHEMAS: LazyLock<BTreeMap<String, Value>> = LazyLock::new(|| {
    let document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let schemas = document["components"]["schemas"].as_object().cloned().unwrap_or_default();
    schemas.into_iter().map(|(name, mut schema)| (name, rereference(&mut schema).clone())).collect()
});

fn rereference(value: &mut Value) -> &mut Value {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "$ref"
                    && let Some(target) = inner.as_str()
                {
                    *inner = Value::String(target.replace("#/components/schemas/", "#/$defs/"));
                } else {
                    rereference(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| {
            rereference(item);
        }),
        _ => {}
    }
    value
}

/// The names a schema refers to, directly or through others.
fn referenced(name: &str, found: &mut BTreeMap<String, Value>) {
    let Some(schema) = SCHEMAS.get(name) else { return };
    found.insert(name.to_string(), schema.clone());
    let text = schema.to_string();
    for part in text.split("\"#/$defs/").skip(1) {
        let target = part.split('"').next().unwrap_or_default();
        if !found.contains_key(target) {
            referenced(target, found);
        }
    }
}

/// The record's JSON Schema, with its `$id` under `origin`.
pub fn record_schema(origin: &str) -> Value {
    let mut defs = BTreeMap::new();
    referenced(ROOT, &mut defs);
    let mut root = defs.remove(ROOT).unwrap_or_else(|| json!({}));
    if let Value::Object(map) = &mut root {
        map.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
        map.insert("$id".into(), json!(format!("{origin}/api/v1/schema/record.json")));
        map.insert("title".into(), json!("The public record of a standard (chuẩn kết nối)"));
        map.insert("$defs".into(), serde_json::to_value(defs).unwrap_or_default());
    }
    root
}

/// The connection standard's record as a JSON Schema (draft 2020-12).
#[utoipa::path(tag = "connection", responses((status = 200, content_type = "application/schema+json")))]
#[get("/api/v1/schema/record.json")]
pub async fn record_json_schema(feed: web::Data<Feed>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/schema+json")
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(record_schema(feed.origin()).to_string())
}
