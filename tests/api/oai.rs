//! OAI-PMH at `/oai` (#13), over HTTP: a whole harvest through resumption tokens, sets,
//! incremental harvests with `from`, deleted records kept after a removal, POST, and the error
//! conditions as the protocol's own XML. (The real harvester, sickle, runs in `tests/clients`.)

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestApp, TestDatabase, encode, spawn_app_on};

async fn oai(app: &TestApp, query: &str) -> String {
    let response = app.client.get(format!("{}/oai?{query}", app.address)).send().await.expect("oai");
    assert_eq!(response.status().as_u16(), 200, "{query}");
    assert!(response.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/xml"));
    response.text().await.expect("xml")
}

fn between<'a>(xml: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    xml.split(open).skip(1).filter_map(|part| part.split(close).next()).collect()
}

fn token(xml: &str) -> Option<String> {
    let start = xml.find("<resumptionToken")?;
    let rest = &xml[start..];
    let body = rest.split_once('>')?.1;
    let value = body.split("</resumptionToken>").next().unwrap_or_default();
    (!rest.starts_with("<resumptionToken/>") && !value.is_empty()).then(|| value.to_string())
}

async fn harvest_all(app: &TestApp, first: &str) -> Vec<String> {
    let mut xml = oai(app, first).await;
    let mut identifiers: Vec<String> =
        between(&xml, "<identifier>", "</identifier>").into_iter().map(String::from).collect();
    let mut pages = 1;
    while let Some(next) = token(&xml) {
        let verb = if first.contains("ListIdentifiers") { "ListIdentifiers" } else { "ListRecords" };
        xml = oai(app, &format!("verb={verb}&resumptionToken={}", encode(&next))).await;
        identifiers.extend(between(&xml, "<identifier>", "</identifier>").into_iter().map(String::from));
        pages += 1;
        assert!(pages < 100, "the tokens end");
    }
    assert!(xml.contains("<resumptionToken/>") || pages == 1, "a resumed list ends with an empty token");
    identifiers
}

