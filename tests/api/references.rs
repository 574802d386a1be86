//! The references inside the texts (#16): what each text cites becomes `references` relations,
//! marked as read from the text with the section that cites it, shown both ways on the records
//! and pages, carried by the feed, linked in the reader, and corrected by editors.

use serde_json::{Value, json};

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestApp, encode, spawn_app};
use crate::texts::{admin, upload};

fn cited<'a>(detail: &'a Value, code: &str) -> &'a Value {
    detail["cited"]
        .as_array()
        .and_then(|cited| cited.iter().find(|c| c["code"] == code))
        .unwrap_or_else(|| panic!("{code} is cited: {}", detail["cited"]))
}

fn codes(links: &Value) -> Vec<&str> {
    links.as_array().map(|l| l.iter().filter_map(|l| l["code"].as_str()).collect()).unwrap_or_default()
}

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(format!("{}{path}", app.address)).send().await.expect("page");
    (response.status().as_u16(), response.text().await.expect("html"))
}

/// The newest feed entry of a standard, read through the whole feed.
async fn last_entry(app: &TestApp, code: &str) -> Value {
    let (mut after, mut last) = (0, None);
    loop {
        let (status, page) = app.get_json(&format!("/api/v1/changes?after={after}")).await;
        assert_eq!(status, 200, "{page}");
        let entries = page["entries"].as_array().cloned().unwrap_or_default();
        if let Some(entry) = entries.iter().rev().find(|e| e["code"] == code) {
            last = Some(entry.clone());
        }
        if entries.is_empty() {
            return last.unwrap_or_else(|| panic!("an entry of {code}"));
        }
        after = page["next_after"].as_i64().expect("next_after");
    }
}

#[tokio::test]
async fn the_seeded_texts_cite_what_their_reference_clauses_list_both_ways() {
    let app = spawn_app().await;
    let (status, housing) = app.get_standard("QCVN 04:2021/BXD").await;
    assert_eq!(status, 200, "{housing}");
    // The real text lists QCVN 06:2021/BXD, since replaced by QCVN 06:2022/BXD.
    let fire = cited(&housing, "QCVN 06:2021/BXD");
    assert_eq!((fire["origin"].as_str(), fire["section"].as_str()), (Some("extracted"), Some("1.3 Tài liệu viện dẫn")));
    assert_eq!(fire["standing"]["outcome"], "replaced", "{fire}");
    assert_eq!(codes(&fire["standing"]["replaced_by"]), vec!["QCVN 06:2022/BXD"]);
    assert_eq!(housing["cited"].as_array().map(Vec::len), Some(15), "the clause's 15 codes: {}", housing["cited"]);
    assert!(codes(&housing["relations"]["references"]).contains(&"QCVN 06:2021/BXD"));
    assert!(
        !codes(&housing["relations"]["references"]).contains(&"QCVN 04:2019/BXD"),
        "the circular's replaced edition is not a reference"
    );
    // The other way: the cited record is cited by the text that cites it.
    let (_, old_fire) = app.get_standard("QCVN 06:2021/BXD").await;
    assert!(codes(&old_fire["relations"]["referenced_by"]).contains(&"QCVN 04:2021/BXD"), "{}", old_fire["relations"]);
    // An international code cited in QCVN 06:2022/BXD's body, with the section that cites it.
    let (_, fire) = app.get_standard("QCVN 06:2022/BXD").await;
    let smoke = cited(&fire, "EN 15727");
    assert_eq!(smoke["standing"]["outcome"], "international");
    assert!(smoke["section"].as_str().is_some_and(|s| s.starts_with("D.9")), "{smoke}");
    assert!(!fire["cited"].as_array().expect("cited").iter().any(|c| c["code"] == "QCVN 06:2022/BXD"), "not itself");

    // The page says that what the text cites was replaced, and shows what cites it.
    let (status, html) = page(&app, "/tieu-chuan/qcvn-04-2021-bxd").await;
    assert_eq!(status, 200);
    assert!(html.contains("QCVN 06:2021/BXD</a> mà văn bản này viện dẫn đã được thay thế bởi"), "{html}");
    assert!(html.contains("đọc từ văn bản · mục 1.3 Tài liệu viện dẫn"), "{html}");
    let (_, html) = page(&app, "/tieu-chuan/qcvn-06-2021-bxd").await;
    assert!(html.contains("Được viện dẫn bởi") && html.contains("/tieu-chuan/qcvn-04-2021-bxd"), "{html}");

    // The feed's record carries them, marked, so that a mirror holds them as they are.
    let entry = last_entry(&app, "QCVN 04:2021/BXD").await;
    let relation = entry["record"]["relations"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["code"] == "QCVN 06:2021/BXD"))
        .expect("the relation is in the record");
    assert_eq!(
        relation,
        &json!({"kind": "references", "code": "QCVN 06:2021/BXD", "origin": "extracted", "section": "1.3 Tài liệu viện dẫn"})
    );
}

