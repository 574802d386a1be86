//! Provincial mirrors (#14), as real processes: a mirror (a second `tieuchuan serve` with
//! `upstream` set, on its own database) loads the upstream's snapshot, follows its feed and holds
//! exactly the upstream's catalogue (the same canonical digest); it converges after being killed
//! with SIGKILL while changes go on, applies each upstream entry exactly once, resyncs after an
//! epoch change, stops at a tampered entry and says so, and refuses catalogue writes naming the
//! upstream.

use std::process::Command;
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use serde_json::Value;

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestDatabase, spawn_app_on};
use crate::mirror_helpers::{Mirror, import, upstream_digest};
use tieuchuan::db::DbConnection;

#[tokio::test]
async fn a_mirror_holds_the_upstreams_catalogue_and_converges_after_a_kill() {
    let upstream = spawn_app_on(TestDatabase::seeded(), |s| s.snapshot_interval_seconds = 0).await;
    let admin = token_for(account("mirror.admin").role("admin").province(None).insert(&upstream));
    let mut mirror = Mirror::start(&upstream).await;
    let ready = mirror.caught_up(&upstream).await;
    assert_eq!(ready["mirror"]["halted"], Value::Null, "{ready}");
    assert_eq!(ready["standards"], crate::helpers::seed_records());
    assert_eq!(mirror.digest(), upstream_digest(&upstream), "the snapshot is the upstream's catalogue");

    import(&upstream, &admin, "code,title_vi\nTCVN 14995:2026,Bê tông nhẹ - Yêu cầu kỹ thuật\n".into()).await;
    let removed =
        (upstream.client.delete(format!("{}/api/v1/standards/tcvn-9362-2012?reason=duplicate", upstream.address)))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("remove");
    assert_eq!(removed.status().as_u16(), 200);
    mirror.caught_up(&upstream).await;
    assert_eq!(mirror.digest(), upstream_digest(&upstream), "changes and a removal arrive");
    let mut found = false;
    for _ in 0..50 {
        let search: Value = reqwest::get(format!("{}/api/v1/search?q=TCVN%2014995", mirror.address()))
            .await
            .expect("search")
            .json()
            .await
            .expect("json");
        found = search["hits"].as_array().is_some_and(|hits| hits.iter().any(|h| h["code"] == "TCVN 14995:2026"));
        if found {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(found, "the mirror's search index follows what it applied");

    // Killed, and 300 changes while it is down, then killed again mid-apply.
    mirror.kill();
    let rows: String =
        (0..300).map(|i| format!("TCVN {}:2026,Tiêu chuẩn trong lúc mất kết nối {i}\n", 30_000 + i)).collect();
    import(&upstream, &admin, format!("code,title_vi\n{rows}")).await;
    mirror.restart();
    tokio::time::sleep(Duration::from_millis(400)).await;
    mirror.restart();
    mirror.caught_up(&upstream).await;
    assert_eq!(mirror.digest(), upstream_digest(&upstream), "it converges after SIGKILL");
    let applications = mirror.applications();
    assert!(applications.len() >= 302, "{}", applications.len());
    assert!(applications.iter().all(|(_, times)| *times == 1), "every upstream entry applied exactly once");
}

#[tokio::test]
async fn a_mirror_resyncs_after_an_epoch_change_and_stops_at_a_tampered_entry() {
    let upstream = spawn_app_on(TestDatabase::seeded(), |s| s.snapshot_interval_seconds = 0).await;
    let admin = token_for(account("mirror.admin2").role("admin").province(None).insert(&upstream));
    let mut mirror = Mirror::start(&upstream).await;
    let first = mirror.caught_up(&upstream).await;

    let output = tokio::task::spawn_blocking({
        let (url, dir) = (upstream.db.url.clone(), upstream.db.dir.path().to_path_buf());
        move || {
            Command::new(env!("CARGO_BIN_EXE_tieuchuan"))
                .arg("new-epoch")
                .env("DATABASE_URL", url)
                .env("TIEUCHUAN_DATA_DIR", dir.join("data"))
                .env_remove("TIEUCHUAN_CONFIG")
                .output()
                .expect("new-epoch")
        }
    })
    .await
    .expect("ran");
    assert!(output.status.success());
    let after = mirror.caught_up(&upstream).await;
    assert_ne!(after["mirror"]["epoch"], first["mirror"]["epoch"], "the mirror moved to the new epoch");
    assert_eq!(mirror.digest(), upstream_digest(&upstream));

    mirror.kill();
    import(&upstream, &admin, "code,title_vi\nTCVN 14996:2026,Gạch ốp lát\n".into()).await;
    let head = tieuchuan::db::change_log::latest_seq(&mut upstream.db.connect()).expect("head");
    let mut conn = upstream.db.connect();
    let drop_guard = match &*conn {
        DbConnection::Sqlite(_) => "DROP TRIGGER change_log_no_update",
        DbConnection::Postgresql(_) => "DROP TRIGGER change_log_no_update_or_delete ON change_log",
    };
    diesel::sql_query(drop_guard).execute(&mut *conn).expect("the guard dropped, as an intruder would");
    let tamper =
        format!("UPDATE change_log SET record = replace(record, 'Gạch ốp lát', 'Gạch giả') WHERE seq = {head}");
    assert_eq!(diesel::sql_query(tamper).execute(&mut *conn).expect("tampered"), 1);
    mirror.restart();
    let started = Instant::now();
    let halted = loop {
        if let Some(ready) = mirror.readiness().await
            && ready["status"] == "halted"
        {
            break ready;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the mirror did not stop");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let reason = halted["mirror"]["halted"].as_str().unwrap_or_default();
    assert!(reason.contains(&format!("entry {head}")), "{halted}");
    assert_eq!(halted["mirror"]["seq"], head - 1, "nothing of the tampered entry was applied");
}

#[tokio::test]
async fn catalogue_writes_on_a_mirror_are_refused_naming_the_upstream() {
    let upstream = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let mirror = Mirror::start(&upstream).await;
    mirror.caught_up(&upstream).await;
    // Its pages say whose mirror it is and when it last held the upstream's head.
    let started = Instant::now();
    loop {
        let page = reqwest::get(format!("{}/tieu-chuan/qcvn-06-2022-bxd", mirror.address()))
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        if page.contains(&format!("Bản sao của {}", upstream.address)) && page.contains("đồng bộ lần cuối")
        {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no sync time on the page: {page}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let home = reqwest::get(format!("{}/?lang=en", mirror.address())).await.expect("home").text().await.expect("html");
    assert!(home.contains("A mirror of") && home.contains("last synced"), "{home}");
    let national = reqwest::get(format!("{}/", upstream.address)).await.expect("home").text().await.expect("html");
    assert!(!national.contains("mirror-note"), "the national pages carry no mirror note");
    let response = (reqwest::Client::new().post(format!("{}/api/v1/imports", mirror.address())))
        .header("content-type", "text/csv")
        .body("code,title_vi\nTCVN 14997:2026,Không được ghi\n")
        .send()
        .await
        .expect("import");
    assert_eq!(response.status().as_u16(), 409);
    let body: Value = response.json().await.expect("envelope");
    assert_eq!(body["error"]["code"], "read_only_mirror");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains(&upstream.address)), "{body}");
    let removal = (reqwest::Client::new().delete(format!("{}/api/v1/standards/qcvn-06-2022-bxd", mirror.address())))
        .send()
        .await
        .expect("delete");
    assert_eq!(removal.status().as_u16(), 409);
    // Correcting what a text cites is a catalogue write too; watchlists live with the accounts.
    let reference = (reqwest::Client::new()
        .post(format!("{}/api/v1/standards/qcvn-04-2021-bxd/references", mirror.address())))
    .json(&serde_json::json!({"code": "TCVN 2622:1995"}))
    .send()
    .await
    .expect("reference");
    assert_eq!(reference.status().as_u16(), 409);
    let watch = (reqwest::Client::new().post(format!("{}/api/v1/me/watches", mirror.address())))
        .json(&serde_json::json!({"series": "QCVN 06"}))
        .send()
        .await
        .expect("watch");
    let body: Value = watch.json().await.expect("envelope");
    assert_eq!(body["error"]["code"], "accounts_at_upstream", "{body}");
}

#[tokio::test]
async fn a_mirror_keeps_the_public_texts_and_searches_their_bodies() {
    let upstream = spawn_app_on(TestDatabase::seeded(), |s| s.snapshot_interval_seconds = 0).await;
    let admin = token_for(account("mirror.texts.admin").role("admin").province(None).insert(&upstream));
    let public = "# QCVN 06:2022/BXD\n\nLối thoát nạn phải có chiều rộng thông thủy không nhỏ hơn quy định.\n"
        .repeat(30)
        .into_bytes();
    let (status, _) =
        crate::texts::upload(&upstream, &admin, "QCVN 06:2022/BXD", "qcvn-06.md", public.clone(), None).await;
    assert_eq!(status, 201);
    let mirror = Mirror::start(&upstream).await;
    mirror.caught_up(&upstream).await;
    // A text added once the mirror follows arrives too.
    let later = "# ĐLVN 31:2017\n\nQuy trình kiểm định máy đo pH bằng dung dịch chuẩn.\n".repeat(10).into_bytes();
    let (status, _) = crate::texts::upload(&upstream, &admin, "ĐLVN 31:2017", "dlvn.md", later.clone(), None).await;
    assert_eq!(status, 201);
    let restricted = "# TCVN 4453:1995\n\nChỉ dành cho thanh tra.\n".as_bytes().to_vec();
    let (status, _) =
        crate::texts::upload(&upstream, &admin, "TCVN 4453:1995", "t.md", restricted, Some("inspectors")).await;
    assert_eq!(status, 201);
    mirror.caught_up(&upstream).await;
    for bytes in [&public, &later] {
        let hash = tieuchuan::domain::digest::sha256_hex(bytes);
        let started = Instant::now();
        loop {
            let response = reqwest::get(format!("{}/api/v1/texts/{hash}", mirror.address())).await.expect("text");
            if response.status().as_u16() == 200 {
                assert_eq!(
                    response.bytes().await.expect("bytes").as_ref(),
                    bytes.as_slice(),
                    "the mirror serves the same bytes"
                );
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "the mirror did not fetch the text");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let started = Instant::now();
    loop {
        let search: Value = reqwest::get(format!(
            "{}/api/v1/search?q=m%C3%A1y%20%C4%91o%20pH%20dung%20d%E1%BB%8Bch%20chu%E1%BA%A9n",
            mirror.address()
        ))
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
        if search["hits"].as_array().is_some_and(|hits| hits.iter().any(|h| h["code"] == "ĐLVN 31:2017")) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the mirror's search does not find the body: {search}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(mirror.digest(), upstream_digest(&upstream), "fetching texts changes no record");
    let metrics =
        reqwest::get(format!("{}/metrics", mirror.address())).await.expect("metrics").text().await.expect("text");
    assert!(
        metrics.contains("tieuchuan_mirror_sequence") && metrics.contains("tieuchuan_mirror_lag_seconds 0"),
        "{metrics}"
    );
}
