//! The access policy in search: body snippets, section headings, totals, facets, fuzzy matches,
//! suggestions and the search page show a text's words only to callers who may read that text
//! (DESIGN §5, "see body snippets of a text in search: as reading it"), for every access level ×
//! caller state.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestApp, encode, spawn_app};
use crate::texts::upload;

/// Anonymous, pending, expired, suspended, official, inspector, provincial admin, admin.
const CALLERS: [&str; 8] = ["anonymous", "pending", "expired", "suspended", "official", "inspector", "pa", "admin"];

/// One text per access level: the standard it is attached to, a word found only in its body, a
/// word found only next to it (which must never reach a caller who may not read the text), a word
/// of its section heading, and who may see it, in the order of `CALLERS`.
struct Secret {
    level: &'static str,
    code: &'static str,
    slug: &'static str,
    word: &'static str,
    neighbour: &'static str,
    heading: &'static str,
    visible: [bool; 8],
}

const SECRETS: [Secret; 3] = [
    Secret {
        level: "public",
        code: "QCVN 06:2022/BXD",
        slug: "qcvn-06-2022-bxd",
        word: "zephyrcong",
        neighbour: "saudephyr",
        heading: "headzephyr",
        visible: [true; 8],
    },
    Secret {
        level: "registered",
        code: "TCVN 5574:2018",
        slug: "tcvn-5574-2018",
        word: "quasarkho",
        neighbour: "sauquasar",
        heading: "headquasar",
        visible: [false, false, false, false, true, true, true, true],
    },
    Secret {
        level: "inspectors",
        code: "ĐLVN 31:2017",
        slug: "dlvn-31-2017",
        word: "nebulatram",
        neighbour: "saunebula",
        heading: "headnebula",
        visible: [false, false, false, false, false, true, false, true],
    },
];

fn text_of(secret: &Secret) -> Vec<u8> {
    format!(
        "# Phần mở đầu\n\nVăn bản thử.\n\n## Mục {heading} kín\n\nKhoảng cách {word} {neighbour} giữa hai bồn chứa.\n",
        heading = secret.heading,
        word = secret.word,
        neighbour = secret.neighbour
    )
    .into_bytes()
}

fn callers(app: &TestApp) -> Vec<Option<String>> {
    [
        None,
        Some(account("s.pending").status("pending").insert(app)),
        Some(account("s.expired").expired().insert(app)),
        Some(account("s.suspended").status("suspended").insert(app)),
        Some(account("s.official").insert(app)),
        Some(account("s.inspector").role("inspector").insert(app)),
        Some(account("s.pa").role("province_admin").insert(app)),
        Some(account("s.admin").role("admin").province(None).insert(app)),
    ]
    .iter()
    .map(|id| id.map(token_for))
    .collect()
}

async fn search_as(app: &TestApp, query: &str, token: Option<&str>) -> Value {
    let (status, body) = app.call("GET", &format!("/api/v1/search?q={}", encode(query)), token, None).await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

/// Waits until the admin finds the standard by a word of its text.
async fn wait_until_indexed(app: &TestApp, admin: &str, secret: &Secret) {
    let started = Instant::now();
    while search_as(app, secret.word, Some(admin)).await["hits"][0]["code"] != secret.code {
        assert!(started.elapsed() < Duration::from_secs(10), "{} never became searchable", secret.code);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What a caller who may not read the text must not learn from a search for its word.
fn assert_nothing_leaks(answer: &Value, secret: &Secret, label: &str) {
    assert_eq!(answer["total"], 0, "{label}: the total counts a text the caller may not read: {answer}");
    assert_eq!(answer["hits"], Value::Array(vec![]), "{label}: {answer}");
    for facet in ["kind", "status", "issuer", "field", "year"] {
        assert_eq!(answer["facets"][facet], serde_json::json!({}), "{label}: facet {facet}: {answer}");
    }
    let mut rest = answer.clone();
    rest["query"] = Value::Null;
    let text = rest.to_string();
    for word in [secret.neighbour, secret.heading] {
        assert!(!text.contains(word), "{label}: `{word}` of the text reached the caller: {text}");
    }
}

#[tokio::test]
async fn search_shows_a_texts_words_only_to_callers_who_may_read_it() {
    let app = spawn_app().await;
    let tokens = callers(&app);
    let admin = tokens[7].clone().expect("admin");
    for secret in &SECRETS {
        let (status, body) = upload(&app, &admin, secret.code, "thu.md", text_of(secret), Some(secret.level)).await;
        assert_eq!(status, 201, "{body}");
        wait_until_indexed(&app, &admin, secret).await;
    }
    let mut unexpected = Vec::new();
    for secret in &SECRETS {
        // The word itself, a phrase of the text, and a misspelling (fuzzy matching).
        let misspelt = format!("{}x", secret.word);
        let phrase = format!("{} {}", secret.word, secret.neighbour);
        for (index, (caller, token)) in CALLERS.iter().zip(&tokens).enumerate() {
            for query in [secret.word, phrase.as_str(), misspelt.as_str()] {
                let label = format!("{} text, {caller}, q={query}", secret.level);
                let answer = search_as(&app, query, token.as_deref()).await;
                if secret.visible[index] {
                    let hit = &answer["hits"][0];
                    // A misspelt word is matched fuzzily, and only the words typed are quoted.
                    let snippet = hit["highlight"]["body"].as_str().unwrap_or_default();
                    let quoted = query == misspelt || snippet.contains(secret.neighbour);
                    if hit["code"] != secret.code || !quoted {
                        unexpected.push(format!("{label}: an entitled caller misses the snippet: {answer}"));
                    }
                } else {
                    assert_nothing_leaks(&answer, secret, &label);
                }
            }
            let (_, suggested) =
                app.call("GET", &format!("/api/v1/suggest?q={}", secret.word), token.as_deref(), None).await;
            if suggested["suggestions"] != Value::Array(vec![]) {
                unexpected.push(format!("{} text, {caller}: suggest completes a body word: {suggested}", secret.level));
            }
            let mut page = app.client.get(format!("{}/?q={}", app.address, secret.word));
            if let Some(token) = token {
                page = page.header("cookie", format!("tc_access={token}"));
            }
            let html = page.send().await.expect("page").text().await.expect("html");
            let shown = html.contains(&format!("/tieu-chuan/{}", secret.slug)) && html.contains(secret.neighbour);
            let leaked = html.contains(secret.neighbour) || html.contains(secret.heading);
            if shown != secret.visible[index] || (!secret.visible[index] && leaked) {
                unexpected
                    .push(format!("{} text, {caller}: the search page shows={shown} leaks={leaked}", secret.level));
            }
        }
    }
    assert!(unexpected.is_empty(), "{} unexpected:\n{}", unexpected.len(), unexpected.join("\n"));
}
