//! Alerts by email (lettre over SMTP, in Vietnamese, each change with its link): at once for
//! accounts that want them so, in a weekly digest for the others. A mail is marked sent once the
//! server has taken it; a crash between the two sends it again, with the same Message-ID, so a
//! mail client shows it once.

use chrono::{Duration, NaiveDateTime};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};

use crate::db::DbConnection;
use crate::db::watches::{self, NotificationRow, Recipient};
use crate::domain::AlertEmail;
use crate::error::AppError;

/// Notifications in one mail at most (the rest go in the next).
const PER_MAIL: i64 = 200;
/// Days between two digests.
const DIGEST_DAYS: i64 = 7;

/// Where alert mail goes out, and the address links start with.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    origin: String,
}

/// What could not be mailed.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the SMTP setting: {0}")]
    Setting(String),
    #[error("the mail to account {0} could not be built: {1}")]
    Build(i64, String),
    #[error("the SMTP server refused or could not be reached: {0}")]
    Send(#[from] lettre::transport::smtp::Error),
}

impl Mailer {
    /// A mailer for `smtp_url` (validated with the settings), sending as `from`, with links under
    /// `origin`.
    pub fn new(smtp_url: &str, from: &str, origin: &str) -> Result<Mailer, MailError> {
        let transport = SmtpTransport::from_url(smtp_url)
            .map_err(|e| MailError::Setting(e.to_string()))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e: lettre::address::AddressError| MailError::Setting(e.to_string()))?;
        Ok(Mailer { transport, from, origin: origin.trim_end_matches('/').to_string() })
    }

    /// Mails what is due: every unmailed notification of accounts that want them at once, and a
    /// digest for those whose week has passed. Returns how many mails went.
    pub fn send_due(&self, conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
        let mut sent = 0;
        for recipient in watches::recipients(conn, AlertEmail::Immediate)? {
            sent += self.send_to(conn, &recipient, false, now)?;
        }
        for recipient in watches::recipients(conn, AlertEmail::Weekly)? {
            let due = recipient.digest_sent_at.is_none_or(|last| now - last >= Duration::days(DIGEST_DAYS));
            if due {
                sent += self.send_to(conn, &recipient, true, now)?;
                watches::set_digest_sent(conn, recipient.id, now)?;
            }
        }
        Ok(sent)
    }

    fn send_to(
        &self,
        conn: &mut DbConnection,
        recipient: &Recipient,
        digest: bool,
        now: NaiveDateTime,
    ) -> Result<usize, AppError> {
        let pending = watches::unmailed_of(conn, recipient.id, PER_MAIL)?;
        if pending.is_empty() {
            return Ok(0);
        }
        let message = match self.message(recipient, &pending, digest) {
            Ok(message) => message,
            Err(error) => {
                // An address that cannot be mailed is skipped, not retried forever.
                tracing::warn!(%error, account = recipient.id, "alert mail not built; marked as sent");
                let ids: Vec<i64> = pending.iter().map(|n| n.id).collect();
                watches::mark_mailed(conn, &ids, now)?;
                return Ok(0);
            }
        };
        self.transport.send(&message).map_err(|e| AppError::NotReady(MailError::from(e).to_string()))?;
        let ids: Vec<i64> = pending.iter().map(|n| n.id).collect();
        watches::mark_mailed(conn, &ids, now)?;
        Ok(1)
    }

    /// The mail: a line per change with its link, and where to change how alerts come.
    fn message(&self, recipient: &Recipient, pending: &[NotificationRow], digest: bool) -> Result<Message, MailError> {
        let to: Mailbox = format!("{} <{}>", recipient.full_name.replace(['<', '>', '"'], ""), recipient.email)
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Build(recipient.id, e.to_string()))?;
        let subject = match digest {
            true => format!("Tóm tắt tuần: {} thay đổi bạn theo dõi", pending.len()),
            false => format!("Thư viện tiêu chuẩn: {} thay đổi bạn theo dõi", pending.len()),
        };
        let mut body =
            format!("Kính gửi {},\n\nCác tiêu chuẩn, quy chuẩn bạn theo dõi vừa thay đổi:\n\n", recipient.full_name);
        for notification in pending {
            body.push_str(&format!("- {}\n  {}/tieu-chuan/{}\n", notification.message, self.origin, notification.slug));
        }
        body.push_str(&format!(
            "\nXem mọi thông báo và đổi cách nhận: {}/tai-khoan/thong-bao\n\n-- \nThư viện tiêu chuẩn, quy chuẩn quốc gia\n",
            self.origin
        ));
        let (first, last) = (pending[0].id, pending[pending.len() - 1].id);
        let host = url::Url::parse(&self.origin).ok().and_then(|u| u.host_str().map(str::to_string));
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!(
                "<alerts-{}-{first}-{last}@{}>",
                recipient.id,
                host.unwrap_or("tieuchuan".into())
            )))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| MailError::Build(recipient.id, e.to_string()))
    }
}
