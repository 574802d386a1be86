//! A mirror on a bad line (#14): between it and its upstream a fault-injecting proxy adds latency,
//! holds the line to 256 kbit/s, cuts answers in the middle, truncates them, and answers some feed
//! requests with a stale page. Through all of it, and through the line going down for a while and
//! 1,000 changes made while the mirror is killed, the mirror ends with the upstream's catalogue
//! digest, applies every upstream entry exactly once, serves a restricted text fetched over the
//! bad line, and the upstream counts each of its reads exactly once. And when the upstream's
//! process itself is killed before the mirror has its latest changes: the mirror serves on (its officials within
//! the minute, then public reading only), restarts from its own database while the upstream is
//! still down, and converges once the upstream is started again, with every read counted once.
//! And the catalogue's changes reach the mirror while a slow line is still carrying its texts.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::accounts_helpers::{account, token_for};
use crate::fault_proxy::{FaultProxy, slow_line};
use crate::helpers::{TestDatabase, encode};
use crate::mirror_accounts::{read, reading_session, sign_in, upstream_reads, upstream_with_text};
use crate::mirror_helpers::{Mirror, import, upstream_digest};
use crate::node::Node;

#[tokio::test]
async fn a_mirror_converges_over_a_slow_line_that_cuts_truncates_repeats_and_goes_down() {
    let (upstream, admin, secret, restricted) = upstream_with_text().await;
    let official = account("faults.official").insert(&upstream);
    let public = "# TCVN 5574:2018\n\nKết cấu bê tông và bê tông cốt thép - Tiêu chuẩn thiết kế.\n".repeat(60);
    let (status, _) = crate::texts::upload(
        &upstream,
        &admin,
        "TCVN 5574:2018",
        "tcvn-5574.md",
        public.clone().into_bytes(),
        Some("public"),
    )
    .await;
    assert_eq!(status, 201);
    let faults = slow_line();
    faults.cut_every.store(4, Ordering::Relaxed);
    faults.truncate_every.store(5, Ordering::Relaxed);
    faults.stale_every.store(3, Ordering::Relaxed);
    let proxy = FaultProxy::start(&upstream.address, faults).await;
    let mut mirror = Mirror::start_via(&upstream, &proxy.address, Some(&secret)).await;
    mirror.caught_up(&upstream).await;
    assert_eq!(mirror.digest(), upstream_digest(&upstream), "the snapshot arrived whole over the bad line");
    let hash = tieuchuan::domain::digest::sha256_hex(public.as_bytes());
    let started = Instant::now();
    while reqwest::get(format!("{}/api/v1/texts/{hash}", mirror.address())).await.map_or(true, |r| r.status() != 200) {
        assert!(started.elapsed() < Duration::from_secs(120), "the public text never arrived\n{}", mirror.log());
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let token = reading_session(&mirror, "faults.official", restricted).await;
    assert_eq!(read(&mirror.address(), &token, restricted).await.0, 200);

    // 1,000 changes while the mirror is down, and the line down when it comes back.
    mirror.kill();
    let mut csv = String::from("code,title_vi\n");
    for i in 0..1000 {
        csv.push_str(&format!("TCVN {}:2026,Vật liệu thử nghiệm số {i}\n", 20000 + i));
    }
    import(&upstream, &admin, csv).await;
    proxy.faults.down.store(true, Ordering::Relaxed);
    mirror.restart();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let ready = mirror.readiness().await.expect("the mirror serves while its line is down");
    assert_eq!(ready["mirror"]["halted"], serde_json::Value::Null, "a line that is down halts nothing: {ready}");
    proxy.faults.down.store(false, Ordering::Relaxed);
    mirror.caught_up(&upstream).await;
    assert_eq!(mirror.digest(), upstream_digest(&upstream), "it converges\n{}", mirror.log());
    let applications = mirror.applications();
    assert!(applications.len() >= 1000, "{}", applications.len());
    assert!(applications.iter().all(|(_, times)| *times == 1), "every upstream entry applied exactly once");

    // Reads relayed over the bad line are counted once each, though answers were cut and resent.
    let token = reading_session(&mirror, "faults.official", restricted).await;
    for _ in 0..3 {
        assert_eq!(read(&mirror.address(), &token, restricted).await.0, 200);
    }
    let started = Instant::now();
    let expected = (6, 6, 6);
    while upstream_reads(&upstream, official) != expected {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "reads at the upstream: {:?}\n{}",
            upstream_reads(&upstream, official),
            mirror.log()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    eprintln!("bytes through the proxy towards the mirror: {}", proxy.faults.bytes_down.load(Ordering::Relaxed));
}

async fn search_codes(address: &str, query: &str) -> Vec<String> {
    let Ok(response) = reqwest::get(format!("{address}/api/v1/search?q={}", encode(query))).await else {
        return Vec::new();
    };
    let body: Value = response.json().await.unwrap_or_default();
    let hits = body["hits"].as_array().cloned().unwrap_or_default();
    hits.iter().filter_map(|hit| hit["code"].as_str().map(str::to_string)).collect()
}

#[tokio::test]
async fn a_mirror_outlives_its_upstream_process_killed_before_it_sent_300_changes() {
    let db = TestDatabase::new();
    let admin = token_for(account("down.admin").role("admin").province(None).insert_into(&db));
    let mut node = Node::start(&db, "national");
    node.ready().await;
    let official = account("down.official").insert_into(&db);
    let national = node.app(db);
    let text = "# QCVN 06:2022/BXD\n\nPhần dành cho cán bộ.\n".as_bytes().to_vec();
    let (status, uploaded) =
        crate::texts::upload(&national, &admin, "QCVN 06:2022/BXD", "q.md", text, Some("registered")).await;
    assert_eq!(status, 201, "{uploaded}");
    let text = uploaded["id"].as_i64().expect("id");
    let issued = json!({"name": "Cổng Hà Tĩnh", "province": "ha-tinh"});
    let (status, issued) = national.call("POST", "/api/v1/mirrors", Some(&admin), Some(issued)).await;
    assert_eq!(status, 201, "{issued}");
    let mut mirror = Mirror::start_with(&national, issued["secret"].as_str()).await;
    mirror.caught_up(&national).await;
    let token = reading_session(&mirror, "down.official", text).await;

    // 300 changes, and the upstream's process killed before the mirror has them all.
    let mut csv = String::from("code,title_vi\n");
    for i in 0..300 {
        csv.push_str(&format!("TCVN {}:2026,Vật liệu khi cổng quốc gia tắt {i}\n", 40000 + i));
    }
    import(&national, &admin, csv).await;
    node.kill();

    // The mirror serves on: search, records, and its officials while their accounts were
    // confirmed under a minute ago; what needs the upstream now says so.
    let found = search_codes(&mirror.address(), "QCVN 06:2022").await;
    assert!(found.contains(&"QCVN 06:2022/BXD".to_string()), "{found:?} {:?}", mirror.readiness().await);
    let ready = mirror.readiness().await.expect("the mirror answers /readyz");
    assert_eq!(ready["status"], "ready", "{ready}");
    for _ in 0..2 {
        assert_eq!(read(&mirror.address(), &token, text).await.0, 200, "{}", mirror.log());
    }
    let (status, refused) = sign_in(&mirror.address(), "down.official").await;
    assert_eq!((status, refused["error"]["code"].as_str()), (503, Some("upstream_unreachable")), "{refused}");

    // Restarted while the upstream is still down: it serves its catalogue from its own database;
    // a token it cannot check yet is not called invalid.
    mirror.restart();
    let started = Instant::now();
    while search_codes(&mirror.address(), "QCVN 06:2022").await.is_empty() {
        assert!(started.elapsed() < Duration::from_secs(60), "the restarted mirror never served\n{}", mirror.log());
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let (status, waiting) = read(&mirror.address(), &token, text).await;
    assert_eq!(
        (status, waiting["error"]["code"].as_str()),
        (503, Some("upstream_unreachable")),
        "{waiting}\n{}",
        mirror.log()
    );

    // The upstream is started again: the mirror converges, applies every entry once, and the
    // reads made while the upstream was down reach the usage report once each.
    node.restart(&national.db);
    node.ready().await;
    mirror.caught_up(&national).await;
    assert_eq!(mirror.digest(), upstream_digest(&national), "it converges\n{}", mirror.log());
    assert!(mirror.applications().iter().all(|(_, times)| *times == 1), "every upstream entry applied once");
    let token = reading_session(&mirror, "down.official", text).await;
    assert_eq!(read(&mirror.address(), &token, text).await.0, 200);
    let started = Instant::now();
    while upstream_reads(&national, official) != (5, 5, 5) {
        let reads = upstream_reads(&national, official);
        assert!(started.elapsed() < Duration::from_secs(60), "reads at the upstream: {reads:?}\n{}", mirror.log());
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn the_catalogue_follows_while_a_slow_line_still_carries_the_texts() {
    let (upstream, admin, _, _) = upstream_with_text().await;
    let codes: Vec<String> = (0..6).map(|i| format!("TCVN {}:2026", 41000 + i)).collect();
    let rows: String = codes.iter().map(|code| format!("{code},Văn bản dài qua đường chậm\n")).collect();
    import(&upstream, &admin, format!("code,title_vi\n{rows}")).await;
    // Six public texts of 120 KB of hex digits (which gzip halves at best): some twenty seconds
    // of a 256 kbit/s line.
    let mut hashes = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let body: String =
            (0..1900).map(|j| tieuchuan::domain::digest::sha256_hex(format!("{i}/{j}").as_bytes())).collect();
        let text = format!("# {code}\n\n{body}\n").into_bytes();
        hashes.push(tieuchuan::domain::digest::sha256_hex(&text));
        let (status, _) = crate::texts::upload(&upstream, &admin, code, "dai.md", text, Some("public")).await;
        assert_eq!(status, 201);
    }
    let proxy = FaultProxy::start(&upstream.address, slow_line()).await;
    let mirror = Mirror::start_via(&upstream, &proxy.address, None).await;
    mirror.caught_up(&upstream).await;
    let kept = || async {
        let mut kept = 0;
        for hash in &hashes {
            let url = format!("{}/api/v1/texts/{hash}", mirror.address());
            kept += usize::from(reqwest::get(url).await.is_ok_and(|r| r.status() == 200));
        }
        kept
    };

    // A change made now reaches the mirror's search while the texts are still on the line.
    import(&upstream, &admin, "code,title_vi\nTCVN 41999:2026,Thay đổi giữa lúc tải văn bản\n".into()).await;
    let started = Instant::now();
    while !search_codes(&mirror.address(), "TCVN 41999:2026").await.contains(&"TCVN 41999:2026".to_string()) {
        assert!(started.elapsed() < Duration::from_secs(60), "the change never arrived\n{}", mirror.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let on_arrival = kept().await;
    assert!(on_arrival < hashes.len(), "the change waited for all {on_arrival} texts");
    let started = Instant::now();
    while kept().await < hashes.len() {
        assert!(started.elapsed() < Duration::from_secs(240), "the texts never all arrived\n{}", mirror.log());
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    eprintln!(
        "the change arrived with {on_arrival} of {} texts kept; all kept after {:?}",
        hashes.len(),
        started.elapsed()
    );
}
