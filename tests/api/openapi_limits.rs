//! The OpenAPI document states the limits the service enforces (#12): every reference resolves,
//! the vocabularies are the enums the service reads, the lengths and ranges are its constants,
//! and a value at each documented edge is accepted while one past it is refused.

use serde_json::Value;

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestApp, encode, spawn_app};
use crate::texts::admin;
use tieuchuan::domain::{AccessLevel, AccountStatus, Kind, Role, Status};
use tieuchuan::routes::params::{MAX_PAGE, MAX_PER_PAGE};
use tieuchuan::search::suggest::MAX_SUGGESTIONS;
use tieuchuan::search::understanding::MAX_QUERY_CHARS;

fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target.clone());
            }
            map.values().for_each(|v| references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

fn parameter<'a>(document: &'a Value, path: &str, name: &str) -> &'a Value {
    let parameters = document["paths"][path]["get"]["parameters"].as_array().expect("parameters");
    let found = parameters.iter().find(|p| p["name"] == name);
    &found.unwrap_or_else(|| panic!("{path} has no parameter {name}"))["schema"]
}

fn enum_of<'a>(document: &'a Value, schema: &'a Value) -> Vec<String> {
    let named = schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/"));
    let schema = named.map_or(schema, |name| &document["components"]["schemas"][name]);
    schema["enum"].as_array().expect("an enum").iter().map(|v| v.as_str().expect("text").to_string()).collect()
}

fn spellings<T: std::fmt::Display>(all: &[T]) -> Vec<String> {
    all.iter().map(ToString::to_string).collect()
}

#[tokio::test]
async fn the_openapi_document_states_the_limits_the_service_enforces() {
    let app = spawn_app().await;
    let (status, document) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let mut targets = Vec::new();
    references(&document, &mut targets);
    for target in &targets {
        let name = target.strip_prefix("#/components/schemas/").expect("a schema reference");
        assert!(document["components"]["schemas"][name].is_object(), "{target} does not resolve");
    }

    let search = "/api/v1/search";
    assert_eq!(parameter(&document, search, "q")["maxLength"], MAX_QUERY_CHARS);
    assert_eq!(parameter(&document, "/api/v1/suggest", "q")["maxLength"], MAX_QUERY_CHARS);
    assert_eq!(parameter(&document, "/api/v1/suggest", "limit")["maximum"], MAX_SUGGESTIONS);
    assert_eq!(parameter(&document, search, "page")["maximum"], MAX_PAGE);
    assert_eq!(parameter(&document, search, "per_page")["maximum"], MAX_PER_PAGE);
    assert_eq!(parameter(&document, search, "per_page")["minimum"], 1);
    assert_eq!(enum_of(&document, parameter(&document, search, "kind")), spellings(Kind::ALL));
    assert_eq!(enum_of(&document, parameter(&document, search, "status")), spellings(Status::ALL));
    assert_eq!(enum_of(&document, parameter(&document, "/api/v1/users", "role")), spellings(Role::ALL));
    assert_eq!(enum_of(&document, parameter(&document, "/api/v1/users", "status")), spellings(AccountStatus::ALL));
    let report = "/api/v1/reports/usage";
    assert_eq!(
        enum_of(&document, parameter(&document, report, "group_by")),
        ["province", "unit", "standard", "user", "day"]
    );
    assert_eq!(enum_of(&document, parameter(&document, report, "format")), ["json", "csv"]);
    assert_eq!(parameter(&document, report, "from")["format"], "date");
    let answer = &document["paths"][report]["get"]["responses"]["200"]["content"];
    assert!(answer["text/csv"].is_object() && answer["application/json"].is_object(), "{answer}");

    let upload = &document["paths"]["/api/v1/standards/{reference}/documents"]["post"]["requestBody"]["content"];
    let form = &document["components"]["schemas"]["TextUpload"];
    assert!(upload["multipart/form-data"].is_object(), "{upload}");
    assert_eq!(form["properties"]["file"]["format"], "binary", "{form}");
    assert!(form["properties"]["csrf"].is_null(), "the pages' token is not part of the API: {form}");
    let level = &form["properties"]["access_level"]["oneOf"][0];
    assert_eq!(enum_of(&document, level), spellings(AccessLevel::ALL));
    let imports = &document["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"];
    assert!(imports["text/csv"].is_object() && imports["application/x-ndjson"].is_object(), "{imports}");
    let registration = &document["components"]["schemas"]["RegistrationBody"]["properties"];
    assert_eq!(registration["password"]["minLength"], tieuchuan::auth::password::MIN_PASSWORD_CHARS);
    assert_eq!(registration["password"]["maxLength"], tieuchuan::auth::password::MAX_PASSWORD_CHARS);
    assert_eq!(enum_of(&document, &registration["role"]), spellings(Role::ALL));
}

