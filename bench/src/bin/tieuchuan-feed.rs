//! The connection standard's figures (`bench/feed-figures`): against a running service, how long
//! a snapshot takes to make (the median of fresh ones) and how large it is, against the baseline of
//! replaying the whole feed, in the same run; and the bytes a follower at the head downloads to
//! follow 100 changes, as sent (identity) and gzip-compressed on the wire.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::Value;

/// The feed's figures on a running service.
#[derive(Debug, Parser)]
struct Args {
    /// The service, e.g. `http://127.0.0.1:18094`.
    #[arg(long)]
    base: String,
    /// The service's data dir (its `snapshots` are removed before each fresh snapshot).
    #[arg(long)]
    data_dir: PathBuf,
    /// An admin account (username:password) that makes the 100 changes.
    #[arg(long)]
    admin: String,
    /// Fresh snapshots made; the median is quoted.
    #[arg(long, default_value_t = 5)]
    runs: usize,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(600))).build().into()
}

/// The body's bytes as sent, asking for gzip or not.
fn fetch(agent: &ureq::Agent, url: &str, gzip: bool) -> Result<Vec<u8>, String> {
    let encoding = if gzip { "gzip" } else { "identity" };
    let mut response = agent.get(url).header("accept-encoding", encoding).call().map_err(|e| format!("{url}: {e}"))?;
    response.body_mut().with_config().limit(u64::MAX).read_to_vec().map_err(|e| format!("{url}: {e}"))
}

fn json(agent: &ureq::Agent, url: &str) -> Result<Value, String> {
    serde_json::from_slice(&fetch(agent, url, false)?).map_err(|e| format!("{url}: {e}"))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Follows the feed from `after` to the head: entries, bytes as sent, bytes gzip-compressed.
fn follow(agent: &ureq::Agent, base: &str, mut after: i64) -> Result<(usize, usize, usize), String> {
    let (mut entries, mut identity, mut gzip) = (0, 0, 0);
    loop {
        let url = format!("{base}/api/v1/changes?after={after}");
        let plain = fetch(agent, &url, false)?;
        gzip += fetch(agent, &url, true)?.len();
        identity += plain.len();
        let page: Value = serde_json::from_slice(&plain).map_err(|e| e.to_string())?;
        let count = page["entries"].as_array().map_or(0, Vec::len);
        if count == 0 {
            return Ok((entries, identity, gzip));
        }
        entries += count;
        after = page["next_after"].as_i64().ok_or("no next_after")?;
    }
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    let agent = agent();
    let base = args.base.trim_end_matches('/');
    let started = Instant::now();
    let (entries, replay_bytes, replay_gzip) = follow(&agent, base, 0)?;
    let replay_ms = started.elapsed().as_secs_f64() * 1e3;

    let mut made_ms = Vec::new();
    let mut manifest = Value::Null;
    for _ in 0..args.runs.max(1) {
        let _ = std::fs::remove_dir_all(args.data_dir.join("snapshots"));
        let started = Instant::now();
        manifest = json(&agent, &format!("{base}/api/v1/snapshot"))?;
        made_ms.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let file = &manifest["manifest"]["file"];
    let path = file["path"].as_str().ok_or("no file")?;
    let started = Instant::now();
    let bytes = fetch(&agent, &format!("{base}{path}"), false)?;
    let download_ms = started.elapsed().as_secs_f64() * 1e3;

    let (user, password) = args.admin.split_once(':').ok_or("--admin is username:password")?;
    let login = agent
        .post(format!("{base}/api/v1/auth/login"))
        .header("content-type", "application/json")
        .send(serde_json::json!({"username": user, "password": password}).to_string())
        .map_err(|e| e.to_string())?
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    let token = serde_json::from_str::<Value>(&login).map_err(|e| e.to_string())?["access_token"]
        .as_str()
        .ok_or("no token")?
        .to_string();
    let head = json(&agent, &format!("{base}/api/v1/checkpoint"))?["checkpoint"]["seq"].as_i64().ok_or("no seq")?;
    let rows: String = (0..100).map(|i| format!("TCVN {}:2026,Tiêu chuẩn đo thay đổi số {i}\n", 90_000 + i)).collect();
    agent
        .post(format!("{base}/api/v1/imports"))
        .header("content-type", "text/csv")
        .header("authorization", format!("Bearer {token}"))
        .send(format!("code,title_vi\n{rows}"))
        .map_err(|e| e.to_string())?;
    let (changes, change_bytes, change_gzip) = follow(&agent, base, head)?;

    println!("| figure | value |\n|---|---:|");
    println!("| records in the snapshot | {} |", manifest["manifest"]["count"]);
    println!("| snapshot made (median of {} fresh ones) | {:.0} ms |", made_ms.len(), median(made_ms));
    println!("| snapshot file (gzip JSON Lines) | {:.2} MB ({} bytes) |", bytes.len() as f64 / 1e6, bytes.len());
    println!("| snapshot downloaded over loopback | {download_ms:.0} ms |");
    println!(
        "| baseline: the whole feed replayed ({entries} entries) | {replay_ms:.0} ms, {:.2} MB as sent, {:.2} MB gzip |",
        replay_bytes as f64 / 1e6,
        replay_gzip as f64 / 1e6
    );
    println!(
        "| a follower at the head follows {changes} changes | {change_bytes} bytes as sent, {change_gzip} bytes gzip |"
    );
    Ok(())
}
