//! Sessions of the pages: the access token in an HttpOnly cookie (15 minutes), the refresh token
//! in another (renewed through `/dang-nhap/gia-han`, never on ordinary page views), and a
//! double-submit CSRF token that every form carries. Cookies are SameSite=Lax, and Secure when
//! the request came over HTTPS.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponseBuilder, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::auth::Caller;
use crate::auth::tokens::{ACCESS_TOKEN_MINUTES, REFRESH_TOKEN_DAYS, TokenKeys};
use crate::services::accounts::Accounts;

pub const ACCESS_COOKIE: &str = "tc_access";
pub const REFRESH_COOKIE: &str = "tc_refresh";
pub const CSRF_COOKIE: &str = "tc_csrf";

/// Who is looking at a page: the account of a valid access cookie, else anonymous. Whether a
/// refresh cookie could renew an expired session is reported too.
pub async fn page_caller(request: &HttpRequest) -> (Caller, bool) {
    let renewable = request.cookie(REFRESH_COOKIE).is_some();
    let Some(token) = request.cookie(ACCESS_COOKIE).map(|c| c.value().to_string()) else {
        return (Caller::Anonymous, renewable);
    };
    let keys = request.app_data::<web::Data<TokenKeys>>().cloned();
    let accounts = request.app_data::<web::Data<Accounts>>().cloned();
    let (Some(keys), Some(accounts)) = (keys, accounts) else { return (Caller::Anonymous, renewable) };
    let Ok(claims) = keys.verify(&token) else { return (Caller::Anonymous, renewable) };
    let Ok(id) = claims.sub.parse::<i64>() else { return (Caller::Anonymous, false) };
    let version = claims.tv;
    match accounts.caller(id, version).await {
        Ok(caller) => (caller, false),
        Err(_) => (Caller::Anonymous, false),
    }
}

pub use crate::client_address::is_https;

fn cookie(request: &HttpRequest, name: &'static str, value: String, max_age: CookieDuration) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(is_https(request))
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .finish()
}

/// Sets the session cookies of a sign-in or a renewal; a sign-in also gets a new CSRF cookie.
pub fn set_session(
    response: &mut HttpResponseBuilder,
    request: &HttpRequest,
    access: &str,
    refresh: &str,
    new_sign_in: bool,
) {
    response.cookie(cookie(request, ACCESS_COOKIE, access.to_string(), CookieDuration::minutes(ACCESS_TOKEN_MINUTES)));
    response.cookie(cookie(request, REFRESH_COOKIE, refresh.to_string(), CookieDuration::days(REFRESH_TOKEN_DAYS)));
    if new_sign_in {
        response.cookie(new_csrf_cookie(request));
    }
}

/// Removes the session cookies.
pub fn clear_session(response: &mut HttpResponseBuilder, request: &HttpRequest) {
    for name in [ACCESS_COOKIE, REFRESH_COOKIE] {
        response.cookie(cookie(request, name, String::new(), CookieDuration::ZERO));
    }
    response.cookie(new_csrf_cookie(request));
}

/// Bytes of randomness in a CSRF cookie (32 characters once encoded).
const CSRF_BYTES: usize = 24;

/// The CSRF token of this browser's pages, and the cookie to set when it had none (or one not
/// made here). The cookie holds a random value; the token is its HMAC together with the session's
/// subject (the signed-in account, or `-`), so a token is valid only for this browser and this
/// session, and a value an attacker chose or planted is not one (signed double submit).
pub fn csrf_token(request: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    match csrf_cookie(request) {
        Some(value) => (signed(request, &value), None),
        None => {
            let set = new_csrf_cookie(request);
            (signed(request, set.value()), Some(set))
        }
    }
}

/// A new CSRF cookie: set at sign-in and sign-out, so tokens of one session do not serve the next.
pub fn new_csrf_cookie(request: &HttpRequest) -> Cookie<'static> {
    let value = URL_SAFE_NO_PAD.encode(rand::random::<[u8; CSRF_BYTES]>());
    cookie(request, CSRF_COOKIE, value, CookieDuration::days(1))
}

/// Whether a submitted form carries this browser's CSRF token for this session.
pub fn csrf_ok(request: &HttpRequest, submitted: &str) -> bool {
    csrf_cookie(request).is_some_and(|value| constant_time_eq(signed(request, &value).as_bytes(), submitted.as_bytes()))
}

/// The CSRF cookie's value when it has the shape of one made here.
fn csrf_cookie(request: &HttpRequest) -> Option<String> {
    request
        .cookie(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|value| URL_SAFE_NO_PAD.decode(value).is_ok_and(|bytes| bytes.len() == CSRF_BYTES))
}

/// The token of a CSRF cookie value for the request's session subject.
fn signed(request: &HttpRequest, value: &str) -> String {
    let Some(keys) = request.app_data::<web::Data<TokenKeys>>() else { return String::new() };
    let subject = request
        .cookie(ACCESS_COOKIE)
        .and_then(|c| keys.verify(c.value()).ok())
        .map_or_else(|| "-".to_string(), |claims| claims.sub);
    keys.csrf_token(value, &subject)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A path inside this site to go back to after signing in (never another site). The value is
/// resolved as a browser resolves a `Location` (tabs and newlines dropped, backslashes read as
/// slashes) against a stand-in origin, and kept only when it stays on that origin; what is kept
/// is the parsed path, query and fragment, percent-encoded, so no control character reaches a
/// header.
pub fn safe_next(next: Option<&str>) -> String {
    const FALLBACK: &str = "/tai-khoan";
    let Some(next) = next.filter(|n| n.starts_with('/')) else { return FALLBACK.to_string() };
    let Ok(origin) = url::Url::parse("http://tieuchuan.invalid/") else { return FALLBACK.to_string() };
    match origin.join(next) {
        Ok(target) if target.origin() == origin.origin() && !next.chars().any(|c| c.is_control() || c == '\\') => {
            target[url::Position::BeforePath..].to_string()
        }
        _ => FALLBACK.to_string(),
    }
}
