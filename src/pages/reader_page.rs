//! `/tieu-chuan/{slug}/van-ban/{id}`: the reader of a text, a section at a time with a table of
//! contents (or the whole text), and the PDF of a text for a signed-in visitor.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue, LOCATION};
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::i18n::Words;
use super::standard_page::failure;
use super::{Frame, encode, render, session};
use crate::services::catalogue::Catalogue;
use crate::services::documents::{Reading, SectionChoice, SectionView, Texts};
use crate::texts::clauses::{clause_keys, outline_depth};

#[derive(Template)]
#[template(path = "reader.html")]
struct ReaderPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    code: String,
    standard_url: String,
    whole_url: String,
    full_contents_url: String,
    contents: Vec<ContentsLine>,
    /// Each shown section, with the lasting address of its clause when it has a number.
    sections: Vec<(SectionView, Option<String>)>,
}

/// One line of the contents.
struct ContentsLine {
    label: String,
    url: String,
    current: bool,
    /// How deep the heading sits (1 to 4), for its indent.
    depth: usize,
}

/// Which section to show.
#[derive(Debug, Clone, Deserialize)]
pub struct ReaderQuery {
    /// A clause number (`2.2.2`, `3.`, `phu-luc-a`), a section's position, or `tat-ca` for the
    /// whole text (default: the first section).
    pub muc: Option<String>,
    /// `day-du` lists every heading in the contents, not only the outline.
    pub muc_luc: Option<String>,
}

/// Headings deeper than this (`1.4.28` is 3) are left out of the contents unless asked for, so
/// that a long regulation's reader stays light on a slow line.
const OUTLINE_DEPTH: usize = 2;

/// The lasting address of a standard's text: the newest text of the standard, at the clause the
/// query names (`?muc=2.2.2`), so that a link to a clause outlives a new edition of the text.
#[get("/tieu-chuan/{reference}/van-ban")]
pub async fn newest_text(
    request: HttpRequest,
    catalogue: web::Data<Catalogue>,
    reference: web::Path<String>,
) -> HttpResponse {
    let frame = Frame::of(&request);
    let (caller, _) = session::page_caller(&request).await;
    match catalogue.detail(&caller, &reference).await {
        Ok(detail) => match detail.documents.last() {
            Some(newest) => {
                let query = request.query_string();
                let query = if query.is_empty() { String::new() } else { format!("?{query}") };
                HttpResponse::SeeOther()
                    .insert_header((
                        LOCATION,
                        format!("/tieu-chuan/{}/van-ban/{}{query}", detail.summary.slug, newest.id),
                    ))
                    .finish()
            }
            None => {
                let no_texts = frame.w.no_texts;
                render(StatusCode::NOT_FOUND, &super::MessagePage::new(frame, no_texts))
            }
        },
        Err(error) => failure(frame, &error),
    }
}

/// The reader: a table of contents and one section (or the whole text).
#[get("/tieu-chuan/{reference}/van-ban/{id}")]
pub async fn reader(
    request: HttpRequest,
    texts: web::Data<Texts>,
    path: web::Path<(String, i64)>,
    query: web::Query<ReaderQuery>,
) -> HttpResponse {
    let frame = Frame::of(&request);
    let (reference, id) = path.into_inner();
    let full_contents = query.muc_luc.as_deref() == Some("day-du");
    let choice = match query.muc.as_deref().map(str::trim) {
        Some("tat-ca") => SectionChoice::Whole,
        None | Some("") => SectionChoice::At(0),
        Some(n) if n.chars().all(|c| c.is_ascii_digit()) => SectionChoice::At(n.parse::<usize>().unwrap_or(usize::MAX)),
        Some(clause) => SectionChoice::Clause(clause.to_string()),
    };
    let (caller, renewable) = session::page_caller(&request).await;
    if renewable && caller.account().is_none() {
        let back = format!("{}?{}", request.path(), request.query_string());
        return HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/dang-nhap/gia-han?next={}", encode(&back))))
            .finish();
    }
    let whole = choice == SectionChoice::Whole;
    let Reading { code, slug, text: view } = match texts.read(&caller, &reference, id, choice).await {
        Ok(found) => found,
        Err(error) => return failure(frame, &error),
    };
    let base = format!("/tieu-chuan/{}/van-ban/{id}", encode(&slug));
    let section = if whole { None } else { view.sections.first().map(|s| s.index) };
    let keys = clause_keys(&view.contents);
    // A link names a clause by its number where the heading has one, so that it still lands on
    // the same clause after the text is imported again.
    let link = |i: usize| match keys.get(i).and_then(Option::as_deref) {
        Some(key) => format!("{base}?muc={}", encode(key)),
        None => format!("{base}?muc={i}"),
    };
    let restricted = view.restricted;
    let sep = if frame.lang == "en" { "&lang=en" } else { "" };
    let template = ReaderPage {
        w: frame.w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        standard_url: format!("/tieu-chuan/{slug}{}", frame.lang_query),
        whole_url: format!("{base}?muc=tat-ca{sep}"),
        full_contents_url: format!("{}&muc_luc=day-du{sep}", link(section.unwrap_or(0))),
        contents: view
            .contents
            .iter()
            .enumerate()
            .filter(|(i, heading)| full_contents || section == Some(*i) || outline_depth(heading) <= OUTLINE_DEPTH)
            .map(|(i, heading)| ContentsLine {
                label: if heading.is_empty() { "…".to_string() } else { heading.clone() },
                url: format!("{}{sep}", link(i)),
                current: section == Some(i),
                depth: outline_depth(heading).min(4),
            })
            .collect(),
        sections: view
            .sections
            .into_iter()
            .map(|section| {
                let lasting = keys
                    .get(section.index)
                    .and_then(Option::as_deref)
                    .map(|key| format!("/tieu-chuan/{}/van-ban?muc={}{sep}", encode(&slug), encode(key)));
                (section, lasting)
            })
            .collect(),
        code,
    };
    let mut page = render(StatusCode::OK, &template);
    if restricted {
        page.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    page
}

/// The PDF for a signed-in page visitor (stamped unless public), like the API's.
#[get("/tieu-chuan/{reference}/van-ban/{id}/pdf")]
pub async fn pdf(request: HttpRequest, texts: web::Data<Texts>, path: web::Path<(String, i64)>) -> HttpResponse {
    let frame = Frame::of(&request);
    let (caller, _) = session::page_caller(&request).await;
    let (reference, id) = path.into_inner();
    match texts.download(&caller, &reference, id).await {
        Ok((bytes, name)) => HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
            .insert_header(("Cache-Control", "private, no-store"))
            .body(bytes),
        Err(error) => failure(frame, &error),
    }
}
