//! `/tai-khoan/thong-bao`: an account's notifications (unread first marked), what it watches, how
//! its alerts come (email at once, weekly, or none; a private Atom feed it can make anew or
//! revoke); and the watch buttons of a standard page (`POST /tieu-chuan/{slug}/theo-doi`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::account_pages::redirect;
use super::i18n::{AlertWords, Words};
use super::{Frame, error_page, expired_form, render, session, with_cookie};
use crate::auth::Caller;
use crate::domain::AlertEmail;
use crate::services::feed::Feed;
use crate::services::watchlists::{Inbox, InboxAction, WatchRequest, Watchlists};

/// Notifications on one page.
const PER_PAGE: u32 = 50;

struct NoticeLine {
    message: String,
    url: String,
    when: String,
    unread: bool,
}

struct WatchLine {
    id: i64,
    label: String,
    url: Option<String>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    w: &'static Words,
    a: &'static AlertWords,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    csrf: String,
    notices: Vec<NoticeLine>,
    older: Option<String>,
    watches: Vec<WatchLine>,
    email: &'static str,
    feed: bool,
    /// A private feed's address made just now.
    new_feed: Option<String>,
}

/// Which page of notifications.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    trang: Option<u32>,
}

/// What a form of the page asks, with its CSRF token.
#[derive(Debug, Deserialize)]
pub struct InboxForm {
    csrf: String,
    action: String,
    email: Option<String>,
    watch: Option<i64>,
}

/// The watch buttons' form.
#[derive(Debug, Deserialize)]
pub struct WatchForm {
    csrf: String,
    what: String,
}

async fn signed_in(request: &HttpRequest) -> Result<Caller, HttpResponse> {
    match session::page_caller(request).await {
        (caller @ Caller::Account(_), _) => Ok(caller),
        (_, true) => Err(redirect("/dang-nhap/gia-han?next=/tai-khoan/thong-bao")),
        (_, false) => Err(redirect("/dang-nhap?next=/tai-khoan/thong-bao")),
    }
}

fn page(request: &HttpRequest, inbox: Inbox, page: u32, new_feed: Option<String>) -> HttpResponse {
    let frame = Frame::of(request);
    let (csrf, new_cookie) = session::csrf_token(request);
    let q = frame.lang_query;
    let a = frame.w.alerts;
    let shown = i64::from(page) * i64::from(PER_PAGE);
    let view = NotificationsPage {
        w: frame.w,
        a,
        lang: frame.lang,
        lang_query: q,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        csrf,
        notices: (inbox.notifications.items.iter())
            .map(|n| NoticeLine {
                message: n.message.clone(),
                url: format!("/tieu-chuan/{}{q}", n.slug),
                when: (n.created_at + chrono::Duration::hours(7)).format("%H:%M %d/%m/%Y").to_string(),
                unread: !n.read,
            })
            .collect(),
        older: (inbox.notifications.total > shown).then(|| format!("/tai-khoan/thong-bao?trang={}", page + 1)),
        watches: (inbox.watches.iter())
            .map(|w| WatchLine {
                id: w.id,
                label: w.label.clone(),
                url: w.slug.as_ref().map(|s| format!("/tieu-chuan/{s}{q}")),
            })
            .collect(),
        email: inbox.settings.email.as_str(),
        feed: inbox.settings.feed,
        new_feed,
    };
    with_cookie(render(StatusCode::OK, &view), new_cookie)
}

/// The notifications page.
#[get("/tai-khoan/thong-bao")]
pub async fn notifications_page(
    request: HttpRequest,
    watchlists: web::Data<Watchlists>,
    query: web::Query<PageQuery>,
) -> HttpResponse {
    let caller = match signed_in(&request).await {
        Ok(caller) => caller,
        Err(redirect) => return redirect,
    };
    let number = query.trang.unwrap_or(1).clamp(1, 10_000);
    match watchlists.inbox(&caller, number, PER_PAGE).await {
        Ok(inbox) => page(&request, inbox, number, None),
        Err(error) => error_page(Frame::of(&request), &error),
    }
}

/// A form of the notifications page: mark all read, how mail comes, the private feed, a watch to
/// stop.
#[post("/tai-khoan/thong-bao")]
pub async fn notifications_action(
    request: HttpRequest,
    watchlists: web::Data<Watchlists>,
    feed: web::Data<Feed>,
    form: web::Form<InboxForm>,
) -> HttpResponse {
    let caller = match signed_in(&request).await {
        Ok(caller) => caller,
        Err(redirect) => return redirect,
    };
    if !session::csrf_ok(&request, &form.csrf) {
        return expired_form(&request);
    }
    let action = match (form.action.as_str(), form.email.as_deref().map(str::parse::<AlertEmail>), form.watch) {
        ("read_all", _, _) => InboxAction::ReadAll,
        ("email", Some(Ok(how)), _) => InboxAction::Email(how),
        ("feed_new", _, _) => InboxAction::NewFeed,
        ("feed_revoke", _, _) => InboxAction::RevokeFeed,
        ("unwatch", _, Some(id)) => InboxAction::Unwatch(id),
        _ => return error_page(Frame::of(&request), &crate::error::AppError::invalid("unknown action")),
    };
    match watchlists.act(&caller, action).await {
        Ok(Some(secret)) => match watchlists.inbox(&caller, 1, PER_PAGE).await {
            Ok(inbox) => page(&request, inbox, 1, Some(format!("{}/feeds/alerts/{secret}", feed.origin()))),
            Err(error) => error_page(Frame::of(&request), &error),
        },
        Ok(None) => redirect(&format!("/tai-khoan/thong-bao{}", Frame::of(&request).lang_query)),
        Err(error) => error_page(Frame::of(&request), &error),
    }
}

/// The standard page's watch buttons: the standard, or its whole series.
#[post("/tieu-chuan/{slug}/theo-doi")]
pub async fn watch_standard(
    request: HttpRequest,
    watchlists: web::Data<Watchlists>,
    slug: web::Path<String>,
    form: web::Form<WatchForm>,
) -> HttpResponse {
    let caller = match signed_in(&request).await {
        Ok(caller) => caller,
        Err(redirect) => return redirect,
    };
    if !session::csrf_ok(&request, &form.csrf) {
        return expired_form(&request);
    }
    let slug = slug.into_inner();
    let wanted = match form.what.as_str() {
        "series" => WatchRequest { series: Some(slug.clone()), ..WatchRequest::default() },
        _ => WatchRequest { standard: Some(slug.clone()), ..WatchRequest::default() },
    };
    match watchlists.watch(&caller, wanted).await {
        Ok(_) => redirect(&format!("/tieu-chuan/{slug}?theo-doi=1")),
        Err(error) => error_page(Frame::of(&request), &error),
    }
}
