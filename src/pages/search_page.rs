//! `/`: the search page, also the home page. Every search has a plain URL that can be shared.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::i18n::Words;
use super::{Frame, encode, error_page, field_label, render, session, status_label};
use crate::routes::params::{CatalogueFilterParams, PageParams};
use crate::routes::search::{SearchParams, search_request};
use crate::search::highlight::escape;
use crate::search::searcher::Facets;
use crate::services::search::SearchService;

const PER_PAGE: u32 = 20;

/// The query string of the search page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchForm {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub issuer: Option<String>,
    pub field: Option<String>,
    pub year: Option<String>,
    pub page: Option<String>,
    pub lang: Option<String>,
}

struct FacetItem {
    label: String,
    count: u64,
    url: String,
    on: bool,
}

struct FacetGroup {
    title: &'static str,
    items: Vec<FacetItem>,
}

struct HitView {
    code: String,
    url: String,
    status: String,
    status_label: &'static str,
    title_html: String,
    snippet_html: Option<String>,
    section: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    q: String,
    total: u64,
    hits: Vec<HitView>,
    facets: Vec<FacetGroup>,
    has_filters: bool,
    clear_url: String,
    prev_url: Option<String>,
    next_url: Option<String>,
}

impl SearchForm {
    fn url(&self, change: &[(&str, Option<&str>)]) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let current = [
            ("q", self.q.clone()),
            ("kind", self.kind.clone()),
            ("status", self.status.clone()),
            ("issuer", self.issuer.clone()),
            ("field", self.field.clone()),
            ("year", self.year.clone()),
            ("lang", self.lang.clone()),
        ];
        for (key, value) in current {
            let value = change.iter().find(|(k, _)| *k == key).map_or(value, |(_, v)| v.map(str::to_string));
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                pairs.push((key, value));
            }
        }
        if let Some((_, Some(page))) = change.iter().find(|(k, _)| *k == "page") {
            pairs.push(("page", page.to_string()));
        }
        let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        if query.is_empty() { "/".into() } else { format!("/?{}", query.join("&")) }
    }
}

/// One facet of the page: its title, its query key, its counts, the value chosen now.
type FacetSource<'a> = (&'static str, &'static str, &'a BTreeMap<String, u64>, &'a Option<String>);

/// The facet lists, each value a link that adds (or, when chosen, removes) it as a filter.
fn facet_groups(w: &'static Words, lang: &str, form: &SearchForm, counts: &Facets) -> Vec<FacetGroup> {
    let sources: [FacetSource<'_>; 5] = [
        (w.kind, "kind", &counts.kind, &form.kind),
        (w.status, "status", &counts.status, &form.status),
        (w.issuer, "issuer", &counts.issuer, &form.issuer),
        (w.field, "field", &counts.field, &form.field),
        (w.year, "year", &counts.year, &form.year),
    ];
    sources
        .iter()
        .map(|(title, key, counts, chosen)| {
            let mut items: Vec<FacetItem> = counts
                .iter()
                .map(|(value, count)| {
                    let on = chosen.as_deref() == Some(value.as_str());
                    let label = match *key {
                        "status" => status_label(w, value).to_string(),
                        "field" => field_label(lang, value),
                        _ => value.clone(),
                    };
                    let url = form.url(&[(key, if on { None } else { Some(value.as_str()) }), ("page", None)]);
                    FacetItem { label, count: *count, url, on }
                })
                .collect();
            items.sort_by(|a, b| if *key == "year" { b.label.cmp(&a.label) } else { b.count.cmp(&a.count) });
            items.truncate(12);
            FacetGroup { title, items }
        })
        .filter(|group| !group.items.is_empty())
        .collect()
}

/// The search page.
#[get("/")]
pub async fn search(
    request: HttpRequest,
    service: web::Data<SearchService>,
    form: web::Query<SearchForm>,
) -> HttpResponse {
    let frame = Frame::of(&request);
    let form = form.into_inner();
    let query = SearchParams { q: form.q.clone(), year_from: form.year.clone(), year_to: form.year.clone() };
    let filters = CatalogueFilterParams {
        kind: form.kind.clone(),
        status: form.status.clone(),
        issuer: form.issuer.clone(),
        field: form.field.clone(),
    };
    let paging = PageParams { page: form.page.clone(), per_page: Some(PER_PAGE.to_string()) };
    let request_body = match search_request(&query, &filters, &paging) {
        Ok(request_body) => request_body,
        Err(error) => return error_page(frame, &error),
    };
    let (q, page) = (request_body.query.clone(), request_body.page);
    let (caller, _) = session::page_caller(&request).await;
    let response = match service.search(&caller, request_body).await {
        Ok(response) => response,
        Err(error) => return error_page(frame, &error),
    };
    let w = frame.w;
    let lang_suffix = if frame.lang == "en" { "?lang=en" } else { "" };
    let hits = response
        .hits
        .iter()
        .map(|hit| HitView {
            code: hit.code.clone(),
            url: format!("/tieu-chuan/{}{lang_suffix}", hit.slug),
            status: hit.status.clone(),
            status_label: status_label(w, &hit.status),
            title_html: hit.highlight.title_vi.clone().unwrap_or_else(|| escape(&hit.title_vi)),
            snippet_html: hit.highlight.body.clone().or_else(|| hit.highlight.scope_vi.clone()),
            section: hit.highlight.section.clone(),
        })
        .collect();
    let facets = facet_groups(w, frame.lang, &form, &response.facets);
    let pages = response.total.div_ceil(u64::from(PER_PAGE));
    let page_url = |p: u32| form.url(&[("page", Some(p.to_string().as_str()))]);
    let template = SearchPage {
        w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        q,
        total: response.total,
        hits,
        facets,
        has_filters: form.kind.is_some()
            || form.status.is_some()
            || form.issuer.is_some()
            || form.field.is_some()
            || form.year.is_some(),
        clear_url: form.url(&[("kind", None), ("status", None), ("issuer", None), ("field", None), ("year", None)]),
        prev_url: (page > 1).then(|| page_url(page - 1)),
        next_url: (u64::from(page) < pages).then(|| page_url(page + 1)),
    };
    render(StatusCode::OK, &template)
}
