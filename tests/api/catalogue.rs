//! The catalogue API: lookups by any spelling, listing, filters, paging, relations.

use crate::helpers::{seed_records_where, spawn_app};

#[tokio::test]
async fn every_spelling_of_a_code_answers_the_same_record() {
    use unicode_normalization::UnicodeNormalization;
    let app = spawn_app().await;
    let nfd: String = "QCVN 26:2016/BLĐTBXH".nfd().collect();
    let cases: &[(&str, &[&str])] = &[
        (
            "QCVN 06:2022/BXD",
            &[
                "QCVN 06:2022/BXD",
                "qcvn 06 2022 bxd",
                "QCVN06:2022/BXD",
                "QCVN 06-2022 BXD",
                "qcvn-06-2022-bxd",
                "QCVN 6:2022/BXD",
            ],
        ),
        ("QCVN 26:2016/BLĐTBXH", &["QCVN 26:2016/BLÐTBXH", "QCVN 26:2016/BLDTBXH", "qcvn 26 2016 bldtbxh", &nfd]),
        ("TCVN 13187:2020", &["TCVN13187:2020", "tcvn 13187 2020", "tcvn-13187-2020"]),
        ("ĐLVN 31:2017", &["DLVN 31:2017", "dlvn 31 2017", "ĐLVN 31:2017", "dlvn-31-2017"]),
        ("QCVN 05:2023/BTNMT", &["QCVN 5:2023/BTNMT", "qcvn 5 2023 btnmt"]),
        ("QCVN 01-190:2020/BNNPTNT", &["QCVN 01-190: 2020/BNNPTNT", "QCVN: 01-190-2020/BNNPTNT"]),
        ("TCVN ISO/IEC 17025:2017", &["tcvn iso/iec 17025:2017", "TCVN ISO/IEC 17025-2017"]),
    ];
    for (expected, spellings) in cases {
        for spelling in *spellings {
            let (status, body) = app.get_standard(spelling).await;
            assert_eq!(status, 200, "{spelling:?} → {body}");
            assert_eq!(body["code"], *expected, "{spelling:?}");
        }
    }
}

