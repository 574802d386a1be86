//! The Atom feeds of changes (#13): pages of 50 linked back with `next` (RFC 5005), filters by
//! kind, issuer and field, a removal as a deleted entry (RFC 6721), links from the pages, and
//! bad filters refused. (The real reader, feedparser, runs in `tests/clients`.)

use crate::accounts_helpers::{account, token_for};
use crate::helpers::{TestApp, TestDatabase, spawn_app_on};

async fn atom(app: &TestApp, query: &str) -> (u16, String) {
    let response = app.client.get(format!("{}/feeds/changes.atom{query}", app.address)).send().await.expect("feed");
    (response.status().as_u16(), response.text().await.expect("body"))
}

fn next_link(xml: &str) -> Option<String> {
    let start = xml.find(r#"<link rel="next" href=""#)? + r#"<link rel="next" href=""#.len();
    let href = &xml[start..];
    Some(href[..href.find('"')?].replace("&amp;", "&"))
}

#[tokio::test]
async fn the_feed_pages_back_through_every_change_and_filters_by_field() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let (status, first) = atom(&app, "").await;
    assert_eq!(status, 200);
    let changes = |page: &str| page.matches("<entry>").count() + page.matches("<at:deleted-entry").count();
    assert_eq!(changes(&first), 50);
    let mut pages = vec![first];
    while let Some(next) = next_link(pages.last().expect("a page")) {
        let path = next.split("/feeds/changes.atom").nth(1).expect("our address").to_string();
        pages.push(atom(&app, &path).await.1);
        assert!(pages.len() <= crate::helpers::catalogued_where(|_| true) / 50 + 2);
    }
    let mut standards: Vec<&str> = pages
        .iter()
        .flat_map(|page| page.split("<entry>\n  <id>").skip(1))
        .filter_map(|entry| entry.split("</id>").next())
        .collect();
    standards.sort_unstable();
    standards.dedup();
    // The removed record's earlier changes stay in the log, so every catalogued record is there.
    let catalogued = crate::helpers::catalogued_where(|_| true);
    assert_eq!(standards.len(), catalogued, "every record's changes over {} pages", pages.len());
    let deleted: usize = pages.iter().map(|page| page.matches("<at:deleted-entry").count()).sum();
    assert_eq!(deleted, 1, "the seed's erroneous record is removed");

    let (_, fire) = atom(&app, "?field=fire_safety").await;
    let fire_records = crate::helpers::seed_records_where(|r| r["field"] == "fire_safety").min(50);
    assert_eq!(fire.matches("<entry>").count(), fire_records);
    assert_eq!(fire.matches(r#"<category term="fire_safety""#).count(), fire_records);
    assert!(fire.contains("field=fire_safety"), "its links keep the filter");
    let (_, bxd) = atom(&app, "?kind=qcvn&issuer=BXD").await;
    assert!(bxd.matches("<entry>").count() > 0);
    assert_eq!(bxd.matches("<entry>").count(), bxd.matches(r#"<category term="BXD""#).count());
    for bad in ["?kind=ISO", "?field=%3Cscript%3E", "?before=0", "?before=x", "?issuer=BXD%27--"] {
        let (status, body) = atom(&app, bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.contains("invalid_parameter"));
    }
}

#[tokio::test]
async fn a_removal_is_a_deleted_entry_and_the_pages_link_the_feeds() {
    let app = spawn_app_on(TestDatabase::seeded(), |_| {}).await;
    let admin = token_for(account("atom.admin").role("admin").province(None).insert(&app));
    let removed = (app.client.delete(format!("{}/api/v1/standards/qcvn-06-2010-bxd?reason=duplicate", app.address)))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("remove");
    assert_eq!(removed.status().as_u16(), 200);
    for query in ["", "?field=fire_safety", "?issuer=BXD"] {
        let (_, feed) = atom(&app, query).await;
        let deleted = feed.find("<at:deleted-entry").expect("the removal is in the feed");
        assert!(
            feed[deleted..]
                .starts_with(r#"<at:deleted-entry ref="tag:tieuchuan.gov.vn,2026:standard/qcvn-06-2010-bxd""#)
        );
        assert!(deleted < feed.find("<entry>").unwrap_or(usize::MAX), "{query}: the newest change comes first");
    }
    let (_, other) = atom(&app, "?field=environment").await;
    assert!(!other.contains("deleted-entry"), "a removal in another field is not in this one");
    let page = app.client.get(format!("{}/tieu-chuan/qcvn-06-2022-bxd", app.address)).send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains(r#"<link rel="alternate" type="application/atom+xml""#));
    assert!(html.contains("/feeds/changes.atom?field=fire_safety"), "the standard's field can be followed");
    assert!(html.contains("Theo dõi thay đổi"));
}
