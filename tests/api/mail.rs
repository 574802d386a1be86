//! Alerts by email (#16): lettre sends them over SMTP to a real server (aiosmtpd), in Vietnamese
//! with the link, at once or as a weekly digest, each notification mailed once.

use std::time::Duration;

use diesel::RunQueryDsl;
use serde_json::json;

use crate::accounts_helpers::{account, token_for};
use crate::code_families::import;
use crate::helpers::{TestDatabase, spawn_app_on};
use crate::mail_helpers::SmtpServer;
use crate::watchlists::notified;

#[tokio::test]
async fn alerts_are_mailed_at_once_or_in_a_weekly_digest_each_once() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_on(TestDatabase::seeded(), |settings| {
        settings.smtp_url = Some(url.as_str().into());
        settings.mail_from = "Thư viện tiêu chuẩn <thongbao@tieuchuan.test>".into();
        settings.public_url = "https://tieuchuan.test".into();
    })
    .await;
    let admin = token_for(account("mail.admin").role("admin").province(None).insert(&app));
    let (at_once, weekly) = (account("mail.official").insert(&app), account("mail.weekly").insert(&app));
    let (at_once_token, weekly_token) = (token_for(at_once), token_for(weekly));
    for token in [&at_once_token, &weekly_token] {
        let (status, _) = app.call("POST", "/api/v1/me/watches", Some(token), Some(json!({"series": "QCVN 06"}))).await;
        assert_eq!(status, 201);
    }
    let (status, _) = app.call("PUT", "/api/v1/me/alerts", Some(&weekly_token), Some(json!({"email": "weekly"}))).await;
    assert_eq!(status, 200);

    let record = "{\"code\": \"QCVN 06:2026/BXD\", \"title_vi\": \"An toàn cháy cho nhà và công trình\", \"status\": \"in_force\", \"replaces\": [\"QCVN 06:2022/BXD\"]}\n";
    assert_eq!(import(&app, &admin, record).await.0, 200);
    notified(&app, &at_once_token, 1).await;
    let mails = smtp.received(1).await;
    assert_eq!(mails.len(), 1, "the weekly account's digest is not due: {mails:?}");
    let mail = &mails[0];
    assert_eq!(mail["to"], "Người Thử <mail.official@test.vn>");
    assert_eq!(mail["from"], "Thư viện tiêu chuẩn <thongbao@tieuchuan.test>");
    assert_eq!(mail["subject"], "Thư viện tiêu chuẩn: 1 thay đổi bạn theo dõi");
    let body = mail["body"].as_str().expect("body");
    assert!(body.contains("QCVN 06:2022/BXD đã được thay thế bởi QCVN 06:2026/BXD"), "{body}");
    assert!(body.contains("https://tieuchuan.test/tieu-chuan/qcvn-06-2022-bxd"), "{body}");
    assert!(body.contains("https://tieuchuan.test/tai-khoan/thong-bao"), "{body}");

    // Nothing is mailed twice: a second change is a second mail, the first is not sent again.
    let text = "{\"code\": \"QCVN 06:2026/BXD\", \"title_vi\": \"An toàn cháy cho nhà và công trình\", \"status\": \"in_force\", \"replaces\": [\"QCVN 06:2022/BXD\"], \"text\": \"# QCVN 06:2026/BXD\\n\\nNội dung.\"}\n";
    assert_eq!(import(&app, &admin, text).await.0, 200);
    notified(&app, &at_once_token, 2).await;
    let mails = smtp.received(2).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(smtp.messages().len(), 2, "{mails:?}");
    assert!(mails.iter().any(|m| m["body"].as_str().is_some_and(|b| b.contains("có văn bản mới"))), "{mails:?}");

    // The weekly account's week passes: one digest with both changes.
    let mut conn = app.db.connect();
    diesel::sql_query(format!("UPDATE users SET digest_sent_at = '2000-01-01 00:00:00' WHERE id = {weekly}"))
        .execute(&mut conn)
        .expect("a week ago");
    let mails = smtp.received(3).await;
    let digest = mails.iter().find(|m| m["to"] == "Người Thử <mail.weekly@test.vn>").expect("the digest");
    assert_eq!(digest["subject"], "Tóm tắt tuần: 2 thay đổi bạn theo dõi");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(smtp.messages().len(), 3, "one digest");
}
