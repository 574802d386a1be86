//! Every real code family (#15): the older national families are catalogue codes with their own
//! kinds, keys and slugs, found by any spelling and harvested by kind; international documents
//! are recognised as references and lead to the TCVN that adopt them.

use serde_json::Value;

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestApp, encode, spawn_app};
use crate::texts::wait_until_searchable;

/// Imports NDJSON records as an admin over HTTP; the status and the report.
pub async fn import(app: &TestApp, admin: &str, records: &str) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/api/v1/imports", app.address))
        .header("content-type", "application/x-ndjson")
        .bearer_auth(admin)
        .body(records.to_string())
        .send()
        .await
        .expect("import");
    (response.status().as_u16(), response.json().await.expect("report"))
}

fn codes(list: &Value) -> Vec<&str> {
    list.as_array().map(|links| links.iter().filter_map(|l| l["code"].as_str()).collect()).unwrap_or_default()
}

/// Construction and sector standards before TCVN, as the catalogue of the time lists them.
const OLDER_FAMILIES: &str = concat!(
    r#"{"code": "QCXDVN 05:2008/BXD", "title_vi": "Nhà ở và công trình công cộng - An toàn sinh mạng và sức khỏe", "issuer_code": "BXD"}"#,
    "\n",
    r#"{"code": "TCXDVN 356:2005", "title_vi": "Kết cấu bê tông và bê tông cốt thép - Tiêu chuẩn thiết kế"}"#,
    "\n",
    r#"{"code": "TCXD 45-78", "title_vi": "Tiêu chuẩn thiết kế nền nhà và công trình", "replaced_by": ["TCVN 9362:2012"]}"#,
    "\n",
    r#"{"code": "22TCN 272-05", "title_vi": "Tiêu chuẩn thiết kế cầu"}"#,
    "\n",
);

#[tokio::test]
async fn the_older_national_families_are_catalogued_found_and_harvested_by_kind() {
    let app = spawn_app().await;
    let admin = token_for(account("families.admin").role("admin").province(None).insert(&app));
    let (status, report) = import(&app, &admin, OLDER_FAMILIES).await;
    assert_eq!((status, report["created"].as_u64()), (200, Some(4)), "{report}");

    let (status, bridge) = app.get_standard("22 TCN 272-05").await;
    assert_eq!(status, 200, "{bridge}");
    assert_eq!(
        (bridge["code"].as_str(), bridge["kind"].as_str(), bridge["slug"].as_str(), bridge["year"].as_i64()),
        (Some("22 TCN 272:2005"), Some("TCN"), Some("22-tcn-272-2005"), Some(2005))
    );
    assert_eq!(bridge["access_level"], "registered", "a sector standard is a standard, not law");
    for spelling in ["22tcn 272-2005", "22-tcn-272-2005", "22 tcn 272:2005"] {
        assert_eq!(app.get_standard(spelling).await.1["code"], "22 TCN 272:2005", "{spelling}");
    }
    let (_, regulation) = app.get_standard("qcxdvn 05 2008 bxd").await;
    assert_eq!((regulation["kind"].as_str(), regulation["access_level"].as_str()), (Some("QCXDVN"), Some("public")));
    let (_, foundations) = app.get_standard("TCXD 45:1978").await;
    assert_eq!(
        (foundations["code"].as_str(), foundations["status"].as_str()),
        (Some("TCXD 45:1978"), Some("replaced"))
    );
    assert_eq!(codes(&foundations["relations"]["replaced_by"]), vec!["TCVN 9362:2012"]);
    let (_, successor) = app.get_standard("TCVN 9362:2012").await;
    assert_eq!(codes(&successor["relations"]["replaces"]), vec!["TCXD 45:1978"], "seen from the other end");

    // Found by the spellings engineers type, and by kind.
    assert_eq!(wait_until_searchable(&app, "22 TCN 272-05", "22 TCN 272:2005").await["kind"], "TCN");
    wait_until_searchable(&app, "thiết kế cầu 22tcn 272", "22 TCN 272:2005").await;
    wait_until_searchable(&app, "tcxdvn 356", "TCXDVN 356:2005").await;
    let (status, listed) = app.get_json(&format!("/api/v1/standards?kind={}", encode("QCXDVN"))).await;
    assert_eq!((status, codes(&listed["items"])), (200, vec!["QCXDVN 05:2008/BXD"]), "{listed}");

    // Harvested as sets of their own.
    let sets = app.client.get(format!("{}/oai?verb=ListSets", app.address)).send().await.expect("oai");
    let sets = sets.text().await.expect("xml");
    for set in ["kind:qcxdvn", "kind:tcxdvn", "kind:tcxd", "kind:tcn"] {
        assert!(sets.contains(&format!("<setSpec>{set}</setSpec>")), "{set}");
    }
    let query = "verb=ListIdentifiers&metadataPrefix=oai_dc&set=kind:tcn";
    let listed = app.client.get(format!("{}/oai?{query}", app.address)).send().await.expect("oai");
    let listed = listed.text().await.expect("xml");
    assert!(listed.contains("22-tcn-272-2005") && !listed.contains("qcxdvn"), "{listed}");

    // The standard page names the kind and shows the code as canonical.
    let page = app.client.get(format!("{}/tieu-chuan/22-tcn-272-2005", app.address)).send().await.expect("page");
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.expect("html").contains("22 TCN 272:2005"));

    // Relaton names each family as its docid type, on the item and on its relations.
    let (_, item) = app.get_json("/api/v1/relaton/22-tcn-272-2005?format=json").await;
    assert_eq!(
        (item["docid"][0]["type"].as_str(), item["doctype"]["type"].as_str()),
        (Some("TCN"), Some("sector-standard"))
    );
    let (_, item) = app.get_json("/api/v1/relaton/tcxd-45-1978?format=json").await;
    assert_eq!(item["docid"][0]["type"], "TCXD", "{item}");
    let successor = &item["relation"][0];
    assert_eq!(successor["type"], "obsoletedBy", "{item}");
    assert_eq!(successor["bibitem"]["docid"][0]["type"], "TCVN", "{item}");

    // A sector number belongs to sector standards only; the import says why.
    let (status, report) = import(&app, &admin, "{\"code\": \"22 TCVN 272:2005\", \"title_vi\": \"x\"}\n").await;
    assert_eq!(status, 422, "{report}");
    assert!(report["invalid"][0]["reason"].as_str().is_some_and(|m| m.contains("only sector standards")), "{report}");
}

