//! `GET /api/v1/search` and `GET /api/v1/suggest` over HTTP: codes, diacritics, facets,
//! filters, pagination, highlights, bad input.

use serde_json::Value;

use crate::helpers::{TestApp, encode, spawn_app};

async fn search(app: &TestApp, query: &str) -> Value {
    let (status, body) = app.get_json(&format!("/api/v1/search?{query}")).await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

fn codes(body: &Value) -> Vec<String> {
    body["hits"].as_array().expect("hits").iter().map(|h| h["code"].as_str().expect("code").to_string()).collect()
}

#[tokio::test]
async fn codes_in_any_spelling_find_their_standard_first() {
    let app = spawn_app().await;
    let cases = [
        ("qcvn 06 2022 bxd", "QCVN 06:2022/BXD"),
        ("QCVN06:2022/BXD", "QCVN 06:2022/BXD"),
        ("TCVN 5574", "TCVN 5574:2018"),
        ("5574:2018", "TCVN 5574:2018"),
        ("DLVN 31", "ĐLVN 31:2017"),
        ("iso 9001", "TCVN ISO 9001:2015"),
        ("17025", "TCVN ISO/IEC 17025:2017"),
        ("QCVN 26:2016/BLÐTBXH", "QCVN 26:2016/BLĐTBXH"),
        ("06/2022/BXD", "QCVN 06:2022/BXD"),
    ];
    for (query, expected) in cases {
        let body = search(&app, &format!("q={}", encode(query))).await;
        assert_eq!(codes(&body).first().map(String::as_str), Some(expected), "{query}: {:?}", codes(&body));
    }
}

#[tokio::test]
async fn a_partial_code_lists_the_newest_edition_first() {
    let app = spawn_app().await;
    let body = search(&app, "q=TCVN%202737").await;
    assert_eq!(codes(&body)[..2], ["TCVN 2737:2023", "TCVN 2737:1995"]);
    let body = search(&app, &format!("q={}", encode("QCVN 14 BTNMT"))).await;
    assert_eq!(codes(&body)[..2], ["QCVN 14:2025/BTNMT", "QCVN 14:2008/BTNMT"]);
}

#[tokio::test]
async fn words_with_or_without_diacritics_find_the_topic_with_marked_titles() {
    let app = spawn_app().await;
    for query in ["nuoc thai", "nước thải"] {
        let body = search(&app, &format!("q={}", encode(query))).await;
        assert!(codes(&body).contains(&"QCVN 14:2025/BTNMT".to_string()), "{query}: {:?}", codes(&body));
        let highlight = body["hits"][0]["highlight"]["title_vi"].as_str().expect("a highlighted title");
        assert!(highlight.contains("<mark>nước thải</mark>"), "{highlight}");
    }
}

#[tokio::test]
async fn with_diacritics_typed_cap_does_not_drown_in_cap() {
    let app = spawn_app().await;
    let body = search(&app, &format!("q={}&per_page=5", encode("cáp"))).await;
    for hit in body["hits"].as_array().expect("hits") {
        let title = hit["title_vi"].as_str().expect("title").to_lowercase();
        assert!(title.contains("cáp"), "a `cấp` title outranked `cáp` ones: {title}");
    }
    // Texts that speak of "cấp nước" (QCVN 01:2021/BXD, planning) rank with the titles that name it.
    let body = search(&app, &format!("q={}&per_page=5", encode("cấp nước"))).await;
    let titles: Vec<String> = (body["hits"].as_array().expect("hits").iter())
        .map(|h| h["title_vi"].as_str().expect("title").to_lowercase())
        .collect();
    assert!(titles.first().is_some_and(|t| t.contains("cấp nước")), "{titles:?}");
    assert!(titles.iter().all(|t| !t.contains("cáp")), "{titles:?}");
}

#[tokio::test]
async fn typos_and_abbreviations_still_find_the_standard() {
    let app = spawn_app().await;
    let body = search(&app, "q=be+tong+cot+thepp").await;
    assert!(codes(&body).contains(&"TCVN 5574:2018".to_string()), "{:?}", codes(&body));
    let marked = body["hits"][0]["highlight"]["title_vi"].as_str().expect("highlight");
    assert!(marked.contains("thép</mark>"), "the fuzzily matched word is marked: {marked}");
    // HTKT is "hạ tầng kỹ thuật": the regulation of it is among the first answers, each about it.
    let body = search(&app, "q=HTKT&per_page=5").await;
    assert!(codes(&body).contains(&"QCVN 07:2023/BXD".to_string()), "{:?}", codes(&body));
    let titles: Vec<String> = (body["hits"].as_array().expect("hits").iter())
        .map(|h| h["title_vi"].as_str().unwrap_or_default().to_lowercase())
        .collect();
    assert!(titles.iter().all(|t| t.contains("hạ tầng kỹ thuật")), "{titles:?}");
    let body = search(&app, &format!("q={}", encode("PCCC hệ thống báo cháy"))).await;
    assert_eq!(codes(&body).first().map(String::as_str), Some("TCVN 5738:2021"));
}

#[tokio::test]
async fn facets_count_the_matches_and_filters_narrow_them() {
    let app = spawn_app().await;
    let all = search(&app, "q=").await;
    assert_eq!(all["total"], crate::helpers::seed_records());
    let kinds = all["facets"]["kind"].as_object().expect("kind facet");
    let of_kind = |kind: &str| Some(crate::helpers::seed_records_where(|r| r["kind"] == kind) as u64);
    assert_eq!(
        (kinds["QCVN"].as_u64(), kinds["TCVN"].as_u64(), kinds["ĐLVN"].as_u64()),
        (of_kind("QCVN"), of_kind("TCVN"), of_kind("ĐLVN"))
    );
    assert!(all["facets"]["status"]["replaced"].as_u64().is_some_and(|n| n >= 8));
    assert!(all["facets"]["year"].as_object().is_some_and(|y| y.contains_key("2022")));
    let tcvn = search(&app, "q=&kind=TCVN&per_page=100").await;
    assert_eq!(tcvn["total"], crate::helpers::seed_records_where(|r| r["kind"] == "TCVN"));
    assert!(tcvn["hits"].as_array().expect("hits").iter().all(|h| h["kind"] == "TCVN"));
    let narrowed = search(&app, "q=nuoc&issuer=BTNMT&year_from=2020&year_to=2025&per_page=100").await;
    assert!(narrowed["total"].as_u64().is_some_and(|n| n > 0));
    for hit in narrowed["hits"].as_array().expect("hits") {
        let year = hit["year"].as_i64().expect("year");
        assert!(hit["issuer_code"] == "BTNMT" && (2020..=2025).contains(&year), "{hit}");
    }
    let replaced = search(&app, "q=&status=replaced").await;
    assert!(replaced["hits"].as_array().expect("hits").iter().all(|h| h["status"] == "replaced"));
}

#[tokio::test]
async fn pages_do_not_overlap_and_end_empty() {
    let app = spawn_app().await;
    let first = codes(&search(&app, "q=quy+chuan&per_page=20&page=1").await);
    let second = codes(&search(&app, "q=quy+chuan&per_page=20&page=2").await);
    assert_eq!((first.len(), second.len()), (20, 20));
    assert!(first.iter().all(|c| !second.contains(c)), "{first:?} / {second:?}");
    let capped = search(&app, "q=&per_page=1000").await;
    assert_eq!((capped["per_page"].as_u64(), codes(&capped).len()), (Some(100), 100));
    let beyond = search(&app, "q=&page=50&per_page=100").await;
    assert_eq!((codes(&beyond).len(), beyond["total"].as_u64()), (0, Some(crate::helpers::seed_records() as u64)));
    assert!(beyond["took_ms"].as_f64().is_some());
}

#[tokio::test]
async fn bad_search_parameters_are_400_in_the_envelope() {
    let app = spawn_app().await;
    let long = "a".repeat(501);
    for query in [
        "q=x&year_from=abc".to_string(),
        "q=x&year_from=2020&year_to=2010".to_string(),
        "q=x&year_to=99999".to_string(),
        format!("q={long}"),
        "q=x&kind=XX".to_string(),
        "q=x&page=0".to_string(),
        "q=x&per_page=-1".to_string(),
    ] {
        let (status, body) = app.get_json(&format!("/api/v1/search?{query}")).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_parameter")), "{query}: {body}");
    }
    let (status, body) = app.get_json("/api/v1/suggest?q=x&limit=500").await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_parameter")));
}

#[tokio::test]
async fn suggestions_complete_codes_and_titles_as_typed() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/suggest?q=qcvn%2006%2020").await;
    assert_eq!(status, 200);
    assert_eq!(body["suggestions"][0]["code"], "QCVN 06:2022/BXD", "{body}");
    for typed in ["nuoc th", "nước th"] {
        let (_, body) = app.get_json(&format!("/api/v1/suggest?q={}", encode(typed))).await;
        let titles: Vec<&str> =
            body["suggestions"].as_array().expect("list").iter().filter_map(|s| s["title_vi"].as_str()).collect();
        // "nước" then a word that starts with "th", whatever stands between them ("Thoát nước - Thuật ngữ").
        let completes = |title: &str| {
            let words: Vec<String> = title
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            words.windows(2).any(|pair| pair[0] == "nước" && pair[1].starts_with("th"))
        };
        assert!(!titles.is_empty() && titles.iter().all(|t| completes(t)), "{typed}: {titles:?}");
    }
    let (_, empty) = app.get_json("/api/v1/suggest?q=").await;
    assert_eq!(empty["suggestions"], serde_json::json!([]));
}

