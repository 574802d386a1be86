//! Atom feeds of changes (RFC 4287): each change is its record's entry (the same `id` for every
//! change of one record, `updated` when it changed), a removal a deleted entry (RFC 6721), and
//! pages linked `first`/`next` going back in time (RFC 5005 §3), so that an official follows a
//! field or an issuer in any feed reader.

use std::io;

use chrono::{NaiveDateTime, SecondsFormat};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, Event};

use crate::services::change_feeds::{FeedChange, FeedPage};
use crate::xml_text::{clean, text};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const TOMBSTONES: &str = "http://purl.org/atompub/tombstones/1.0";

/// What a feed is, besides its page.
pub struct FeedInfo<'a> {
    pub origin: &'a str,
    /// The domain of the tag URIs.
    pub authority: &'a str,
    /// The feed's own address (with its filter), without paging.
    pub address: &'a str,
    pub title: &'a str,
    /// The filter as `key=value&…` (empty for the whole feed), for ids and links.
    pub query: &'a str,
    pub before: Option<i64>,
}

fn time(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The `id` of a record's entry: one tag URI (RFC 4151) per record for all its changes.
pub fn entry_id(authority: &str, slug: &str) -> String {
    format!("tag:{authority},2026:standard/{slug}")
}

fn link(w: &mut Writer<Vec<u8>>, rel: &str, href: &str, media_type: Option<&str>) -> io::Result<()> {
    let mut element = w.create_element("link").with_attribute(("rel", rel)).with_attribute(("href", href));
    if let Some(media_type) = media_type {
        element = element.with_attribute(("type", media_type));
    }
    element.write_empty().map(|_| ())
}

fn paged(address: &str, query: &str, before: Option<i64>) -> String {
    let mut parts: Vec<String> = (!query.is_empty()).then(|| query.to_string()).into_iter().collect();
    parts.extend(before.map(|b| format!("before={b}")));
    if parts.is_empty() { address.to_string() } else { format!("{address}?{}", parts.join("&")) }
}

/// The feed document of one page.
pub fn render(page: &FeedPage, info: &FeedInfo<'_>) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    let feed_id = format!(
        "tag:{},2026:changes{}",
        info.authority,
        if info.query.is_empty() { String::new() } else { format!("?{}", info.query) }
    );
    let updated = page.changes.first().map_or_else(|| time(chrono::Utc::now().naive_utc()), |c| time(c.committed_at));
    (w.create_element("feed"))
        .with_attribute(("xmlns", ATOM))
        .with_attribute(("xmlns:at", TOMBSTONES))
        .with_attribute(("xml:lang", "vi"))
        .write_inner_content(|w| {
            text(w, "id", &feed_id)?;
            text(w, "title", info.title)?;
            text(w, "updated", &updated)?;
            w.create_element("author").write_inner_content(|w| {
                text(w, "name", "tieuchuan")?;
                text(w, "uri", info.origin)
            })?;
            link(w, "self", &paged(info.address, info.query, info.before), Some("application/atom+xml"))?;
            link(w, "first", &paged(info.address, info.query, None), Some("application/atom+xml"))?;
            if let Some(next) = page.next_before {
                link(w, "next", &paged(info.address, info.query, Some(next)), Some("application/atom+xml"))?;
            }
            link(w, "alternate", &format!("{}/", info.origin), Some("text/html"))?;
            for change in &page.changes {
                entry(w, change, info)?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

fn entry(w: &mut Writer<Vec<u8>>, change: &FeedChange, info: &FeedInfo<'_>) -> io::Result<()> {
    let id = entry_id(info.authority, &change.slug);
    let Some(record) = &change.record else {
        let when = time(change.committed_at);
        (w.create_element("at:deleted-entry"))
            .with_attribute(("ref", id.as_str()))
            .with_attribute(("when", when.as_str()))
            .write_inner_content(|w| text(w, "at:comment", &format!("{} đã được gỡ khỏi danh mục", change.code)))?;
        return Ok(());
    };
    w.create_element("entry").write_inner_content(|w| {
        text(w, "id", &id)?;
        text(w, "title", &format!("{} — {}", record.code, record.title_vi))?;
        text(w, "updated", &time(change.committed_at))?;
        link(w, "alternate", &format!("{}/tieu-chuan/{}", info.origin, record.slug), Some("text/html"))?;
        let terms = [
            Some(("kind", record.kind.as_str())),
            record.issuer_code.as_deref().map(|c| ("issuer", c)),
            record.field.as_deref().map(|f| ("field", f)),
        ];
        for (scheme, term) in terms.into_iter().flatten() {
            (w.create_element("category"))
                .with_attribute(("term", clean(term).as_ref()))
                .with_attribute(("scheme", format!("{}/feeds/{scheme}", info.origin).as_str()))
                .write_empty()?;
        }
        let summary = format!(
            "{} · phiên bản {} · trạng thái: {} · {}",
            record.code,
            record.version,
            record.status.as_str(),
            change.summary
        );
        text(w, "summary", &summary)
    })?;
    Ok(())
}

/// A private feed of one account's notifications (newest first): one entry per notification,
/// linking the standard it is about.
pub fn render_alerts(
    notifications: &[crate::services::watchlists::NotificationView],
    owner: &str,
    origin: &str,
    authority: &str,
) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    let updated =
        notifications.first().map_or_else(|| time(chrono::Utc::now().naive_utc()), |n| time(n.created_at.naive_utc()));
    (w.create_element("feed")).with_attribute(("xmlns", ATOM)).with_attribute(("xml:lang", "vi")).write_inner_content(
        |w| {
            // The id names no account and no secret: the address is the secret.
            text(w, "id", &format!("tag:{authority},2026:alerts"))?;
            text(w, "title", &format!("Thông báo của {owner} · Thư viện tiêu chuẩn"))?;
            text(w, "updated", &updated)?;
            w.create_element("author").write_inner_content(|w| {
                text(w, "name", "tieuchuan")?;
                text(w, "uri", origin)
            })?;
            link(w, "alternate", &format!("{origin}/tai-khoan/thong-bao"), Some("text/html"))?;
            for n in notifications {
                w.create_element("entry").write_inner_content(|w| {
                    text(w, "id", &format!("tag:{authority},2026:alert/{}", n.id))?;
                    text(w, "title", &n.message)?;
                    text(w, "updated", &time(n.created_at.naive_utc()))?;
                    link(w, "alternate", &format!("{origin}/tieu-chuan/{}", n.slug), Some("text/html"))?;
                    (w.create_element("category")).with_attribute(("term", n.change.as_str())).write_empty()?;
                    text(w, "summary", &format!("{} · {}", n.code, n.message))
                })?;
            }
            Ok(())
        },
    )?;
    Ok(w.into_inner())
}