#[tokio::test]
async fn the_seed_catalogue_is_served_newest_first_with_provenance() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/standards?per_page=100").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], crate::helpers::seed_records());
    let years: Vec<i64> = body["items"].as_array().expect("items").iter().filter_map(|i| i["year"].as_i64()).collect();
    assert!(years.windows(2).all(|w| w[0] >= w[1]), "newest first: {years:?}");
    let (_, detail) = app.get_standard("QCVN 06:2022/BXD").await;
    assert_eq!(detail["provenance"]["confidence"], "high");
    assert!(detail["provenance"]["source"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(detail["access_level"], "public");
    let (_, tcvn) = app.get_standard("TCVN 5574:2018").await;
    assert_eq!(tcvn["access_level"], "registered");
}

#[tokio::test]
async fn listing_filters_by_kind_status_issuer_and_field() {
    let app = spawn_app().await;
    let total = |body: &serde_json::Value| body["total"].as_i64().expect("total");
    let (_, qcvn) = app.get_json("/api/v1/standards?kind=QCVN").await;
    let (_, tcvn) = app.get_json("/api/v1/standards?kind=tcvn").await;
    let (_, dlvn) = app.get_json("/api/v1/standards?kind=DLVN").await;
    let of_kind = |kind: &str| seed_records_where(|r| r["kind"] == kind) as i64;
    assert_eq!((total(&qcvn), total(&tcvn), total(&dlvn)), (of_kind("QCVN"), of_kind("TCVN"), of_kind("ĐLVN")));
    let (_, labour) = app.get_json("/api/v1/standards?issuer=BLDTBXH&per_page=100").await;
    assert_eq!(total(&labour), seed_records_where(|r| r["issuer_code"] == "BLĐTBXH") as i64);
    assert!(total(&labour) > 0);
    assert!(labour["items"].as_array().expect("items").iter().all(|i| i["issuer_code"] == "BLĐTBXH"));
    let (_, fire) = app.get_json("/api/v1/standards?field=fire_safety&kind=QCVN").await;
    assert!(
        fire["items"].as_array().expect("items").iter().all(|i| i["field"] == "fire_safety" && i["kind"] == "QCVN")
    );
    let (_, replaced) = app.get_json("/api/v1/standards?status=replaced&per_page=100").await;
    let codes: Vec<&str> =
        replaced["items"].as_array().expect("items").iter().filter_map(|i| i["code"].as_str()).collect();
    assert!(codes.contains(&"QCVN 06:2021/BXD") && codes.contains(&"QCVN 19:2009/BTNMT"), "{codes:?}");
}

#[tokio::test]
async fn pages_partition_the_listing_and_per_page_is_capped() {
    let app = spawn_app().await;
    let (_, first) = app.get_json("/api/v1/standards?per_page=50&page=1").await;
    let (_, second) = app.get_json("/api/v1/standards?per_page=50&page=2").await;
    let codes = |b: &serde_json::Value| -> Vec<String> {
        b["items"].as_array().expect("items").iter().map(|i| i["code"].as_str().expect("code").to_string()).collect()
    };
    let (a, b) = (codes(&first), codes(&second));
    assert_eq!((a.len(), b.len()), (50, 50));
    assert!(a.iter().all(|code| !b.contains(code)));
    let (_, capped) = app.get_json("/api/v1/standards?per_page=5000").await;
    assert_eq!(capped["per_page"], 100);
    assert_eq!(codes(&capped).len(), 100);
    let (status, beyond) = app.get_json("/api/v1/standards?page=400").await;
    assert_eq!(status, 200);
    assert_eq!(codes(&beyond).len(), 0);
    assert_eq!(beyond["total"], crate::helpers::seed_records());
}

#[tokio::test]
async fn relations_resolve_in_both_directions_and_keep_unknown_codes() {
    let app = spawn_app().await;
    let (_, current) = app.get_standard("QCVN 06:2022/BXD").await;
    let replaces = &current["relations"]["replaces"][0];
    assert_eq!(replaces["code"], "QCVN 06:2021/BXD");
    assert_eq!(replaces["slug"], "qcvn-06-2021-bxd");
    assert_eq!(replaces["status"], "replaced");
    let (_, older) = app.get_standard("QCVN 06:2021/BXD").await;
    assert_eq!(older["relations"]["replaced_by"][0]["code"], "QCVN 06:2022/BXD");
    // QCVN 19:2024 replaces five 2009 regulations; 19:2009 stores `replaced_by` itself.
    let (_, merged) = app.get_standard("QCVN 19:2024/BTNMT").await;
    assert_eq!(merged["relations"]["replaces"].as_array().expect("list").len(), 5);
    // TCVN 5574:2012 is not in the catalogue: shown as a plain code.
    let (_, concrete) = app.get_standard("TCVN 5574:2018").await;
    let unresolved = &concrete["relations"]["replaces"][0];
    assert_eq!(unresolved["code"], "TCVN 5574:2012");
    assert!(unresolved["slug"].is_null() && unresolved["title_vi"].is_null());
}

#[tokio::test]
async fn a_standard_another_replaces_is_replaced_even_when_its_source_said_unknown() {
    let app = spawn_app().await;
    for code in ["QCVN 19:2009/BTNMT", "QCVN 20:2009/BTNMT"] {
        let (_, body) = app.get_standard(code).await;
        assert_eq!(body["status"], "replaced", "{code}");
    }
    let (_, expired) = app.get_standard("QCVN 14:2008/BTNMT").await;
    assert_eq!(expired["status"], "expired", "a status the source gave is kept");
}

#[tokio::test]
async fn an_undated_code_means_the_newest_edition() {
    let app = spawn_app().await;
    let (status, body) = app.get_standard("TCVN 2737").await;
    assert_eq!((status, body["code"].as_str()), (200, Some("TCVN 2737:2023")));
    let (_, regulation) = app.get_standard("QCVN 10 BXD").await;
    assert_eq!(regulation["code"], "QCVN 10:2024/BXD");
    let (_, undated) = app.get_standard("TCVN 9383").await;
    assert_eq!(undated["code"], "TCVN 9383", "an undated record answers its own code");
}

#[tokio::test]
async fn an_unknown_code_is_404_with_suggestions_from_the_same_series() {
    let app = spawn_app().await;
    let (status, body) = app.get_standard("TCVN 5574:2099").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "standard_not_found");
    assert_eq!(body["error"]["suggestions"][0]["code"], "TCVN 5574:2018");
    let (_, regulation) = app.get_standard("QCVN 06:2019/BXD").await;
    let suggested: Vec<&str> = regulation["error"]["suggestions"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["code"].as_str())
        .collect();
    assert_eq!(suggested.first(), Some(&"QCVN 06:2022/BXD"), "same issuer first: {suggested:?}");
}

