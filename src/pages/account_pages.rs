//! `/dang-nhap`, `/dang-xuat`, `/dang-ky`, `/tai-khoan`: signing in and out with a cookie
//! session, registering, and one's own account and reading history. Every form carries a CSRF
//! token; a form without it is refused.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::i18n::Words;
use super::session::{self, REFRESH_COOKIE};
use super::{Frame, MessagePage, encode, error_page, render, with_cookie};
use crate::auth::Caller;
use crate::client_address::origin;
use crate::services::accounts::validation::RegistrationBody;
use crate::services::accounts::{Accounts, Province};
use crate::services::usage::{Usage, UsageRow};

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    csrf: String,
    next: String,
    username: String,
    error: String,
}

/// `?next=` after signing in.
#[derive(Debug, Clone, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

pub(super) fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((LOCATION, to.to_string())).finish()
}

fn sign_in_page(
    request: &HttpRequest,
    status: StatusCode,
    next: String,
    username: String,
    error: String,
) -> HttpResponse {
    let frame = Frame::of(request);
    let (csrf, new_cookie) = session::csrf_token(request);
    let page = SignInPage {
        w: frame.w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        csrf,
        next,
        username,
        error,
    };
    with_cookie(render(status, &page), new_cookie)
}

/// The sign-in form (or, with a refresh cookie, a silent renewal).
#[get("/dang-nhap")]
pub async fn sign_in_form(request: HttpRequest, query: web::Query<NextQuery>) -> HttpResponse {
    let next = session::safe_next(query.next.as_deref());
    if request.cookie(REFRESH_COOKIE).is_some() {
        return redirect(&format!("/dang-nhap/gia-han?next={}", encode(&next)));
    }
    sign_in_page(&request, StatusCode::OK, next, String::new(), String::new())
}

/// The sign-in form's fields.
#[derive(Debug, Clone, Deserialize)]
pub struct SignInForm {
    pub username: String,
    pub password: String,
    /// Missing counts as wrong: the form is refused with the page's message, not a parse error.
    #[serde(default)]
    pub csrf: String,
    pub next: Option<String>,
}

/// Signs in and sets the session cookies.
#[post("/dang-nhap")]
pub async fn sign_in(request: HttpRequest, accounts: web::Data<Accounts>, form: web::Form<SignInForm>) -> HttpResponse {
    let form = form.into_inner();
    let next = session::safe_next(form.next.as_deref());
    let w = Frame::of(&request).w;
    if !session::csrf_ok(&request, &form.csrf) {
        return sign_in_page(&request, StatusCode::FORBIDDEN, next, form.username, w.form_expired.into());
    }
    match accounts.sign_in(form.username.clone(), form.password, origin(&request)).await {
        Ok(pair) => {
            let mut response = HttpResponse::SeeOther();
            session::set_session(&mut response, &request, &pair.access_token, &pair.refresh_token, true);
            response.insert_header((LOCATION, next)).finish()
        }
        Err(error) => sign_in_page(&request, error.status_and_code().0, next, form.username, error.to_string()),
    }
}

/// A form that only carries its CSRF token.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub csrf: String,
}

/// Signs out: the refresh token's family is revoked and the cookies removed.
#[post("/dang-xuat")]
pub async fn sign_out(request: HttpRequest, accounts: web::Data<Accounts>, form: web::Form<TokenForm>) -> HttpResponse {
    if !session::csrf_ok(&request, &form.csrf) {
        return render(
            StatusCode::FORBIDDEN,
            &MessagePage::new(Frame::of(&request), Frame::of(&request).w.form_expired),
        );
    }
    if let Some(token) = request.cookie(REFRESH_COOKIE).map(|c| c.value().to_string()) {
        let _ = accounts.sign_out(token).await;
    }
    let mut response = HttpResponse::SeeOther();
    session::clear_session(&mut response, &request);
    response.insert_header((LOCATION, "/")).finish()
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    csrf: String,
    provinces: Vec<Province>,
    error: String,
}

async fn register_page(request: &HttpRequest, accounts: &Accounts, status: StatusCode, error: String) -> HttpResponse {
    let frame = Frame::of(request);
    let provinces = accounts.provinces().await.unwrap_or_default();
    let (csrf, new_cookie) = session::csrf_token(request);
    let page = RegisterPage {
        w: frame.w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        csrf,
        provinces,
        error,
    };
    with_cookie(render(status, &page), new_cookie)
}

/// The registration form, with the 34 provinces.
#[get("/dang-ky")]
pub async fn register_form(request: HttpRequest, accounts: web::Data<Accounts>) -> HttpResponse {
    register_page(&request, &accounts, StatusCode::OK, String::new()).await
}

/// The registration form's fields.
#[derive(Debug, Clone, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    pub csrf: String,
    pub username: String,
    pub password: String,
    pub full_name: String,
    pub email: String,
    pub province: String,
    pub commune: Option<String>,
    pub unit: String,
    pub role: String,
}

/// Registers a pending account.
#[post("/dang-ky")]
pub async fn register(
    request: HttpRequest,
    accounts: web::Data<Accounts>,
    form: web::Form<RegisterForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let frame = Frame::of(&request);
    if !session::csrf_ok(&request, &form.csrf) {
        return register_page(&request, &accounts, StatusCode::FORBIDDEN, frame.w.form_expired.into()).await;
    }
    let body = RegistrationBody {
        username: form.username,
        password: form.password,
        full_name: form.full_name,
        email: form.email,
        province: Some(form.province),
        commune: form.commune,
        unit: Some(form.unit),
        role: form.role,
        expires_at: None,
    };
    match accounts.register(body, origin(&request)).await {
        Ok(_) => render(StatusCode::CREATED, &MessagePage::new(frame, frame_words(&request).registered_wait)),
        Err(error) => register_page(&request, &accounts, error.status_and_code().0, error.to_string()).await,
    }
}

fn frame_words(request: &HttpRequest) -> &'static Words {
    Frame::of(request).w
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    csrf: String,
    profile: Vec<(&'static str, String)>,
    history: Vec<UsageRow>,
}

/// One's profile, expiry and reading history.
#[get("/tai-khoan")]
pub async fn my_account(request: HttpRequest, usage: web::Data<Usage>) -> HttpResponse {
    let (caller, renewable) = session::page_caller(&request).await;
    let Caller::Account(_) = &caller else {
        let target = if renewable { "/dang-nhap/gia-han?next=/tai-khoan" } else { "/dang-nhap?next=/tai-khoan" };
        return redirect(target);
    };
    let frame = Frame::of(&request);
    let w = frame.w;
    let (row, history) = match usage.own_history(&caller).await {
        Ok(found) => found,
        Err(error) => return error_page(frame, &error),
    };
    let (csrf, new_cookie) = session::csrf_token(&request);
    let page = AccountPage {
        w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        csrf,
        profile: vec![
            (w.full_name, row.full_name.clone()),
            (w.username, row.username.clone()),
            (w.role, row.role.to_string()),
            (w.province, row.province.clone().unwrap_or_default()),
            (w.unit, row.unit.clone().unwrap_or_default()),
            (w.status, row.status.to_string()),
            (w.expires, row.expires_at.map(|e| e.format("%d/%m/%Y").to_string()).unwrap_or_else(|| "—".into())),
        ],
        history,
    };
    with_cookie(render(StatusCode::OK, &page), new_cookie)
}