#[tokio::test]
async fn the_reader_links_each_cited_code_to_its_page() {
    let app = spawn_app().await;
    let (_, housing) = app.get_standard("QCVN 04:2021/BXD").await;
    let id = housing["documents"][0]["id"].as_i64().expect("the seeded text");
    let (status, text) = app.get_json(&format!("/api/v1/standards/qcvn-04-2021-bxd/documents/{id}/text")).await;
    assert_eq!(status, 200, "{text}");
    let sections = text["sections"].as_array().expect("sections");
    let clause = sections.iter().find(|s| s["heading"] == "1.3 Tài liệu viện dẫn").expect("the clause");
    let html = clause["html"].as_str().expect("html");
    let link = "<a class=\"cite\" href=\"/tieu-chuan/QCVN%2006%3A2021%2FBXD\">QCVN 06:2021/BXD</a>";
    assert!(html.contains(link), "{html}");
    // The link lands on the cited record's page.
    let (status, html) = page(&app, "/tieu-chuan/QCVN%2006%3A2021%2FBXD").await;
    assert_eq!(status, 200);
    assert!(html.contains("QCVN 06:2021/BXD"), "{html}");
}

#[tokio::test]
async fn an_editor_adds_and_strikes_out_what_a_text_cites_and_reading_again_respects_it() {
    let app = spawn_app().await;
    let token = admin(&app);
    let body = "# TCVN 5574:2018 Kết cấu bê tông\n\n## 2 Tài liệu viện dẫn\n\n- TCVN 2737:2023 Tải trọng\n- TCVN 4453:1995 Bê tông\n\n## 5 Yêu cầu\n\nTheo TCVN 9311-1 ÷ 3 và ISO 834-1.\n";
    let (status, _) = upload(&app, &token, "TCVN 5574:2018", "tcvn-5574.md", body.as_bytes().to_vec(), None).await;
    assert_eq!(status, 201);
    let (_, concrete) = app.get_standard("TCVN 5574:2018").await;
    let listed: Vec<&str> = codes(&concrete["cited"]);
    assert_eq!(
        listed,
        vec!["ISO 834-1", "TCVN 2737:2023", "TCVN 4453:1995", "TCVN 9311-1", "TCVN 9311-2", "TCVN 9311-3"],
        "{}",
        concrete["cited"]
    );
    assert_eq!(cited(&concrete, "TCVN 9311-2")["section"], "5 Yêu cầu");

    let path = "/api/v1/standards/tcvn-5574-2018/references";
    let strike = |code: &str| format!("{path}?code={}", encode(code));
    // Nobody but an editor corrects them.
    let official = token_for(account("references.official").insert(&app));
    assert_eq!(app.call("DELETE", &strike("TCVN 4453:1995"), None, None).await.0, 401);
    assert_eq!(app.call("DELETE", &strike("TCVN 4453:1995"), Some(&official), None).await.0, 403);
    let (status, now) = app.call("DELETE", &strike("tcvn 4453 1995"), Some(&token), None).await;
    assert_eq!(status, 200, "{now}");
    assert!(!codes(&now).contains(&"TCVN 4453:1995"), "{now}");
    let (status, error) = app.call("DELETE", &strike("TCVN 4453:1995"), Some(&token), None).await;
    assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")), "{error}");
    assert_eq!(app.call("DELETE", &strike("not a code"), Some(&token), None).await.0, 400);

    // Reading another text that cites it again does not bring it back.
    let second = "# Phụ lục\n\n## A.1 Vật liệu\n\nBê tông theo TCVN 4453:1995 và TCVN 10307:2014.\n";
    upload(&app, &token, "TCVN 5574:2018", "phu-luc.md", second.as_bytes().to_vec(), None).await;
    let (_, concrete) = app.get_standard("TCVN 5574:2018").await;
    assert!(!codes(&concrete["cited"]).contains(&"TCVN 4453:1995"), "{}", concrete["cited"]);
    assert_eq!(cited(&concrete, "TCVN 10307:2014")["section"], "A.1 Vật liệu");

    // An editor adds what reading missed.
    let added = json!({"code": "tcvn 5575 2012", "section": "2 Tài liệu viện dẫn"});
    let (status, now) = app.call("POST", path, Some(&token), Some(added)).await;
    assert_eq!(status, 200, "{now}");
    let steel = now.as_array().and_then(|c| c.iter().find(|c| c["code"] == "TCVN 5575:2012")).expect("added");
    assert_eq!((steel["origin"].as_str(), steel["section"].as_str()), (Some("corrected"), Some("2 Tài liệu viện dẫn")));
    let (status, error) = app.call("POST", path, Some(&token), Some(json!({"code": "TCVN 5574:2018"}))).await;
    assert_eq!(status, 400, "a standard does not cite itself: {error}");
    let (status, _) = app.call("POST", path, Some(&token), Some(json!({"code": "x", "extra": 1}))).await;
    assert_eq!(status, 400);
    let (status, _) = app
        .call("POST", "/api/v1/standards/tcvn-0000-1900/references", Some(&token), Some(json!({"code": "TCVN 1:2000"})))
        .await;
    assert_eq!(status, 404);

    // A reference the record's source declared, and its text cites too: one entry, with the
    // section; it is changed with the record, not struck out.
    let record =
        "{\"code\": \"TCVN 13456:2022\", \"title_vi\": \"Bê tông nhẹ\", \"references\": [\"TCVN 2737:2023\"]}\n";
    assert_eq!(crate::code_families::import(&app, &token, record).await.0, 200);
    let text = "# Bê tông nhẹ\n\n## 2 Tài liệu viện dẫn\n\nTCVN 2737:2023 Tải trọng và tác động.\n";
    upload(&app, &token, "TCVN 13456:2022", "nhe.md", text.as_bytes().to_vec(), None).await;
    let (_, light) = app.get_standard("TCVN 13456:2022").await;
    assert_eq!(light["cited"].as_array().map(Vec::len), Some(1), "{}", light["cited"]);
    let load = cited(&light, "TCVN 2737:2023");
    assert_eq!((load["origin"].as_null(), load["section"].as_str()), (Some(()), Some("2 Tài liệu viện dẫn")), "{load}");
    let url = format!("/api/v1/standards/tcvn-13456-2022/references?code={}", encode("TCVN 2737:2023"));
    let (status, error) = app.call("DELETE", &url, Some(&token), None).await;
    assert_eq!((status, error["error"]["code"].as_str()), (409, Some("declared_reference")), "{error}");
    // Every correction is a new version of the record, in the feed.
    let (_, concrete) = app.get_standard("TCVN 5574:2018").await;
    let last = last_entry(&app, "TCVN 5574:2018").await;
    assert_eq!(last["record"]["version"], concrete["version"]);
    assert!(last["record"]["relations"].as_array().expect("relations").iter().any(|r| r["origin"] == "corrected"));
}