#[tokio::test]
async fn a_whole_harvest_pages_through_tokens_and_sets_select() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let identify = oai(&app, "verb=Identify").await;
    assert!(identify.contains("<deletedRecord>persistent</deletedRecord>"));
    assert!(identify.contains("<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"));
    let all = harvest_all(&app, "verb=ListRecords&metadataPrefix=oai_dc").await;
    // Every standard once, the seed's removed record as a deleted one.
    assert_eq!(all.len(), crate::helpers::catalogued_where(|_| true), "every standard once");
    let mut distinct = all.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), all.len(), "no standard twice");
    let regulations = harvest_all(&app, "verb=ListIdentifiers&metadataPrefix=tieuchuan&set=kind:qcvn").await;
    assert_eq!(regulations.len(), crate::helpers::catalogued_where(|r| r["kind"] == "QCVN"));
    let construction = harvest_all(&app, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=field:construction").await;
    assert_eq!(construction.len(), crate::helpers::catalogued_where(|r| r["field"] == "construction"));
    let sets = oai(&app, "verb=ListSets").await;
    for spec in ["kind", "kind:tcvn", "issuer:BXD", "field:fire_safety"] {
        assert!(sets.contains(&format!("<setSpec>{spec}</setSpec>")), "{spec}");
    }
    let record =
        oai(&app, "verb=GetRecord&metadataPrefix=tieuchuan&identifier=oai:tieuchuan.gov.vn:qcvn-06-2022-bxd").await;
    assert!(record.contains("<code>QCVN 06:2022/BXD</code>"), "{record}");
    let posted = app
        .client
        .post(format!("{}/oai", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai%3Atieuchuan.gov.vn%3Aqcvn-06-2022-bxd")
        .send()
        .await
        .expect("post");
    assert!(posted.text().await.expect("xml").contains("<dc:identifier>QCVN 06:2022/BXD</dc:identifier>"));
}

#[tokio::test]
async fn an_incremental_harvest_sees_changes_and_removals_as_deleted_records() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let admin = token_for(account("oai.admin").role("admin").province(None).insert(&app));
    // Datestamps have seconds granularity: start the next second after the seed.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let since = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert!(
        oai(&app, &format!("verb=ListIdentifiers&metadataPrefix=oai_dc&from={since}")).await.contains("noRecordsMatch")
    );
    let csv = "code,title_vi\nTCVN 14993:2026,Ống nhựa - Phương pháp thử\n";
    let imported = (app.client.post(format!("{}/api/v1/imports", app.address)))
        .header("content-type", "text/csv")
        .bearer_auth(&admin)
        .body(csv)
        .send()
        .await
        .expect("import");
    assert_eq!(imported.status().as_u16(), 200);
    let removed = (app.client.delete(format!("{}/api/v1/standards/tcvn-9362-2012?reason=duplicate", app.address)))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("remove");
    assert_eq!(removed.status().as_u16(), 200);
    let changed = oai(&app, &format!("verb=ListIdentifiers&metadataPrefix=oai_dc&from={since}")).await;
    let identifiers = between(&changed, "<identifier>", "</identifier>");
    assert_eq!(
        identifiers,
        ["oai:tieuchuan.gov.vn:tcvn-14993-2026", "oai:tieuchuan.gov.vn:tcvn-9362-2012"],
        "{changed}"
    );
    assert!(changed.contains(r#"<header status="deleted">"#));
    let deleted =
        oai(&app, "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:tieuchuan.gov.vn:tcvn-9362-2012").await;
    assert!(deleted.contains(r#"<header status="deleted">"#) && !deleted.contains("<metadata>"), "{deleted}");
    assert!(deleted.contains("<setSpec>kind:tcvn</setSpec>"), "a deleted record keeps its sets: {deleted}");
    let in_set = harvest_all(&app, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=kind:tcvn").await;
    assert!(in_set.iter().any(|id| id.ends_with("tcvn-9362-2012")), "a set harvest lists the deleted record");
}

#[tokio::test]
async fn every_error_condition_is_answered_in_the_protocol() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    for (query, code) in [
        ("", "badVerb"),
        ("verb=Explode", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=Identify&extra=1", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-12-02&until=2026-12-01", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-12-02&until=2026-12-03T00:00:00Z", "badArgument"),
        ("verb=ListRecords&resumptionToken=forged", "badResumptionToken"),
        ("verb=ListRecords&resumptionToken=x&metadataPrefix=oai_dc", "badArgument"),
        ("verb=ListSets&resumptionToken=x", "badResumptionToken"),
        ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
        (
            "verb=GetRecord&metadataPrefix=marc21&identifier=oai:tieuchuan.gov.vn:qcvn-06-2022-bxd",
            "cannotDisseminateFormat",
        ),
        ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:tieuchuan.gov.vn:nothing", "idDoesNotExist"),
        ("verb=GetRecord&metadataPrefix=oai_dc&identifier=qcvn-06-2022-bxd", "idDoesNotExist"),
        ("verb=ListMetadataFormats&identifier=oai:elsewhere:x", "idDoesNotExist"),
        ("verb=ListIdentifiers&metadataPrefix=oai_dc&set=kind:iso", "noRecordsMatch"),
        ("verb=ListIdentifiers&metadataPrefix=oai_dc&until=1990-01-01", "noRecordsMatch"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=%00%01", "badArgument"),
    ] {
        let xml = oai(&app, query).await;
        assert!(xml.contains(&format!(r#"<error code="{code}">"#)), "{query}: {xml}");
        if matches!(code, "badVerb" | "badArgument") {
            assert!(xml.contains("<request>"), "no attributes echoed after {code}: {xml}");
        }
    }
    let unsupported = (app.client.post(format!("{}/oai", app.address)))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("post");
    assert_eq!(unsupported.status().as_u16(), 415);
}
