//! Snapshots of the connection standard (#13): a follower starts from a snapshot and follows the
//! feed, and holds exactly what a follower that replayed the whole epoch holds; the data file is
//! the same bytes whenever it is made at one seq, resumes with `Range`, and is immutable; a new
//! snapshot waits for the interval; public texts are fetched by hash, with `Range`, and no other
//! text can be fetched that way.

use serde_json::Value;

use crate::accounts_helpers::{account, token_for};
use crate::follower::Follower;
use crate::helpers::{TestApp, TestDatabase, encode, spawn_app_on};
use crate::texts::upload;
use tieuchuan::feed;

fn admin(app: &TestApp) -> String {
    token_for(account("snapshot.admin").role("admin").province(None).insert(app))
}

async fn import_csv(app: &TestApp, admin: &str, csv: &str) {
    let response = (app.client.post(format!("{}/api/v1/imports", app.address)))
        .header("content-type", "text/csv")
        .bearer_auth(admin)
        .body(csv.to_string())
        .send()
        .await
        .expect("import");
    assert_eq!(response.status().as_u16(), 200);
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request")
}

#[tokio::test]
async fn a_follower_from_a_snapshot_holds_what_a_follower_of_the_whole_epoch_holds() {
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.snapshot_interval_seconds = 0).await;
    let admin = admin(&app);
    import_csv(&app, &admin, "code,title_vi\nTCVN 14990:2026,Gạch bê tông - Yêu cầu kỹ thuật\n").await;
    let mut from_snapshot = Follower::default();
    let manifest = from_snapshot.load_snapshot(&app.client, &app.address).await.expect("the snapshot verifies");
    assert_eq!(
        manifest["count"],
        crate::helpers::seed_records() + 1,
        "the seed catalogue and the new record: {manifest}"
    );
    import_csv(
        &app,
        &admin,
        "code,title_vi,status\nTCVN 14990:2026,Gạch bê tông (sửa),in_force\nTCVN 14991:2026,Ngói,unknown\n",
    )
    .await;
    let applied = from_snapshot.sync(&app.client, &app.address).await.expect("the feed after the snapshot verifies");
    assert_eq!(applied, 2, "only what changed after the snapshot");
    from_snapshot.verify_checkpoint(&app.client, &app.address).await.expect("the checkpoint verifies");
    let mut whole = Follower::default();
    whole.sync(&app.client, &app.address).await.expect("the whole epoch verifies");
    let server = feed::record::catalogue_digest(&mut app.db.connect()).expect("digest");
    assert_eq!(from_snapshot.digest(), server, "snapshot plus feed is the catalogue exactly");
    assert_eq!(whole.digest(), server);
    assert_eq!(from_snapshot.records["TCVN 14990:2026"]["title_vi"], "Gạch bê tông (sửa)");
    assert!(
        from_snapshot.downloaded < whole.downloaded,
        "a snapshot is smaller than the epoch's pages: {} and {}",
        from_snapshot.downloaded,
        whole.downloaded
    );
}

#[tokio::test]
async fn a_snapshot_at_one_seq_is_the_same_bytes_and_resumes_with_ranges() {
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.snapshot_interval_seconds = 0).await;
    let first: Value = get(&app, "/api/v1/snapshot", &[]).await.json().await.expect("manifest");
    let again: Value = get(&app, "/api/v1/snapshot", &[]).await.json().await.expect("manifest");
    assert_eq!(first["manifest"], again["manifest"], "nothing changed: the same snapshot");
    // Made again from nothing (another node, or after the files were lost): the same bytes.
    std::fs::remove_dir_all(app.db.dir.path().join("data").join("snapshots")).expect("remove snapshots");
    let remade: Value = get(&app, "/api/v1/snapshot", &[]).await.json().await.expect("manifest");
    assert_eq!(remade["manifest"]["seq"], first["manifest"]["seq"]);
    assert_eq!(remade["manifest"]["file"], first["manifest"]["file"], "a snapshot's file is deterministic");

    let path = first["manifest"]["file"]["path"].as_str().expect("path").to_string();
    let whole = get(&app, &path, &[]).await;
    assert_eq!(whole.status().as_u16(), 200);
    assert_eq!(whole.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.headers()["content-type"], "application/gzip");
    let whole = whole.bytes().await.expect("bytes");
    assert_eq!(whole.len() as u64, first["manifest"]["file"]["size_bytes"].as_u64().expect("size"));
    let head = app.client.head(format!("{}{path}", app.address)).send().await.expect("head");
    assert_eq!(head.headers()["content-length"], whole.len().to_string().as_str());
    let tail = get(&app, &path, &[("range", "bytes=1000-")]).await;
    assert_eq!(tail.status().as_u16(), 206);
    assert_eq!(tail.headers()["content-range"], format!("bytes 1000-{}/{}", whole.len() - 1, whole.len()).as_str());
    assert_eq!(tail.bytes().await.expect("tail"), whole[1000..]);
    let beyond = get(&app, &path, &[("range", &format!("bytes={}-", whole.len() + 10))]).await;
    assert_eq!(beyond.status().as_u16(), 416);
    let body: Value = beyond.json().await.expect("envelope");
    assert_eq!(body["error"]["code"], "range_not_satisfiable");
    for name in ["..%2F..%2Fjwt-secret", "nothing-1.jsonl.gz", "x-1.json"] {
        assert_eq!(get(&app, &format!("/api/v1/snapshot/files/{name}"), &[]).await.status().as_u16(), 404, "{name}");
    }
}

