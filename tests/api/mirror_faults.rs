//! A mirror on a bad line (#14): between it and its upstream a fault-injecting proxy adds latency,
//! holds the line to 256 kbit/s, cuts answers in the middle, truncates them, and answers some feed
//! requests with a stale page. Through all of it, and through the line going down for a while and
//! 1,000 changes made while the mirror is killed, the mirror ends with the upstream's catalogue
//! digest, applies every upstream entry exactly once, serves a restricted text fetched over the
//! bad line, and the upstream counts each of its reads exactly once.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::accounts_helpers::account;
use crate::fault_proxy::{FaultProxy, slow_line};
use crate::mirror_accounts::{read, reading_session, upstream_reads, upstream_with_text};
use crate::mirror_helpers::{Mirror, import, upstream_digest};

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
