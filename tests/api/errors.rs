//! Bad input anywhere gets the documented 4xx in the error envelope, never a 500.

use crate::helpers::{encode, spawn_app};

fn assert_envelope(body: &serde_json::Value, code: &str, context: &str) {
    assert_eq!(body["error"]["code"], code, "{context}: {body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{context}: {body}");
}

#[tokio::test]
async fn bad_filters_and_paging_are_400_with_a_message() {
    let app = spawn_app().await;
    let cases = [
        "kind=ISO",
        "status=valid",
        "status=",
        "page=0",
        "page=-1",
        "page=abc",
        "page=99999999999999999999",
        "page=10001",
        "per_page=0",
        "per_page=-5",
        "per_page=1.5",
        "field=fire%20safety",
        "field=%3Cscript%3E",
        "issuer=B%2FX",
    ];
    for query in cases {
        let (status, body) = app.get_json(&format!("/api/v1/standards?{query}")).await;
        if query == "status=" {
            assert_eq!(status, 200, "an empty filter means no filter");
            continue;
        }
        assert_eq!(status, 400, "{query}: {body}");
        assert_envelope(&body, "invalid_parameter", query);
    }
}

#[tokio::test]
async fn nasty_references_never_cause_a_server_error() {
    let app = spawn_app().await;
    let long = "Q".repeat(10_000);
    let references = [
        "🔥🔥🔥",
        "QCVN\u{0}06",
        "\u{7}\u{1b}[31m",
        "../../etc/passwd",
        "' OR 1=1 --",
        "%",
        "qcvn%",
        "TCVN 5574:1234",
        "QCVN 06:2022/BXD/../../x",
        long.as_str(),
        " ",
    ];
    for reference in references {
        let (status, body) = app.get_standard(reference).await;
        assert!(matches!(status, 400 | 404 | 414), "{reference:?} → {status}: {body}");
        assert!(body["error"]["code"].is_string(), "{reference:?}: {body}");
    }
    let raw = app.client.get(format!("{}/api/v1/standards/%FF%FE%00", app.address)).send().await.expect("request");
    assert!(raw.status().is_client_error(), "invalid UTF-8 in the path: {}", raw.status());
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_in_the_envelope() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_envelope(&body, "not_found", "unknown route");
    let response = app
        .client
        .put(format!("{}/api/v1/standards/{}", app.address, encode("QCVN 06:2022/BXD")))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 405);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_envelope(&body, "method_not_allowed", "PUT on a standard");
}

#[tokio::test]
async fn oversized_request_bodies_are_refused_before_they_are_read() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/v1/standards", app.address))
        .header("content-type", "application/json")
        .body(vec![b' '; 4 * 1024 * 1024])
        .send()
        .await;
    // The server may answer 405 (no such method) or close the connection on the oversized
    // body; either way it must not be a server error.
    if let Ok(response) = response {
        assert!(response.status().is_client_error(), "{}", response.status());
    }
}
