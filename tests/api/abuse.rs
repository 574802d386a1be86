//! Holding under abuse (#12): a flood of connections that send a head and one byte of a body,
//! from one address, is refused past its limit and cut off when the body stops, while a new
//! client still gets `/healthz`; made-up method names never become metric labels; an upload the
//! caller may not make is refused before its body is read.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestDatabase, spawn_app_on};

/// A connection from `from` (another loopback address is another client) that sends a request
/// head announcing a body, and one byte of it.
async fn slow_upload(from: [u8; 4], to: &str) -> Option<TcpStream> {
    let socket = TcpSocket::new_v4().ok()?;
    socket.bind((std::net::Ipv4Addr::from(from), 0).into()).ok()?;
    let mut stream = socket.connect(to.parse().ok()?).await.ok()?;
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {to}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).await.ok()?;
    Some(stream)
}

/// Whether the server answered or closed the connection within `wait`.
async fn answered_or_closed(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut buffer = [0u8; 512];
    tokio::time::timeout(wait, stream.read(&mut buffer)).await.is_ok()
}

#[tokio::test]
async fn a_flood_of_slow_bodies_is_bounded_and_a_new_client_still_gets_healthz() {
    let app = spawn_app_on(TestDatabase::seeded(), |s| s.max_connections_per_address = 50).await;
    let to = app.address.trim_start_matches("http://").to_string();
    let mut flood = Vec::new();
    for _ in 0..300 {
        if let Some(stream) = slow_upload([127, 0, 0, 2], &to).await {
            flood.push(stream);
        }
    }
    assert_eq!(flood.len(), 300, "the flood connected");
    let health = app.client.get(format!("{}/healthz", app.address)).timeout(Duration::from_secs(10)).send().await;
    assert_eq!(health.expect("healthz answers during the flood").status().as_u16(), 200);
    // Which 50 were first is the server's accept order; count, do not name them.
    let quick = futures_util::future::join_all(
        flood.iter_mut().map(|stream| answered_or_closed(stream, Duration::from_secs(3))),
    )
    .await;
    let refused = quick.iter().filter(|answered| **answered).count();
    assert_eq!(refused, 250, "every connection past the address's limit is answered and closed at once");
    let mut kept: Vec<TcpStream> =
        flood.into_iter().zip(quick).filter_map(|(stream, answered)| (!answered).then_some(stream)).collect();
    let slow = futures_util::future::join_all(
        kept.iter_mut().map(|stream| answered_or_closed(stream, Duration::from_secs(40))),
    )
    .await;
    let cut = slow.iter().filter(|answered| **answered).count();
    assert_eq!(cut, 50, "a body that stops arriving is cut off");
}

#[tokio::test]
async fn made_up_methods_never_become_metric_labels() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    for n in 0..30 {
        let method = reqwest::Method::from_bytes(format!("JUNK{n}{}", "X".repeat(5_000)).as_bytes()).expect("a token");
        let _ = app.client.request(method, format!("{}/api/v1/standards", app.address)).send().await;
    }
    let metrics = app.client.get(format!("{}/metrics", app.address)).send().await.expect("metrics");
    let text = metrics.text().await.expect("text");
    assert!(!text.contains("JUNK"), "a made-up method is not a label");
    assert!(text.contains("method=\"other\""), "it is counted as `other`");
    assert!(text.len() < 200_000, "metrics stay small: {} bytes", text.len());
}

/// Sends the head of a 50 MB upload to `path` and its first bytes, and reads what comes back
/// before the body would have been sent (the body's idle limit is 20 s; the wait is 10 s).
async fn first_answer_to_a_large_upload(to: &str, path: &str, token: Option<&str>, content_type: &str) -> String {
    let mut stream = TcpStream::connect(to).await.expect("connect");
    let authorization = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {to}\r\n{authorization}Content-Type: {content_type}\r\nContent-Length: 50000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(&[b'x'; 4096]).await.expect("a first part of the body");
    let mut buffer = vec![0u8; 4096];
    match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer)).await {
        Ok(Ok(read)) => String::from_utf8_lossy(&buffer[..read]).lines().next().unwrap_or_default().to_string(),
        _ => String::from("no answer while the body was still to come"),
    }
}

#[tokio::test]
async fn an_upload_the_caller_may_not_make_is_refused_before_its_body_is_read() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let to = app.address.trim_start_matches("http://").to_string();
    let official = token_for(account("upload.official").insert(&app));
    let form = "multipart/form-data; boundary=x";
    for (path, token, content_type, expected) in [
        ("/api/v1/standards/tcvn-5574-2018/documents", None, form, "401"),
        ("/api/v1/standards/tcvn-5574-2018/documents", Some(official.as_str()), form, "403"),
        ("/api/v1/imports", None, "text/csv", "401"),
        ("/api/v1/imports", Some(official.as_str()), "text/csv", "403"),
        ("/quan-tri/tieu-chuan/tcvn-5574-2018/van-ban", None, form, ""),
        ("/quan-tri/nhap", None, form, ""),
    ] {
        let answer = first_answer_to_a_large_upload(&to, path, token, content_type).await;
        assert!(answer.starts_with("HTTP/1.1 "), "{path}: {answer}");
        assert!(answer.contains(&format!(" {expected}")) && !answer.contains(" 2"), "{path}: {answer}");
    }
}
