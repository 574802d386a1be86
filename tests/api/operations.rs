//! Health, readiness, metrics, the OpenAPI document, compression and CORS.

use crate::helpers::{TestDatabase, spawn_app, spawn_app_on};

#[tokio::test]
async fn health_and_readiness_report_the_catalogue() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(
        (status, body["status"].as_str(), body["standards"].as_i64()),
        (200, Some("ready"), Some(crate::helpers::seed_records() as i64))
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_show_pool_and_catalogue_gauges() {
    let app = spawn_app().await;
    app.get_standard("QCVN 06:2022/BXD").await;
    app.get_standard("TCVN 5574:2099").await;
    let text =
        app.client.get(format!("{}/metrics", app.address)).send().await.expect("metrics").text().await.expect("text");
    assert!(
        text.contains(
            r#"tieuchuan_http_requests_total{method="GET",route="/api/v1/standards/{reference:.*}",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"route="/api/v1/standards/{reference:.*}",status="404"} 1"#), "{text}");
    assert!(text.contains("tieuchuan_http_request_duration_seconds_bucket"));
    assert!(text.contains(&format!("tieuchuan_catalogue_standards {}", crate::helpers::seed_records())));
    let seq = tieuchuan::db::change_log::latest_seq(&mut app.db.connect()).expect("seq");
    assert!(text.contains(&format!("tieuchuan_change_log_sequence {seq}")), "{text}");
    assert!(text.contains("tieuchuan_db_pool_connections"));
}

#[tokio::test]
async fn the_openapi_document_and_swagger_ui_are_served_without_internet() {
    let app = spawn_app().await;
    let (status, spec) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let paths = spec["paths"].as_object().expect("paths");
    assert!(
        paths.contains_key("/api/v1/standards") && paths.contains_key("/api/v1/standards/{reference}"),
        "{paths:?}"
    );
    let ui = app.client.get(format!("{}/api/docs/", app.address)).send().await.expect("docs");
    assert_eq!(ui.status().as_u16(), 200);
    assert!(ui.text().await.expect("html").contains("swagger"), "the Swagger UI page is served");
    let script = app.client.get(format!("{}/api/docs/swagger-ui-bundle.js", app.address)).send().await.expect("asset");
    assert_eq!(script.status().as_u16(), 200, "the vendored assets are served");
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let app = spawn_app().await;
    // A client that shows the answer as sent (reqwest would otherwise decode it and drop the header).
    let raw = reqwest::Client::builder().no_gzip().build().expect("client");
    let response = raw
        .get(format!("{}/api/v1/standards?per_page=100", app.address))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(response.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
}

#[tokio::test]
async fn cors_is_off_by_default_and_on_for_configured_portals() {
    let closed = spawn_app().await;
    let response = closed
        .client
        .get(format!("{}/api/v1/standards", closed.address))
        .header("origin", "https://portal.example.vn")
        .send()
        .await
        .expect("request");
    assert!(response.headers().get("access-control-allow-origin").is_none());

    let open = spawn_app_on(TestDatabase::seeded(), |s| s.cors_origins = "https://portal.example.vn".into()).await;
    let response = open
        .client
        .get(format!("{}/api/v1/standards", open.address))
        .header("origin", "https://portal.example.vn")
        .send()
        .await
        .expect("request");
    assert_eq!(
        response.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()),
        Some("https://portal.example.vn")
    );
}
