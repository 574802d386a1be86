//! `/quan-tri`: the Ministry's page: national reading by province and by day as charts, every
//! account with its role (changed here), links to each province's page and to the import.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::i18n::Words;
use super::{Frame, chart, error_page, render, session, with_cookie};
use crate::domain::Role;
use crate::services::accounts::{Province, UserView};
use crate::services::usage::{NationalOverview, Usage};

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    csrf: String,
    notice: String,
    by_province: String,
    by_day: String,
    provinces: Vec<Province>,
    accounts: Vec<UserView>,
    roles: Vec<String>,
}

/// Whether the last action succeeded.
#[derive(Debug, Clone, Deserialize)]
pub struct Done {
    pub xong: Option<String>,
}

/// The admin page.
#[get("/quan-tri")]
pub async fn admin_page(request: HttpRequest, usage: web::Data<Usage>, done: web::Query<Done>) -> HttpResponse {
    let frame = Frame::of(&request);
    let (caller, _) = session::page_caller(&request).await;
    let NationalOverview { by_province, by_day, accounts, provinces } = match usage.national_overview(&caller).await {
        Ok(found) => found,
        Err(error) => return error_page(frame, &error),
    };
    let w = frame.w;
    let (csrf, new_cookie) = session::csrf_token(&request);
    let page = AdminPage {
        w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        csrf,
        notice: if done.xong.is_some() { w.done.to_string() } else { String::new() },
        by_province: chart::bars(
            w.usage_by_province,
            &by_province.rows.iter().map(|r| (r.label.clone(), r.total)).collect::<Vec<_>>(),
            w.no_reads,
        ),
        by_day: chart::bars(
            w.usage_by_day,
            &by_day.rows.iter().map(|r| (r.key.clone(), r.total)).collect::<Vec<_>>(),
            w.no_reads,
        ),
        provinces,
        accounts,
        roles: Role::ALL.iter().map(|r| r.as_str().to_string()).collect(),
    };
    with_cookie(render(StatusCode::OK, &page), new_cookie)
}
