//! `/quan-tri/tinh`: a provincial admin's page: the accounts of their province with approve,
//! suspend and renew, and the province's reading by day and by unit as charts and CSV.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::i18n::Words;
use super::{Frame, MessagePage, chart, error_page, render, session, with_cookie};
use crate::auth::{Account, Caller};
use crate::client_address::origin;
use crate::domain::Role;
use crate::services::accounts::{AccountChange, Accounts, ExpiryChange};
use crate::services::usage::{self, ProvinceOverview, Usage};

struct AccountLine {
    id: i64,
    full_name: String,
    username: String,
    unit: String,
    role: String,
    status: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "province.html")]
struct ProvincePage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    csrf: String,
    notice: String,
    province_name: String,
    accounts: Vec<AccountLine>,
    by_day: String,
    by_unit: String,
}

/// Which province an admin looks at (`?tinh=`), and whether the last action succeeded.
#[derive(Debug, Clone, Deserialize)]
pub struct ProvinceQuery {
    pub tinh: Option<String>,
    pub xong: Option<String>,
}

/// The signed-in account, or a redirect to sign in.
async fn signed_in(request: &HttpRequest, back: &str) -> Result<(Caller, Account), HttpResponse> {
    let (caller, renewable) = session::page_caller(request).await;
    match caller.account().cloned() {
        Some(account) => Ok((caller, account)),
        None => {
            let path = if renewable { "/dang-nhap/gia-han" } else { "/dang-nhap" };
            Err(HttpResponse::SeeOther().insert_header((LOCATION, format!("{path}?next={back}"))).finish())
        }
    }
}

fn province_of(account: &Account, asked: Option<&str>) -> Option<String> {
    asked.map(str::to_string).filter(|p| !p.is_empty()).or_else(|| account.province.clone())
}

/// The provincial admin page.
#[get("/quan-tri/tinh")]
pub async fn province_page(
    request: HttpRequest,
    usage: web::Data<Usage>,
    query: web::Query<ProvinceQuery>,
) -> HttpResponse {
    let (caller, account) = match signed_in(&request, "/quan-tri/tinh").await {
        Ok(found) => found,
        Err(redirect) => return redirect,
    };
    let frame = Frame::of(&request);
    let Some(province) = province_of(&account, query.tinh.as_deref()) else {
        return render(StatusCode::BAD_REQUEST, &MessagePage::new(frame, "?tinh="));
    };
    let ProvinceOverview { accounts: listing, by_day, by_unit, province_name } =
        match usage.province_overview(&caller, province).await {
            Ok(found) => found,
            Err(error) => return error_page(frame, &error),
        };
    let mut lines: Vec<AccountLine> = listing
        .items
        .iter()
        .filter(|u| matches!(u.role, Role::Official | Role::Inspector))
        .map(|u| AccountLine {
            id: u.id,
            full_name: u.full_name.clone(),
            username: u.username.clone(),
            unit: u.unit.clone().unwrap_or_default(),
            role: u.role.to_string(),
            status: u.status.to_string(),
            expires: u.expires_at.map(|e| e.format("%d/%m/%Y").to_string()).unwrap_or_default(),
        })
        .collect();
    lines.sort_by_key(|line| line.status != "pending");
    let w = frame.w;
    let (csrf, new_cookie) = session::csrf_token(&request);
    let page = ProvincePage {
        w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        csrf,
        notice: if query.xong.is_some() { w.done.to_string() } else { String::new() },
        province_name,
        accounts: lines,
        by_day: chart::bars(
            w.usage_by_day,
            &by_day.rows.iter().map(|r| (r.key.clone(), r.total)).collect::<Vec<_>>(),
            w.no_reads,
        ),
        by_unit: chart::bars(
            w.usage_by_unit,
            &by_unit.rows.iter().map(|r| (r.label.clone(), r.total)).collect::<Vec<_>>(),
            w.no_reads,
        ),
    };
    with_cookie(render(StatusCode::OK, &page), new_cookie)
}

/// The fields of the account action forms.
#[derive(Debug, Clone, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub csrf: String,
    /// For renewals: the new expiry date.
    pub until: Option<String>,
    /// For role changes: the new role.
    pub role: Option<String>,
}

/// Approve, suspend or renew one account (`duyet`, `dinh-chi`, `gia-han`).
#[post("/quan-tri/tai-khoan/{id}/{action}")]
pub async fn account_action(
    request: HttpRequest,
    accounts: web::Data<Accounts>,
    path: web::Path<(i64, String)>,
    form: web::Form<ActionForm>,
) -> HttpResponse {
    let frame = Frame::of(&request);
    if !session::csrf_ok(&request, &form.csrf) {
        return render(StatusCode::FORBIDDEN, &MessagePage::new(frame, frame_words(&request).form_expired));
    }
    let (caller, _) = match signed_in(&request, "/quan-tri/tinh").await {
        Ok(found) => found,
        Err(redirect) => return redirect,
    };
    let (id, action) = path.into_inner();
    let action = action.as_str();
    let change = match action {
        "duyet" => AccountChange::Approve(ExpiryChange::default()),
        "dinh-chi" => AccountChange::Suspend,
        "vai-tro" => match form.role.as_deref().and_then(|r| r.parse::<Role>().ok()) {
            Some(role) => AccountChange::Role(role),
            None => return render(StatusCode::BAD_REQUEST, &MessagePage::new(frame, "role")),
        },
        "gia-han" => {
            let until = form.until.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            match until.and_then(|d| d.and_hms_opt(23, 59, 59)) {
                Some(at) => AccountChange::Renew(ExpiryChange { expires_at: Some(at) }),
                None => return render(StatusCode::BAD_REQUEST, &MessagePage::new(frame, "dd/mm/yyyy")),
            }
        }
        _ => return render(StatusCode::NOT_FOUND, &MessagePage::new(frame, frame_words(&request).not_found)),
    };
    match accounts.change(&caller, id, change, origin(&request)).await {
        Ok(_) => {
            let back = if action == "vai-tro" { "/quan-tri?xong=1" } else { "/quan-tri/tinh?xong=1" };
            HttpResponse::SeeOther().insert_header((LOCATION, back)).finish()
        }
        Err(error) => error_page(frame, &error),
    }
}

fn frame_words(request: &HttpRequest) -> &'static Words {
    Frame::of(request).w
}

/// The province's reading by unit over 30 days, as CSV.
#[get("/quan-tri/tinh/bao-cao.csv")]
pub async fn province_csv(
    request: HttpRequest,
    usage: web::Data<Usage>,
    query: web::Query<ProvinceQuery>,
) -> HttpResponse {
    let (caller, account) = match signed_in(&request, "/quan-tri/tinh").await {
        Ok(found) => found,
        Err(redirect) => return redirect,
    };
    let Some(province) = province_of(&account, query.tinh.as_deref()) else {
        return HttpResponse::BadRequest().finish();
    };
    match usage.province_by_unit(&caller, province).await {
        Ok(report) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("Content-Disposition", "attachment; filename=\"bao-cao-tinh.csv\""))
            .body(usage::to_csv(&report)),
        Err(error) => error_page(Frame::of(&request), &error),
    }
}
