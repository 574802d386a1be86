//! The web pages officials use, rendered on the server (askama), in Vietnamese by default and
//! English on request, usable without JavaScript, with assets served by the app itself.

mod account_pages;
mod admin_page;
mod alert_pages;
pub mod assets;
mod chart;
mod check_page;
mod edit_page;
pub mod i18n;
mod import_page;
mod mirror_note;
mod province_pages;
mod reader_page;
mod reference_forms;
mod renewal;
mod search_page;
pub mod session;
mod standard_page;
pub mod unread;
mod webhooks_page;

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;

use i18n::{Lang, Words};

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(assets::app_css)
        .service(account_pages::sign_in_form)
        .service(account_pages::sign_in)
        .service(renewal::renew)
        .service(renewal::renew_confirmed)
        .service(account_pages::sign_out)
        .service(account_pages::register_form)
        .service(account_pages::register)
        .service(account_pages::my_account)
        .service(alert_pages::notifications_page)
        .service(alert_pages::notifications_action)
        .service(alert_pages::watch_standard)
        .service(admin_page::admin_page)
        .service(webhooks_page::webhooks_page)
        .service(webhooks_page::webhook_action)
        .service(edit_page::edit_form)
        .service(edit_page::save)
        .service(edit_page::upload_text)
        .service(import_page::import_form)
        .service(import_page::import_check)
        .service(import_page::import_apply)
        .service(province_pages::province_csv)
        .service(province_pages::province_page)
        .service(province_pages::account_action)
        .service(search_page::search)
        .service(check_page::check_form)
        .service(check_page::check_report)
        .service(check_page::recheck)
        .service(check_page::forget)
        .service(reference_forms::correct_references)
        .service(reader_page::newest_text)
        .service(reader_page::reader)
        .service(reader_page::pdf)
        .service(standard_page::standard);
}

/// What every page's frame needs: the words, the language, and the link to the other language.
pub struct Frame {
    pub w: &'static Words,
    pub lang: &'static str,
    /// `?lang=en` on English pages, empty on Vietnamese ones.
    pub lang_query: &'static str,
    pub other_lang_url: String,
    /// On a mirror: whose, and when it last synced (empty elsewhere).
    pub mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    pub unread: i64,
}

impl Frame {
    /// The frame of the page answering this request.
    pub fn of(request: &HttpRequest) -> Frame {
        let lang = Lang::of(request);
        let other = match lang {
            Lang::Vi => "en",
            Lang::En => "vi",
        };
        let kept: Vec<&str> =
            request.query_string().split('&').filter(|p| !p.is_empty() && !p.starts_with("lang=")).collect();
        let mut query = kept.join("&");
        if !query.is_empty() {
            query.push('&');
        }
        Frame {
            w: lang.words(),
            lang: lang.code(),
            lang_query: if lang == Lang::En { "?lang=en" } else { "" },
            other_lang_url: format!("{}?{query}lang={other}", request.path()),
            mirror_note: mirror_note::of(request, lang),
            unread: request.extensions().get::<unread::Unread>().map_or(0, |u| u.0),
        }
    }
}

/// Percent-encodes a query value or path segment.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A rendered page, or a plain error if the template itself fails.
pub fn render(status: StatusCode, template: &impl Template) -> HttpResponse {
    match template.render() {
        Ok(html) => HttpResponse::build(status).content_type("text/html; charset=utf-8").body(html),
        Err(error) => {
            tracing::error!(%error, "a page failed to render");
            HttpResponse::InternalServerError().content_type("text/plain; charset=utf-8").body("internal error")
        }
    }
}

/// The response with the cookie set, when there is one (a new CSRF token).
pub fn with_cookie(mut response: HttpResponse, cookie: Option<actix_web::cookie::Cookie<'static>>) -> HttpResponse {
    if let Some(cookie) = cookie
        && let Err(error) = response.add_cookie(&cookie)
    {
        tracing::warn!(%error, "a cookie could not be set");
    }
    response
}

/// A page that only says something (not found, not allowed).
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub w: &'static Words,
    pub lang: &'static str,
    pub lang_query: &'static str,
    pub other_lang_url: String,
    pub mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    pub unread: i64,
    pub message: String,
    /// A paragraph under the message.
    pub detail: Option<String>,
    /// A record to go to instead: its code and address.
    pub see: Option<(String, String)>,
}

impl MessagePage {
    /// A message page with this frame.
    pub fn new(frame: Frame, message: impl Into<String>) -> MessagePage {
        MessagePage {
            w: frame.w,
            lang: frame.lang,
            lang_query: frame.lang_query,
            other_lang_url: frame.other_lang_url,
            mirror_note: frame.mirror_note,
            unread: frame.unread,
            message: message.into(),
            detail: None,
            see: None,
        }
    }
}

/// The message page of a failure, with its status.
pub fn error_page(frame: Frame, error: &crate::error::AppError) -> HttpResponse {
    render(error.status_and_code().0, &MessagePage::new(frame, error.to_string()))
}

/// The page of a form refused for its missing or stale CSRF token (403).
pub fn expired_form(request: &actix_web::HttpRequest) -> HttpResponse {
    let frame = Frame::of(request);
    let message = frame.w.form_expired;
    error_page(frame, &crate::error::AppError::forbidden(crate::error::ErrorCode::Csrf, message))
}

/// The signed-in caller who may edit the catalogue, as an extractor: named before a form, it
/// shows one who may not the page that says why before the form's body is read.
pub struct PageEditor(pub crate::auth::Caller);

impl actix_web::FromRequest for PageEditor {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<PageEditor, actix_web::Error>>;

    fn from_request(request: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let (caller, _) = session::page_caller(&request).await;
            match crate::auth::authorize(&caller, crate::auth::Action::EditCatalogue) {
                Ok(()) => Ok(PageEditor(caller)),
                Err(error) => {
                    let page = error_page(Frame::of(&request), &error);
                    Err(actix_web::error::InternalError::from_response(error, page).into())
                }
            }
        })
    }
}

/// The label of a status in the page's language: each status its own.
pub fn status_label(w: &Words, status: &str) -> &'static str {
    match status {
        "in_force" => w.in_force,
        "replaced" => w.replaced,
        "amended" => w.amended,
        "expired" => w.expired,
        "annulled" => w.annulled,
        "suspended" => w.suspended,
        "draft" => w.draft,
        "unknown" => w.unknown,
        _ => w.other_status,
    }
}

/// The name of a field (`fire_safety`) in the page's language; the stored value for a field the
/// catalogue's vocabulary does not name.
pub fn field_label(lang: &str, field: &str) -> String {
    let named = match lang {
        "en" => crate::domain::fields::name_en(field),
        _ => crate::domain::fields::name_vi(field),
    };
    named.map_or_else(|| field.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::{field_label, status_label};
    use crate::domain::Status;

    #[test]
    fn every_status_has_its_own_label_in_both_languages() {
        for words in [super::i18n::Lang::Vi.words(), super::i18n::Lang::En.words()] {
            let labels: Vec<&str> = Status::ALL.iter().map(|s| status_label(words, s.as_str())).collect();
            let mut distinct = labels.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), labels.len(), "{labels:?}");
            assert!(!labels.contains(&words.other_status), "{labels:?}");
        }
        assert_eq!(field_label("vi", "fire_safety"), "Phòng cháy, chữa cháy");
        assert_eq!(field_label("en", "fire_safety"), "Fire safety");
        assert_eq!(field_label("vi", "not_a_field"), "not_a_field");
    }
}
