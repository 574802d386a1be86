//! `/quan-tri/webhook` (admins): the webhooks portals receive catalogue changes on, each with its
//! counts and delivery log; a form registers one, a button removes one.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::account_pages::redirect;
use super::i18n::Words;
use super::{Frame, error_page, expired_form, render, session, with_cookie};
use crate::services::webhooks::{WebhookRequest, WebhookView, Webhooks};

#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    csrf: String,
    hooks: Vec<WebhookView>,
}

/// The page's forms: register (`url`, `secret`) or remove (`remove`).
#[derive(Debug, Deserialize)]
pub struct WebhookForm {
    csrf: String,
    url: Option<String>,
    secret: Option<String>,
    remove: Option<i64>,
}

/// The webhooks and their delivery logs.
#[get("/quan-tri/webhook")]
pub async fn webhooks_page(request: HttpRequest, webhooks: web::Data<Webhooks>) -> HttpResponse {
    let frame = Frame::of(&request);
    let (caller, _) = session::page_caller(&request).await;
    let hooks = match webhooks.list(&caller).await {
        Ok(hooks) => hooks,
        Err(error) => return error_page(frame, &error),
    };
    let (csrf, new_cookie) = session::csrf_token(&request);
    let page = WebhooksPage {
        w: frame.w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        csrf,
        hooks,
    };
    with_cookie(render(StatusCode::OK, &page), new_cookie)
}

/// Registers or removes a webhook.
#[post("/quan-tri/webhook")]
pub async fn webhook_action(
    request: HttpRequest,
    webhooks: web::Data<Webhooks>,
    form: web::Form<WebhookForm>,
) -> HttpResponse {
    let (caller, _) = session::page_caller(&request).await;
    if !session::csrf_ok(&request, &form.csrf) {
        return expired_form(&request);
    }
    let form = form.into_inner();
    let done = match (form.remove, form.url, form.secret) {
        (Some(id), _, _) => webhooks.remove(&caller, id).await,
        (None, Some(url), Some(secret)) => webhooks.register(&caller, WebhookRequest { url, secret }).await.map(|_| ()),
        _ => Err(crate::error::AppError::invalid("send `url` and `secret`, or `remove`")),
    };
    match done {
        Ok(()) => redirect("/quan-tri/webhook"),
        Err(error) => error_page(Frame::of(&request), &error),
    }
}