#[tokio::test]
async fn a_query_with_diacritics_marks_the_forms_it_wrote() {
    let app = spawn_app().await;
    let body = search(&app, &format!("q={}", crate::helpers::encode("báo cháy"))).await;
    let hits = body["hits"].as_array().expect("hits");
    assert!(!hits.is_empty(), "{body}");
    let mut checked = 0;
    for hit in hits {
        for part in ["title_vi", "scope_vi", "body"] {
            let Some(html) = hit["highlight"][part].as_str() else { continue };
            let marked: Vec<String> = html
                .split("<mark>")
                .skip(1)
                .filter_map(|rest| rest.split("</mark>").next())
                .flat_map(|m| m.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>())
                .collect();
            if marked.iter().any(|w| w == "báo") {
                assert!(!marked.iter().any(|w| w == "bảo" || w == "bão"), "{part}: only báo is marked: {html}");
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "some highlight marks báo: {body}");
    // Without diacritics, every form is marked as before.
    let plain = search(&app, "q=bao+chay").await;
    assert!(plain["hits"].as_array().is_some_and(|h| !h.is_empty()), "{plain}");
}

#[tokio::test]
async fn initials_the_curated_list_lacks_are_learned_from_the_catalogue() {
    let app = spawn_app().await;
    // No curated entry: the catalogue's own titles say "đường sắt đô thị".
    for query in ["q=%C4%90S%C4%90T", "q=dsdt"] {
        let body = search(&app, query).await;
        let first = body["hits"][0]["title_vi"].as_str().unwrap_or_default().to_lowercase();
        assert!(first.contains("đường sắt đô thị"), "{query}: {body}");
    }
    // An ordinary word still searches as itself (the lib test `learned` checks that no word of the
    // judged queries is read as initials).
    let body = search(&app, "q=th%C3%A9p").await;
    assert!(body["hits"].as_array().is_some_and(|h| !h.is_empty()));
}
