//! OData v4 (#13) over HTTP: the service document and `$metadata`, each query option, nulls as
//! OData compares and sorts them, server paging with next links, one entity by key, and what is
//! refused (400 for malformed, 501 for unimplemented OData), always with `OData-Version: 4.0`.
//! (The real client, python-odata, runs in `tests/clients`.)

use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

async fn odata(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app.client.get(format!("{}/odata{path}", app.address)).send().await.expect("odata");
    assert_eq!(response.headers()["odata-version"], "4.0", "{path}");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

fn codes(body: &Value) -> Vec<String> {
    body["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|e| e["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn the_entity_set_answers_each_query_option() {
    let app = spawn_app().await;
    let (status, service) = odata(&app, "/").await;
    assert_eq!((status, service["value"][0]["url"].as_str()), (200, Some("Standards")));
    let metadata = app.client.get(format!("{}/odata/$metadata", app.address)).send().await.expect("metadata");
    let xml = metadata.text().await.expect("xml");
    assert!(xml.contains(r#"<EntitySet Name="Standards" EntityType="TieuChuan.Standard"/>"#), "{xml}");
    assert!(xml.contains(r#"<Property Name="issued_date" Type="Edm.Date" Nullable="true"/>"#));

    let (_, page) = odata(&app, "/Standards?$count=true").await;
    assert_eq!(page["@odata.count"], crate::helpers::seed_records());
    assert_eq!(page["value"].as_array().map(Vec::len), Some(100), "server paging: 100 a page");
    let next = page["@odata.nextLink"].as_str().expect("a next link");
    assert!(next.contains("%24skip=100"), "{next}");
    let mut seen = codes(&page).len();
    let mut link = next.to_string();
    loop {
        let path = link.split("/odata").nth(1).expect("ours").to_string();
        let (_, page) = odata(&app, &path).await;
        seen += codes(&page).len();
        match page["@odata.nextLink"].as_str() {
            Some(next) => link = next.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, crate::helpers::seed_records(), "the next links reach every standard once");

    let (_, regulations) = odata(&app, "/Standards?$filter=kind%20eq%20'QCVN'%20and%20issuer_code%20eq%20'BXD'&$select=code,year&$orderby=year%20desc,code&$top=5").await;
    let first = &regulations["value"][0];
    assert_eq!(first.as_object().map(|o| o.len()), Some(2), "$select: {first}");
    assert!(codes(&regulations).iter().all(|c| c.ends_with("/BXD")));
    assert!(regulations.get("@odata.nextLink").is_none(), "$top=5 is all that was asked");
    let years: Vec<i64> =
        regulations["value"].as_array().expect("v").iter().filter_map(|e| e["year"].as_i64()).collect();
    assert!(years.windows(2).all(|w| w[0] >= w[1]), "{years:?}");

    let count = |path: &'static str| {
        let app = &app;
        async move {
            app.client
                .get(format!("{}/odata{path}", app.address))
                .send()
                .await
                .expect("count")
                .text()
                .await
                .expect("text")
        }
    };
    let all: i64 = count("/Standards/$count").await.parse().expect("a number");
    let dated: i64 = count("/Standards/$count?$filter=year%20ne%20null").await.parse().expect("n");
    let undated: i64 = count("/Standards/$count?$filter=year%20eq%20null").await.parse().expect("n");
    let not_2012: i64 = count("/Standards/$count?$filter=year%20ne%202012").await.parse().expect("n");
    let in_2012: i64 = count("/Standards/$count?$filter=year%20eq%202012").await.parse().expect("n");
    assert_eq!(dated + undated, all);
    assert_eq!(not_2012 + in_2012, all, "ne is true of a null, as OData says");
    let (_, nulls_first) = odata(&app, "/Standards?$orderby=year&$select=year&$top=1").await;
    let (_, nulls_last) = odata(&app, "/Standards?$orderby=year%20desc&$select=year&$top=1").await;
    if undated > 0 {
        assert_eq!(nulls_first["value"][0]["year"], Value::Null, "nulls sort first ascending");
    }
    assert!(nulls_last["value"][0]["year"].is_i64(), "and last descending");
    let (_, ends) =
        odata(&app, "/Standards?$filter=endswith(code,'/BXD')%20and%20not%20startswith(code,'QCVN%2006')&$top=1000")
            .await;
    assert!(codes(&ends).iter().all(|c| c.ends_with("/BXD") && !c.starts_with("QCVN 06")));
    let (_, exact) = odata(&app, "/Standards?$filter=contains(title_vi,'CHÁY')").await;
    assert_eq!(codes(&exact).len(), 0, "contains is case-sensitive on both backends");
    let (status, one) = odata(&app, "/Standards('qcvn-06-2022-bxd')").await;
    assert_eq!((status, one["code"].as_str()), (200, Some("QCVN 06:2022/BXD")));
    let since: i64 =
        count("/Standards/$count?$filter=updated_at%20gt%202020-01-01T00:00:00Z").await.parse().expect("n");
    let future: i64 =
        count("/Standards/$count?$filter=updated_at%20gt%202099-01-01T00:00:00%2B07:00").await.parse().expect("n");
    assert_eq!((since, future), (all, 0), "instants with an offset compare");
}

#[tokio::test]
async fn what_is_not_this_subset_is_refused_in_odatas_error_format() {
    let app = spawn_app().await;
    for (path, status) in [
        ("/Standards?$filter=code%20eq", 400),
        ("/Standards?$filter=nothing%20eq%201", 400),
        ("/Standards?$filter=year%20eq%20'x'", 400),
        ("/Standards?$filter=code%20eq%20'a'%20or", 400),
        ("/Standards?$filter=zz(code)", 400),
        ("/Standards?$filter='1'%20eq%20'1';DROP%20TABLE%20standards", 400),
        ("/Standards?$select=password_hash", 400),
        ("/Standards?$orderby=code%20sideways", 400),
        ("/Standards?$top=-1", 400),
        ("/Standards?$top=1&$top=2", 400),
        ("/Standards?$format=xml", 400),
        ("/Standards?$bogus=1", 400),
        ("/Standards?$expand=relations", 501),
        ("/Standards?$search=ch%C3%A1y", 501),
        ("/Standards?$filter=length(code)%20eq%203", 501),
        ("/Standards?$filter=year%20add%201%20eq%202013", 501),
        ("/Standards('nothing')", 404),
    ] {
        let (got, body) = odata(&app, path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{path}: {body}");
    }
    let still = app.client.get(format!("{}/odata/Standards/$count", app.address)).send().await.expect("c");
    assert_eq!(still.text().await.expect("t"), crate::helpers::seed_records().to_string(), "nothing was dropped");
}