#[tokio::test]
async fn a_new_snapshot_waits_for_the_interval() {
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.snapshot_interval_seconds = 3_600).await;
    let admin = admin(&app);
    let first: Value = get(&app, "/api/v1/snapshot", &[]).await.json().await.expect("manifest");
    import_csv(&app, &admin, "code,title_vi\nTCVN 14992:2026,Vữa xây\n").await;
    let later: Value = get(&app, "/api/v1/snapshot", &[]).await.json().await.expect("manifest");
    assert_eq!(later["manifest"], first["manifest"], "the newest snapshot stands until the interval passes");
    // A follower that starts from it still reaches the head through the feed.
    let mut follower = Follower::default();
    follower.load_snapshot(&app.client, &app.address).await.expect("snapshot");
    assert_eq!(follower.sync(&app.client, &app.address).await.expect("feed"), 1);
    assert!(follower.records.contains_key("TCVN 14992:2026"));
}

#[tokio::test]
async fn public_texts_are_fetched_by_hash_with_ranges_and_no_other_text_is() {
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.snapshot_interval_seconds = 0).await;
    let admin = admin(&app);
    let public = "# QCVN 06:2022/BXD\nAn toàn cháy cho nhà và công trình.\n".repeat(40).into_bytes();
    let (status, _) = upload(&app, &admin, "QCVN 06:2022/BXD", "qcvn-06.md", public.clone(), None).await;
    assert_eq!(status, 201);
    let restricted = b"# DLVN 31:2017\nQuy trinh kiem dinh.\n".to_vec();
    let (status, _) = upload(&app, &admin, "ĐLVN 31:2017", "dlvn.md", restricted.clone(), Some("inspectors")).await;
    assert_eq!(status, 201);

    let signed: Value = get(&app, "/api/v1/snapshot", &[]).await.json().await.expect("manifest");
    let texts = signed["manifest"]["texts"].as_array().expect("texts").clone();
    let public_hash = feed_hash(&public);
    assert!(texts.iter().any(|t| t["sha256"] == public_hash.as_str() && t["format"] == "markdown"), "{texts:?}");
    assert!(!texts.iter().any(|t| t["sha256"] == feed_hash(&restricted).as_str()), "a restricted text is not listed");

    let path = format!("/api/v1/texts/{public_hash}");
    let raw = reqwest::Client::builder().no_gzip().build().expect("client");
    let whole = raw.get(format!("{}{path}", app.address)).send().await.expect("whole");
    assert_eq!(whole.status().as_u16(), 200);
    assert_eq!(whole.headers()["etag"], format!("\"{public_hash}\"").as_str());
    assert_eq!(whole.bytes().await.expect("bytes"), public);
    // Whole, to a client that takes gzip: compressed on the way, with a weak tag; a part never is.
    let gzipped = raw.get(format!("{}{path}", app.address)).header("accept-encoding", "gzip").send().await;
    let gzipped = gzipped.expect("gzipped");
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(gzipped.headers()["etag"], format!("W/\"{public_hash}\"").as_str());
    let sent = gzipped.bytes().await.expect("bytes");
    assert!(sent.len() < public.len() / 3, "{} bytes sent for {}", sent.len(), public.len());
    let mut decoded = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&sent[..]), &mut decoded).expect("gzip");
    assert_eq!(decoded, public);
    let refused = raw.get(format!("{}{path}", app.address)).header("accept-encoding", "gzip;q=0, identity").send();
    assert_eq!(
        refused.await.expect("identity").headers().get("content-encoding").map(|v| v.as_bytes()),
        Some(&b"identity"[..])
    );
    let weak = get(&app, &path, &[("if-none-match", &format!("W/\"{public_hash}\""))]).await;
    assert_eq!(weak.status().as_u16(), 304, "the weak tag revalidates");
    let part = raw.get(format!("{}{path}", app.address)).header("accept-encoding", "gzip").header("range", "bytes=0-");
    let part = part.send().await.expect("part");
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(part.headers()["content-encoding"], "identity");
    assert_eq!(part.bytes().await.expect("part"), public);
    let part = get(&app, &path, &[("range", "bytes=100-199")]).await;
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(part.headers()["content-range"], format!("bytes 100-199/{}", public.len()).as_str());
    assert_eq!(part.bytes().await.expect("part"), public[100..200]);
    let suffix = get(&app, &path, &[("range", "bytes=-10")]).await;
    assert_eq!(suffix.bytes().await.expect("suffix"), public[public.len() - 10..]);
    let stale = get(&app, &path, &[("range", "bytes=0-9"), ("if-range", "\"other\"")]).await;
    assert_eq!(stale.status().as_u16(), 200, "an If-Range that no longer matches gets the whole");
    let unchanged = get(&app, &path, &[("if-none-match", &format!("\"{public_hash}\""))]).await;
    assert_eq!(unchanged.status().as_u16(), 304);
    let head = app.client.head(format!("{}{path}", app.address)).send().await.expect("head");
    assert_eq!(head.status().as_u16(), 200, "HEAD tells a resuming client the length");
    assert_eq!(head.headers()["content-length"], public.len().to_string().as_str());
    assert_eq!(head.bytes().await.expect("no body").len(), 0);
    let beyond = get(&app, &path, &[("range", "bytes=999999-")]).await;
    assert_eq!(beyond.status().as_u16(), 416);
    assert_eq!(beyond.headers()["content-range"], format!("bytes */{}", public.len()).as_str());

    for hash in [feed_hash(&restricted), "0".repeat(64), "not-a-hash".into(), encode("../../etc/passwd")] {
        let response = get(&app, &format!("/api/v1/texts/{hash}"), &[]).await;
        assert_eq!(response.status().as_u16(), 404, "{hash}");
        let body: Value = response.json().await.expect("envelope");
        assert!(body["error"]["code"].is_string());
    }
}

fn feed_hash(bytes: &[u8]) -> String {
    tieuchuan::domain::digest::sha256_hex(bytes)
}
