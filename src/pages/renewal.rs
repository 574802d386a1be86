//! `/dang-nhap/gia-han`: renewing an expired page session from the refresh cookie. A renewal
//! rotates the refresh token, so it is a change of state: the pages' own redirects renew at once
//! (the browser says the request comes from this site), a request another site caused only shows
//! a form to continue, and the form is a POST with its CSRF token.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::account_pages::{NextQuery, redirect};
use super::i18n::Words;
use super::session::{self, REFRESH_COOKIE};
use super::{Frame, encode, render, with_cookie};
use crate::client_address::origin;
use crate::services::accounts::Accounts;

#[derive(Template)]
#[template(path = "renew.html")]
struct RenewPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    csrf: String,
    next: String,
}

/// Renews at once when the browser says this site asked (or says nothing); otherwise asks.
#[get("/dang-nhap/gia-han")]
pub async fn renew(request: HttpRequest, accounts: web::Data<Accounts>, query: web::Query<NextQuery>) -> HttpResponse {
    let next = session::safe_next(query.next.as_deref());
    let from_this_site = request
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|site| matches!(site, "same-origin" | "none"));
    if !from_this_site {
        let frame = Frame::of(&request);
        let (csrf, new_cookie) = session::csrf_token(&request);
        let page = RenewPage {
            w: frame.w,
            lang: frame.lang,
            lang_query: frame.lang_query,
            other_lang_url: frame.other_lang_url,
            mirror_note: frame.mirror_note,
            unread: frame.unread,
            csrf,
            next,
        };
        return with_cookie(render(StatusCode::OK, &page), new_cookie);
    }
    renewed(&request, &accounts, next).await
}

/// The form of the page that asks.
#[derive(Debug, Clone, Deserialize)]
pub struct RenewForm {
    #[serde(default)]
    pub csrf: String,
    pub next: Option<String>,
}

/// Renews after the user said to continue.
#[post("/dang-nhap/gia-han")]
pub async fn renew_confirmed(
    request: HttpRequest,
    accounts: web::Data<Accounts>,
    form: web::Form<RenewForm>,
) -> HttpResponse {
    let next = session::safe_next(form.next.as_deref());
    if !session::csrf_ok(&request, &form.csrf) {
        return redirect(&format!("/dang-nhap?next={}", encode(&next)));
    }
    renewed(&request, &accounts, next).await
}

/// Trades the refresh cookie for a new session and goes back; signs the browser out when the
/// refresh token is no longer good.
async fn renewed(request: &HttpRequest, accounts: &Accounts, next: String) -> HttpResponse {
    let Some(token) = request.cookie(REFRESH_COOKIE).map(|c| c.value().to_string()) else {
        return redirect(&format!("/dang-nhap?next={}", encode(&next)));
    };
    match accounts.refresh(token, origin(request)).await {
        Ok(pair) => {
            let mut response = HttpResponse::SeeOther();
            session::set_session(&mut response, request, &pair.access_token, &pair.refresh_token, false);
            response.insert_header((LOCATION, next)).finish()
        }
        Err(_) => {
            let mut response = HttpResponse::SeeOther();
            session::clear_session(&mut response, request);
            response.insert_header((LOCATION, format!("/dang-nhap?next={}", encode(&next)))).finish()
        }
    }
}
