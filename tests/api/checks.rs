//! Checking a dossier (#16): `POST /api/v1/checks` finds every code a text cites and says what the
//! catalogue says of each on a date; checked on the real normative references of QCVN 04:2021/BXD.

use serde_json::{Value, json};

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestApp, spawn_app};

async fn check(app: &TestApp, body: Value) -> (u16, Value) {
    let response = app.client.post(format!("{}/api/v1/checks", app.address)).json(&body).send().await.expect("check");
    (response.status().as_u16(), response.json().await.expect("json"))
}

fn outcome_of<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["checked"]
        .as_array()
        .and_then(|checked| checked.iter().find(|c| c["code"] == code))
        .unwrap_or_else(|| panic!("{code} is in the report: {report}"))
}

fn codes(links: &Value) -> Vec<&str> {
    links.as_array().map(|l| l.iter().filter_map(|l| l["code"].as_str()).collect()).unwrap_or_default()
}

/// The "Tài liệu viện dẫn" clause of the real QCVN 04:2021/BXD.
fn references_of_qcvn_04() -> String {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/standards-data/texts/QCVN-04-2021-BXD.md"))
            .expect("shipped");
    text.lines()
        .skip_while(|line| !line.contains("Tài liệu viện dẫn"))
        .skip(1)
        .take_while(|line| !line.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_real_texts_references_are_checked_as_of_today_and_as_of_an_earlier_date() {
    let app = spawn_app().await;
    let text = references_of_qcvn_04();
    let (status, today) = check(&app, json!({ "text": text, "as_of": "2026-12-01" })).await;
    assert_eq!(status, 200, "{today}");
    assert_eq!((today["codes"].as_u64(), today["truncated"].as_bool()), (Some(15), Some(false)), "{today}");
    let fire = outcome_of(&today, "QCVN 06:2021/BXD");
    assert_eq!(fire["outcome"], "replaced", "{fire}");
    assert_eq!(codes(&fire["replaced_by"]), vec!["QCVN 06:2022/BXD"]);
    assert_eq!(fire["replaced_by"][0]["effective_date"], "2023-01-16");
    let access = outcome_of(&today, "QCVN 10:2014/BXD");
    assert_eq!(
        (access["outcome"].as_str(), codes(&access["replaced_by"])),
        (Some("replaced"), vec!["QCVN 10:2024/BXD"])
    );
    assert_eq!(outcome_of(&today, "QCXDVN 05:2008/BXD")["outcome"], "not_catalogued");
    assert_eq!(outcome_of(&today, "QCVN 13:2018/BXD")["outcome"], "unknown_status");
    assert_eq!(outcome_of(&today, "QCVN 01:2021/BXD")["outcome"], "in_force");
    let electricity = outcome_of(&today, "QCVN QTĐ 8:2010/BCT");
    assert_eq!(electricity["standard"]["slug"], "qcvn-qtd-8-2010-bct");
    let counted: u64 = today["counts"].as_object().expect("counts").values().filter_map(Value::as_u64).sum();
    assert_eq!(counted, 15, "every code has one outcome");

    // In mid-2022 QCVN 06:2022/BXD was not in force yet: what QCVN 04 cited still held.
    let (_, then) = check(&app, json!({ "text": text, "as_of": "2022-06-01" })).await;
    let fire = outcome_of(&then, "QCVN 06:2021/BXD");
    assert_eq!(
        (fire["outcome"].as_str(), fire["replaced_by"].as_array().map(Vec::len)),
        (Some("in_force"), Some(0)),
        "{fire}"
    );
    assert_eq!(outcome_of(&then, "QCVN 10:2014/BXD")["outcome"], "in_force");
}

#[tokio::test]
async fn amendments_undated_codes_removed_records_and_international_documents_are_reported() {
    let app = spawn_app().await;
    let text = "Thiết kế theo QCVN 06:2022/BXD, TCVN 5574 và QCVN 06:2022/BXD; lối đi theo QCVN 10:2023/BXD; \
                cửa thử theo ISO 834-10; quản lý theo ISO 9001:2015; nền theo TCVN 99999:2020.";
    let (status, report) = check(&app, json!({ "text": text, "as_of": "2026-12-01" })).await;
    assert_eq!(status, 200, "{report}");
    let fire = outcome_of(&report, "QCVN 06:2022/BXD");
    assert_eq!((fire["outcome"].as_str(), fire["occurrences"].as_u64()), (Some("amended"), Some(2)), "{fire}");
    assert_eq!(codes(&fire["amended_by"]), vec!["Sửa đổi 1:2023 QCVN 06:2022/BXD"]);
    let concrete = outcome_of(&report, "TCVN 5574");
    assert_eq!(
        (concrete["undated"].as_bool(), concrete["standard"]["code"].as_str()),
        (Some(true), Some("TCVN 5574:2018"))
    );
    let removed = outcome_of(&report, "QCVN 10:2023/BXD");
    assert_eq!((removed["outcome"].as_str(), codes(&removed["near"])), (Some("removed"), vec!["QCVN 10:2024/BXD"]));
    assert!(removed["note"].as_str().is_some_and(|n| !n.is_empty()));
    let fire_test = outcome_of(&report, "ISO 834-10");
    assert_eq!(
        (fire_test["outcome"].as_str(), fire_test["adoptions"].as_array().map(Vec::len)),
        (Some("international"), Some(0))
    );
    assert_eq!(codes(&outcome_of(&report, "ISO 9001:2015")["adoptions"]), vec!["TCVN ISO 9001:2015"]);
    let unknown = outcome_of(&report, "TCVN 99999:2020");
    assert_eq!(unknown["outcome"], "not_catalogued");

    // Once the amendment is catalogued with its date (Thông tư 09/2023/TT-BXD, in force 2023-12-01),
    // the regulation was simply in force before that day.
    let admin = token_for(account("checks.admin").role("admin").province(None).insert(&app));
    let amendment = json!({
        "code": "Sửa đổi 1:2023 QCVN 06:2022/BXD",
        "title_vi": "Sửa đổi 1:2023 QCVN 06:2022/BXD Quy chuẩn kỹ thuật quốc gia về An toàn cháy cho nhà và công trình",
        "legal_instrument": "Thông tư 09/2023/TT-BXD",
        "effective_date": "2023-12-01",
    });
    let (status, _) = crate::code_families::import(&app, &admin, &format!("{amendment}\n")).await;
    assert_eq!(status, 200);
    let (_, later) = check(&app, json!({ "text": "QCVN 06:2022/BXD", "as_of": "2023-12-01" })).await;
    let fire = outcome_of(&later, "QCVN 06:2022/BXD");
    assert_eq!(fire["outcome"], "amended", "{fire}");
    assert_eq!(fire["amended_by"][0]["effective_date"], "2023-12-01");
    let (_, earlier) = check(&app, json!({ "text": "QCVN 06:2022/BXD", "as_of": "2023-06-01" })).await;
    assert_eq!(outcome_of(&earlier, "QCVN 06:2022/BXD")["outcome"], "in_force");
    // Before it took effect at all, it was not yet in force.
    let (_, before) = check(&app, json!({ "text": "QCVN 06:2022/BXD", "as_of": "2022-12-31" })).await;
    assert_eq!(outcome_of(&before, "QCVN 06:2022/BXD")["outcome"], "not_yet_in_force");
    // Without a date, today.
    let (status, plain) = check(&app, json!({ "text": "không có mã nào" })).await;
    assert_eq!((status, plain["codes"].as_u64(), plain["checked"].as_array().map(Vec::len)), (200, Some(0), Some(0)));
    assert!(plain["as_of"].as_str().is_some_and(|d| d.len() == 10));
}

#[tokio::test]
async fn bad_checks_are_refused_in_the_envelope() {
    let app = spawn_app().await;
    for (body, why) in [
        (json!({ "text": "QCVN 06:2022/BXD", "as_of": "hôm qua" }), "a date that is not one"),
        (json!({ "text": "QCVN 06:2022/BXD", "as_of": "2026-02-30" }), "a day that does not exist"),
        (json!({ "as_of": "2026-01-01" }), "no text"),
        (json!({ "text": 42 }), "a text that is not a string"),
        (json!(["QCVN 06:2022/BXD"]), "not an object"),
    ] {
        let (status, answer) = check(&app, body).await;
        assert!((400..500).contains(&status), "{why}: {status} {answer}");
        assert!(answer["error"]["code"].is_string(), "{why}: {answer}");
    }
}

#[tokio::test]
async fn the_page_groups_a_texts_codes_by_outcome_links_them_and_gives_the_same_report_as_csv() {
    use crate::account_pages::{browser, csrf_of, get};
    let app = spawn_app().await;
    let browser = browser();
    let (status, form) = get(&browser, &app, "/kiem-tra-ho-so").await;
    assert_eq!(status, 200);
    assert!(form.contains("Kiểm tra hồ sơ") && form.contains(r#"type="file""#), "{form}");
    let text = references_of_qcvn_04();
    let post = |format: Option<&'static str>, csrf: String| {
        let mut fields =
            reqwest::multipart::Form::new().text("csrf", csrf).text("text", text.clone()).text("as_of", "2026-12-01");
        if let Some(format) = format {
            fields = fields.text("format", format);
        }
        browser.post(format!("{}/kiem-tra-ho-so", app.address)).multipart(fields).send()
    };
    let response = post(None, csrf_of(&form)).await.expect("post");
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains("Kết quả kiểm tra tại ngày 2026-12-01: 15 mã được viện dẫn"), "{html}");
    let replaced = html.find("Đã bị thay thế").expect("a group of replaced codes");
    let in_force = html.find(">Còn hiệu lực (").expect("a group of codes in force");
    assert!(replaced < in_force, "what needs attention comes first");
    assert!(html.contains(r#"<a href="/tieu-chuan/qcvn-06-2021-bxd">QCVN 06:2021/BXD</a>"#), "each code is linked");
    assert!(html.contains(
        r#"Thay thế bởi: <a href="/tieu-chuan/qcvn-06-2022-bxd">QCVN 06:2022/BXD</a> (hiệu lực từ 2023-01-16)"#
    ));
    assert!(html.contains("Không có trong danh mục") && html.contains("QCXDVN 05:2008/BXD"));
    assert!(html.contains("QCVN 01:2021/BXD, Quy chuẩn"), "the text stays in the form to check again");

    let csv = post(Some("csv"), csrf_of(&html)).await.expect("csv");
    assert_eq!(csv.status().as_u16(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/csv"));
    let csv = csv.text().await.expect("csv");
    let mut lines = csv.lines();
    assert!(lines.next().is_some_and(|h| h.starts_with("as_of,code,written,occurrences,outcome")));
    assert_eq!(lines.clone().count(), 15);
    assert!(lines.any(|l| l.starts_with("2026-12-01,QCVN 06:2021/BXD,")
        && l.contains("replaced,")
        && l.contains("QCVN 06:2022/BXD (2023-01-16)")));

    // Without the form's token, nothing is checked.
    let forged = post(None, "guessed".into()).await.expect("post");
    assert_eq!(forged.status().as_u16(), 403);
    // The API gives the same CSV.
    let response = app
        .client
        .post(format!("{}/api/v1/checks?format=csv", app.address))
        .json(&json!({ "text": text, "as_of": "2026-12-01" }))
        .send()
        .await
        .expect("csv");
    assert_eq!(response.text().await.expect("csv"), csv);
}

#[tokio::test]
async fn a_newer_edition_is_a_hint_labelled_as_derived_never_a_status() {
    let app = spawn_app().await;
    let (_, old) = app.get_standard("QCVN 03:2009/BXD").await;
    assert_eq!(
        (old["status"].as_str(), old["newer_edition"]["code"].as_str()),
        (Some("unknown"), Some("QCVN 03:2022/BXD"))
    );
    let (_, newest) = app.get_standard("QCVN 03:2022/BXD").await;
    assert!(newest["newer_edition"].is_null(), "{newest}");
    let (_, replaced) = app.get_standard("QCVN 06:2021/BXD").await;
    assert!(replaced["newer_edition"].is_null(), "a record with a status says so itself");
    let page = app.client.get(format!("{}/tieu-chuan/qcvn-03-2009-bxd", app.address)).send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains("Danh mục có bản mới hơn:") && html.contains("không phải trạng thái chính thức"), "{html}");
    assert!(html.contains(r#"<a href="/tieu-chuan/qcvn-03-2022-bxd">QCVN 03:2022/BXD</a>"#));
    assert!(!html.contains("Đã bị thay thế"), "no official status is claimed");
}
