//! The HTTP contract, exact (#12, found by an API fuzzer): instants with their offset, 405 with
//! `Allow` from the route table, JSON objects only, bodies that are sent must be right, imports
//! larger than the API's body limit, files that are not catalogues, and codes typed in fullwidth
//! or behind invisible characters; request heads over the limits.

use serde_json::{Value, json};

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestApp, encode, spawn_app};
use crate::texts::admin;

async fn send(app: &TestApp, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, Value, String) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request =
        app.client.request(method, format!("{}{path}", app.address)).header("content-type", "application/json");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.body(body.to_string()).send().await.expect("request");
    let status = response.status().as_u16();
    let allow = response.headers().get("allow").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (status, response.json().await.unwrap_or(Value::Null), allow)
}

#[tokio::test]
async fn instants_go_out_with_their_offset_and_come_in_with_one() {
    let app = spawn_app().await;
    let admin = admin(&app);
    let pending = account("offset.pending").status("pending").insert(&app);
    let (status, me) = app.call("GET", "/api/v1/me", Some(&admin), None).await;
    assert_eq!(status, 200);
    let created = me["created_at"].as_str().expect("created_at");
    assert!(chrono::DateTime::parse_from_rfc3339(created).is_ok(), "RFC 3339 with an offset: {created}");
    let approve = format!("/api/v1/users/{pending}/approve");
    let (status, body, _) =
        send(&app, "POST", &approve, Some(&admin), r#"{"expires_at": "2026-12-01T18:22:09.708911056"}"#).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_parameter")), "no offset: {body}");
    let (status, body, _) = send(&app, "POST", &approve, Some(&admin), r#"{"expires_at": 5"#).await;
    assert_eq!(status, 400, "a malformed body is not the default expiry: {body}");
    let next_year = (chrono::Utc::now() + chrono::Duration::days(200)).format("%Y-%m-%dT10:00:00+07:00").to_string();
    let (status, body, _) =
        send(&app, "POST", &approve, Some(&admin), &json!({"expires_at": next_year}).to_string()).await;
    assert_eq!(status, 200, "{body}");
    let expires = body["expires_at"].as_str().expect("expires_at");
    assert!(expires.ends_with("03:00:00Z"), "10:00 in Hà Nội is 03:00 UTC: {expires}");
    let day = (chrono::Utc::now() + chrono::Duration::days(100)).format("%Y-%m-%d").to_string();
    let renew = format!("/api/v1/users/{pending}/renew");
    let (status, body, _) = send(&app, "POST", &renew, Some(&admin), &json!({"expires_at": day}).to_string()).await;
    assert_eq!(status, 200, "a plain date is the end of that day in Vietnam: {body}");
    assert!(body["expires_at"].as_str().is_some_and(|at| at.ends_with("16:59:59Z")), "{body}");
}

#[tokio::test]
async fn wrong_methods_are_405_with_allow_and_unknown_paths_404() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        ("POST", "/api/v1/search", "GET"),
        ("DELETE", "/api/v1/suggest", "GET"),
        ("GET", "/api/v1/imports", "POST"),
        ("DELETE", "/api/v1/users", "GET, POST"),
        ("GET", "/api/v1/users/3/approve", "POST"),
        ("PUT", "/api/v1/standards/qcvn-06-2022-bxd", "DELETE, GET"),
    ] {
        let (status, body, allowed) = send(&app, method, path, None, "{}").await;
        assert_eq!((status, allowed.as_str()), (405, allow), "{method} {path}: {body}");
        assert_eq!(body["error"]["code"], "method_not_allowed");
    }
    for path in ["/api/v1/users/3/unknown", "/api/v1/me/elsewhere", "/api/v1/nothing"] {
        let (status, body, _) = send(&app, "GET", path, None, "").await;
        assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{path}");
    }
}