#[tokio::test]
async fn every_spelling_seen_in_real_documents_resolves_once_its_code_is_catalogued() {
    use crate::helpers::{TestDatabase, run_cli, spawn_app_on, write_file};
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let records = [
        ("QCVN 01:2008/BLĐTBXH", "Quy chuẩn kỹ thuật quốc gia về an toàn lao động nồi hơi và bình chịu áp lực"),
        ("QCVN 7:2012/BLĐTBXH", "Quy chuẩn kỹ thuật quốc gia về an toàn lao động đối với thiết bị nâng"),
        ("QCVN 10:2008/BTNMT", "Quy chuẩn kỹ thuật quốc gia về chất lượng nước biển ven bờ"),
        ("TCVN 4057:1985", "Hệ thống chỉ tiêu chất lượng sản phẩm xây dựng"),
        ("Sửa đổi 1:2023 QCVN 06:2022/BXD", "Sửa đổi 1:2023 QCVN 06:2022/BXD về An toàn cháy cho nhà và công trình"),
    ];
    let lines: String = records
        .iter()
        .map(|(code, title)| format!("{}\n", serde_json::json!({"code": code, "title_vi": title, "source": "test"})))
        .collect();
    let file = write_file(&app.db, "wild.jsonl", lines.as_bytes());
    let output = run_cli(&app.db, &["import", &file.display().to_string()]);
    assert!(output.status.success(), "{output:?}");
    let spellings = [
        ("QCVN: 01-2008/BLĐTBXH", "QCVN 01:2008/BLĐTBXH"),
        ("QCVN 01:2008/BLÐTBXH", "QCVN 01:2008/BLĐTBXH"),
        ("QCVN 7:2012/BLĐTBXH", "QCVN 7:2012/BLĐTBXH"),
        ("QCVN 07:2012/BLDTBXH", "QCVN 7:2012/BLĐTBXH"),
        ("QCVN 01-190: 2020/BNNPTNT", "QCVN 01-190:2020/BNNPTNT"),
        ("QCVN 10-2008 BTNMT", "QCVN 10:2008/BTNMT"),
        ("TCVN13187:2020", "TCVN 13187:2020"),
        ("TCVN 4057-1985", "TCVN 4057:1985"),
        ("Sửa đổi 1:2023 QCVN 06:2022/BXD", "Sửa đổi 1:2023 QCVN 06:2022/BXD"),
        ("sua doi 1 2023 qcvn 06 2022 bxd", "Sửa đổi 1:2023 QCVN 06:2022/BXD"),
    ];
    for (spelling, expected) in spellings {
        let (status, body) = app.get_standard(spelling).await;
        assert_eq!((status, body["code"].as_str()), (200, Some(expected)), "{spelling}: {body}");
    }
    let (_, base) = app.get_standard("QCVN 06:2022/BXD").await;
    assert_eq!(base["relations"]["amended_by"][0]["code"], "Sửa đổi 1:2023 QCVN 06:2022/BXD");
    let (_, newest) = app.get_standard("QCVN 06 BXD").await;
    assert_eq!(newest["code"], "QCVN 06:2022/BXD", "an amendment is not an edition of its base");
}