async fn status_of(app: &TestApp, path: &str, token: Option<&str>) -> u16 {
    app.call("GET", path, token, None).await.0
}

#[tokio::test]
async fn a_value_at_each_documented_edge_is_accepted_and_one_past_it_refused() {
    let app = spawn_app().await;
    let longest = encode(&"bê".repeat(MAX_QUERY_CHARS / 2));
    let too_long = encode(&"bê".repeat(MAX_QUERY_CHARS / 2 + 1));
    for (path, expected) in [
        (format!("/api/v1/search?q={longest}"), 200),
        (format!("/api/v1/search?q={too_long}"), 400),
        (format!("/api/v1/suggest?q={too_long}"), 400),
        (format!("/api/v1/search?page={MAX_PAGE}&per_page={MAX_PER_PAGE}"), 200),
        (format!("/api/v1/search?page={}", MAX_PAGE + 1), 400),
        ("/api/v1/search?per_page=0".into(), 400),
        ("/api/v1/search?year_from=1900&year_to=2100".into(), 200),
        ("/api/v1/search?year_to=2101".into(), 400),
        (format!("/api/v1/suggest?q=qcvn&limit={MAX_SUGGESTIONS}"), 200),
        (format!("/api/v1/suggest?q=qcvn&limit={}", MAX_SUGGESTIONS + 1), 400),
        ("/api/v1/search?field=Fire%20Safety".into(), 400),
    ] {
        assert_eq!(status_of(&app, &path, None).await, expected, "{path}");
    }
    for kind in Kind::ALL {
        assert_eq!(status_of(&app, &format!("/api/v1/search?kind={}", encode(kind.as_str())), None).await, 200);
    }
    for status in Status::ALL {
        assert_eq!(status_of(&app, &format!("/api/v1/standards?status={status}"), None).await, 200);
    }

    let admin = admin(&app);
    for role in Role::ALL {
        assert_eq!(status_of(&app, &format!("/api/v1/users?role={role}"), Some(&admin)).await, 200, "{role}");
    }
    for status in AccountStatus::ALL {
        assert_eq!(status_of(&app, &format!("/api/v1/users?status={status}"), Some(&admin)).await, 200, "{status}");
    }
    assert_eq!(status_of(&app, "/api/v1/users?province=H%C3%A0%20N%E1%BB%99i", Some(&admin)).await, 400);
    for grouping in ["province", "unit", "standard", "user", "day"] {
        let path = format!("/api/v1/reports/usage?group_by={grouping}&from=2026-01-01&to=2026-01-31");
        assert_eq!(status_of(&app, &path, Some(&admin)).await, 200, "{grouping}");
    }
    let official = token_for(account("limits.official").insert(&app));
    let (status, csv) = app.call("GET", "/api/v1/reports/usage?format=csv", Some(&official), None).await;
    assert_eq!(status, 200);
    assert!(csv.as_str().is_some_and(|text| text.starts_with("key,label,views,downloads,total")), "{csv}");
    assert_eq!(status_of(&app, "/api/v1/reports/usage?format=xml", Some(&admin)).await, 400);
    assert_eq!(status_of(&app, "/api/v1/reports/usage?province=../etc", Some(&admin)).await, 400);
}