#[tokio::test]
async fn international_documents_lead_to_the_tcvn_that_adopt_them() {
    let app = spawn_app().await;
    let admin = token_for(account("families.admin").role("admin").province(None).insert(&app));
    // Asked for by an international code, the API says what it is and where its adoption is.
    let (status, body) = app.get_standard("ISO 9001:2015").await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("international_document")), "{body}");
    assert_eq!(codes(&body["error"]["suggestions"]), vec!["TCVN ISO 9001:2015"]);
    let (_, body) = app.get_standard("ISO/IEC 17025").await;
    assert_eq!(codes(&body["error"]["suggestions"]), vec!["TCVN ISO/IEC 17025:2017"], "{body}");
    let (status, body) = app.get_standard("NFPA 5000").await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("international_document")));
    assert_eq!(codes(&body["error"]["suggestions"]), Vec::<&str>::new(), "no TCVN adopts it");

    // The adoption names what it adopts, from its code.
    let (_, adoption) = app.get_standard("TCVN ISO 9001:2015").await;
    assert_eq!(codes(&adoption["relations"]["adopts"]), vec!["ISO 9001"]);

    // Search by the international code finds the adoption first.
    for (query, expected) in [
        ("ISO 9001:2015", "TCVN ISO 9001:2015"),
        ("ISO/IEC 17025:2017", "TCVN ISO/IEC 17025:2017"),
        ("iso 14001", "TCVN ISO 14001:2015"),
    ] {
        wait_until_searchable(&app, query, expected).await;
    }

    // A record may cite and adopt international documents; it may not replace one.
    let record = concat!(
        r#"{"code": "TCVN 7447-4-41:2010", "title_vi": "Hệ thống lắp đặt điện hạ áp - Phần 4-41: Bảo vệ an toàn - Bảo vệ chống điện giật", "#,
        r#""international_equivalent": "IEC 60364-4-41:2005", "adopts": ["IEC 60364-4-41:2005"], "references": ["ISO 834-10", "BS EN 1366-1:2014"]}"#,
        "\n"
    );
    let (status, report) = import(&app, &admin, record).await;
    assert_eq!((status, report["updated"].as_u64()), (200, Some(1)), "{report}");
    let (_, cited) = app.get_standard("TCVN 7447-4-41:2010").await;
    assert_eq!(codes(&cited["relations"]["adopts"]), vec!["IEC 60364-4-41:2005"]);
    assert_eq!(codes(&cited["relations"]["references"]), vec!["BS EN 1366-1:2014", "ISO 834-10"]);
    assert!(cited["relations"]["references"][0]["slug"].is_null(), "international documents are not catalogued");
    let (_, body) = app.get_standard("IEC 60364-4-41:2005").await;
    assert_eq!(codes(&body["error"]["suggestions"]), vec!["TCVN 7447-4-41:2010"], "adopted by a declared relation");
    wait_until_searchable(&app, "IEC 60364-4-41", "TCVN 7447-4-41:2010").await;
    let (_, item) = app.get_json("/api/v1/relaton/tcvn-7447-4-41-2010?format=json").await;
    let adopted: Vec<&Value> =
        item["relation"].as_array().expect("relations").iter().filter(|r| r["type"] == "adoptedFrom").collect();
    assert_eq!(adopted.len(), 1, "the declared adoption and the equivalent are one document: {item}");
    assert_eq!(adopted[0]["bibitem"]["docid"][0]["type"], "IEC");

    let bad = "{\"code\": \"TCVN 99999:2026\", \"title_vi\": \"x\", \"replaces\": [\"ISO 9001:2008\"]}\n";
    let (status, report) = import(&app, &admin, bad).await;
    assert_eq!(status, 422, "what a TCVN replaces is a Vietnamese code: {report}");

    // The page for an international code points at its adoption.
    let page = app.client.get(format!("{}/tieu-chuan/{}", app.address, encode("ISO 9001:2015"))).send().await;
    let page = page.expect("page");
    assert_eq!(page.status().as_u16(), 404);
    let html = page.text().await.expect("html");
    assert!(html.contains("tài liệu quốc tế") && html.contains("/tieu-chuan/tcvn-iso-9001-2015"), "{html}");
}