#[tokio::test]
async fn bodies_are_json_objects() {
    let app = spawn_app().await;
    account("array.user").insert(&app);
    let (status, body, _) =
        send(&app, "POST", "/api/v1/auth/login", None, r#"["array.user", "mật khẩu thử nghiệm 2026"]"#).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_parameter")), "{body}");
    let (status, _, _) = send(&app, "POST", "/api/v1/auth/refresh", None, "null").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn imports_have_their_own_limit_and_refuse_what_is_not_a_catalogue() {
    let app = spawn_app().await;
    let token = admin(&app);
    let line = |n: usize| {
        json!({"code": format!("TCVN {}:2020", 20000 + n), "title_vi": format!("Tiêu chuẩn thử {n} {}", "về bê tông ".repeat(30))})
            .to_string()
    };
    let file: String = (0..3_000).map(|n| line(n) + "\n").collect();
    assert!(file.len() > 1024 * 1024, "larger than the API's body limit");
    let response = app
        .client
        .post(format!("{}/api/v1/imports?dry_run=true", app.address))
        .bearer_auth(&token)
        .header("content-type", "application/x-ndjson")
        .body(file)
        .send()
        .await
        .expect("import");
    let status = response.status().as_u16();
    let report: Value = response.json().await.expect("report");
    assert_eq!((status, report["created"].as_u64()), (200, Some(3_000)), "{}", report["invalid"]);
    for (content_type, file) in
        [("text/csv", "foo,bar\n"), ("text/csv", "foo,bar\n1,2\n"), ("application/x-ndjson", "\n\n")]
    {
        let response = app
            .client
            .post(format!("{}/api/v1/imports", app.address))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(file)
            .send()
            .await
            .expect("import");
        assert_eq!(response.status().as_u16(), 400, "{file:?} is not a catalogue");
    }
}

#[tokio::test]
async fn codes_typed_in_fullwidth_or_behind_invisible_characters_are_found() {
    let app = spawn_app().await;
    let reader = token_for(account("fullwidth.reader").insert(&app));
    for typed in ["ＱＣＶＮ ０６：２０２２／ＢＸＤ", "\u{202E}QCVN 06:2022/BXD", "QCVN\u{200B} 06:2022/BXD\u{FEFF}"]
    {
        let (status, body) = app.call("GET", &format!("/api/v1/search?q={}", encode(typed)), Some(&reader), None).await;
        assert_eq!(status, 200, "{typed:?}: {body}");
        assert_eq!(body["hits"][0]["code"], "QCVN 06:2022/BXD", "{typed:?}: {body}");
    }
}

#[tokio::test]
async fn every_error_code_is_listed_in_the_openapi_document_and_the_readme() {
    let app = spawn_app().await;
    let (status, document) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let listed = &document["components"]["schemas"]["ErrorCode"];
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    for code in tieuchuan::error::ErrorCode::ALL {
        let text = code.as_str();
        assert!(
            listed.to_string().contains(&format!("\"{text}\"")),
            "{text} is not in the OpenAPI ErrorCode: {listed}"
        );
        assert!(readme.contains(&format!("`{text}`")), "{text} is not in the README");
    }
}

#[tokio::test]
async fn answers_no_handler_wrote_are_in_the_envelope_too() {
    let app = spawn_app().await;
    let token = admin(&app);
    let response = app
        .client
        .post(format!("{}/api/v1/standards/tcvn-5574-2018/documents", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .expect("an upload without a Content-Type");
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"].to_str().unwrap_or_default().to_string();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert!((400..500).contains(&status), "{status}");
    assert!(content_type.starts_with("application/json"), "{content_type}");
    assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{body}");
}

#[tokio::test]
async fn a_form_field_without_a_name_is_refused() {
    let app = spawn_app().await;
    let token = admin(&app);
    let boundary = "emptyname";
    let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n{{}}\r\n--{boundary}--\r\n");
    let response = app
        .client
        .post(format!("{}/api/v1/standards/tcvn-5574-2018/documents", app.address))
        .bearer_auth(&token)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .timeout(std::time::Duration::from_secs(20))
        .send()
        .await
        .expect("the form is answered");
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.expect("the envelope");
    assert_eq!(body["error"]["code"], "invalid_parameter", "{body}");
}

#[tokio::test]
async fn the_search_page_checks_its_query_as_the_api_does() {
    let app = spawn_app().await;
    let long = format!("q={}", encode(&"bê tông ".repeat(200)));
    for (api_query, page_query) in
        [("kind=Luật", "kind=Luật"), ("year_from=19", "year=19"), ("page=0", "page=0"), (long.as_str(), long.as_str())]
    {
        let api = app.client.get(format!("{}/api/v1/search?{api_query}", app.address)).send().await.expect("api");
        let page = app.client.get(format!("{}/?{page_query}", app.address)).send().await.expect("page");
        assert_eq!(api.status().as_u16(), 400, "the API refuses {api_query:.40}");
        assert_eq!(page.status().as_u16(), 400, "the page refuses {page_query:.40} the same way");
    }
    let page =
        app.client.get(format!("{}/?q={}&kind=QCVN", app.address, encode("an toàn cháy"))).send().await.expect("page");
    assert_eq!(page.status().as_u16(), 200);
}

#[tokio::test]
async fn a_head_over_the_limits_is_answered_in_the_envelope() {
    use tieuchuan::request_head::{MAX_HEADER_BYTES, MAX_URI_BYTES};
    let app = spawn_app().await;
    let long_address = format!("{}/api/v1/search?q={}", app.address, "a".repeat(MAX_URI_BYTES));
    let big_header = "b".repeat(MAX_HEADER_BYTES + 1);
    for (request, status, code) in [
        (app.client.get(&long_address), 414, "uri_too_long"),
        (app.client.get(format!("{}/", app.address)).query(&[("q", "a".repeat(MAX_URI_BYTES))]), 414, "uri_too_long"),
        (app.client.get(format!("{}/healthz", app.address)).header("x-padding", &big_header), 431, "headers_too_large"),
    ] {
        let response = request.send().await.expect("answered");
        assert_eq!(response.status().as_u16(), status);
        assert!(response.headers().contains_key("x-content-type-options"), "the security headers are set");
        let body: Value = response.json().await.expect("the envelope");
        assert_eq!(body["error"]["code"], code, "{body}");
    }
    let within = format!("{}/api/v1/search?q={}", app.address, encode(&"ê".repeat(500)));
    assert_eq!(app.client.get(&within).send().await.expect("answered").status().as_u16(), 200);
    // Past actix-http's own limits the parser answers before the service: a bare 400 or 431.
    let beyond = format!("{}/api/v1/search?q={}", app.address, "a".repeat(70 * 1024));
    let status = app.client.get(&beyond).send().await.map(|r| r.status().as_u16());
    assert!(matches!(status, Ok(400 | 414 | 431) | Err(_)), "{status:?}");
    assert_eq!(app.client.get(format!("{}/healthz", app.address)).send().await.expect("up").status().as_u16(), 200);
}