#[tokio::test]
async fn texts_attached_before_texts_were_read_are_read_once_at_start() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    let mut conn = app.db.connect();
    // As a database upgraded from before: texts stored, none read for its citations.
    diesel::sql_query("DELETE FROM text_references").execute(&mut conn).expect("forget");
    diesel::sql_query("UPDATE documents SET references_read = FALSE").execute(&mut conn).expect("unread");
    let (_, before) = app.get_standard("QCVN 04:2021/BXD").await;
    assert_eq!(before["cited"], json!([]));
    let read = tieuchuan::services::references::read_unread_texts(&mut conn).expect("reads");
    assert_eq!(read, 7, "the seven standards with texts");
    let (_, after) = app.get_standard("QCVN 04:2021/BXD").await;
    assert_eq!(after["cited"].as_array().map(Vec::len), Some(15));
    assert_eq!(after["version"].as_i64(), before["version"].as_i64().map(|v| v + 1), "a new version");
    let entry = last_entry(&app, "QCVN 04:2021/BXD").await;
    assert_eq!(entry["version"], after["version"]);
    // Read once: nothing is left to read.
    assert_eq!(tieuchuan::services::references::read_unread_texts(&mut conn).expect("reads"), 0);
}

#[tokio::test]
async fn an_editor_corrects_the_references_from_the_standard_page() {
    use crate::account_pages::{browser, csrf_of, get, sign_in};
    let app = spawn_app().await;
    account("pages.editor").role("admin").province(None).insert(&app);
    account("pages.reader").insert(&app);
    let editor = browser();
    sign_in(&editor, &app, "pages.editor", crate::accounts_helpers::PASSWORD).await;
    let (_, html) = get(&editor, &app, "/tieu-chuan/qcvn-04-2021-bxd").await;
    assert!(
        html.contains(r#"name="code" value="QCVN 06:2021/BXD""#) && html.contains("Thêm mã văn bản viện dẫn"),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let post = |fields: Vec<(&'static str, String)>| {
        let (editor, url) = (editor.clone(), format!("{}/tieu-chuan/qcvn-04-2021-bxd/vien-dan", app.address));
        async move { editor.post(url).form(&fields).send().await.expect("post") }
    };
    let struck =
        post(vec![("csrf", csrf.clone()), ("action", "strike".into()), ("code", "QCVN 06:2021/BXD".into())]).await;
    assert_eq!(struck.status().as_u16(), 303);
    let added = post(vec![
        ("csrf", csrf.clone()),
        ("action", "add".into()),
        ("code", "TCVN 2622:1995".into()),
        ("section", "".into()),
    ])
    .await;
    assert_eq!(added.status().as_u16(), 303);
    let (_, housing) = app.get_standard("QCVN 04:2021/BXD").await;
    assert!(!codes(&housing["cited"]).contains(&"QCVN 06:2021/BXD"), "{}", housing["cited"]);
    assert_eq!(cited(&housing, "TCVN 2622:1995")["origin"], "corrected");
    let forged =
        post(vec![("csrf", "forged".into()), ("action", "strike".into()), ("code", "TCVN 2622:1995".into())]).await;
    assert_eq!(forged.status().as_u16(), 403);
    // A reader sees no correction forms, and may not post them.
    let reader = browser();
    sign_in(&reader, &app, "pages.reader", crate::accounts_helpers::PASSWORD).await;
    let (_, html) = get(&reader, &app, "/tieu-chuan/qcvn-04-2021-bxd").await;
    assert!(!html.contains("vien-dan\"><input") && !html.contains("Thêm mã văn bản viện dẫn"), "{html}");
    let csrf = csrf_of(&html);
    let refused = reader
        .post(format!("{}/tieu-chuan/qcvn-04-2021-bxd/vien-dan", app.address))
        .form(&[("csrf", csrf), ("action", "strike".into()), ("code", "TCVN 2622:1995".into())])
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status().as_u16(), 403);
}
