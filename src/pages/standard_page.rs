//! `/tieu-chuan/{slug}`: a standard with its status, replacement chain, relations, provenance and
//! texts; `/tieu-chuan/{slug}/van-ban/{id}`: the reader. Any code spelling redirects to the slug.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue, LOCATION};
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::i18n::Words;
use super::{Frame, MessagePage, encode, render, session, status_label};
use crate::domain::{AccessLevel, Status, TextFormat};
use crate::error::AppError;
use crate::services::catalogue::{Catalogue, StandardDetail, StandardLink};
use crate::services::documents::{Reading, SectionView, Texts};

struct LinkView {
    code: String,
    url: String,
    title: String,
    status: String,
    status_label: &'static str,
}

struct RelationGroup {
    title: &'static str,
    links: Vec<LinkView>,
}

struct DocumentLine {
    label: String,
    can_read: bool,
    is_pdf: bool,
    read_url: String,
    pdf_url: String,
    reason: &'static str,
}

#[derive(Template)]
#[template(path = "standard.html")]
struct StandardPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    code: String,
    title: String,
    status: String,
    status_label: &'static str,
    successors: Vec<LinkView>,
    expired: bool,
    facts: Vec<(&'static str, String)>,
    relations: Vec<RelationGroup>,
    documents: Vec<DocumentLine>,
    provenance: String,
    /// The admin's edit page, when the visitor may edit.
    edit_url: Option<String>,
    /// The Atom feed of the standard's field, when it has one.
    field_feed: Option<String>,
}

fn link(w: &'static Words, link: &StandardLink, lang_query: &str) -> LinkView {
    let status = link.status.map(|s| s.as_str().to_string()).unwrap_or_default();
    LinkView {
        code: link.code.clone(),
        url: link.slug.as_ref().map(|slug| format!("/tieu-chuan/{slug}{lang_query}")).unwrap_or_default(),
        title: link.title_vi.clone().unwrap_or_default(),
        status_label: if status.is_empty() { "" } else { status_label(w, &status) },
        status,
    }
}

fn page(frame: Frame, detail: &StandardDetail) -> StandardPage {
    let w = frame.w;
    let q = frame.lang_query;
    let s = &detail.summary;
    let r = &detail.relations;
    let relations = [
        (w.replaced_by, &r.replaced_by),
        (w.replaces, &r.replaces),
        (w.amended_by, &r.amended_by),
        (w.amends, &r.amends),
        (w.references, &r.references),
        (w.referenced_by, &r.referenced_by),
    ]
    .into_iter()
    .filter(|(_, links)| !links.is_empty())
    .map(|(title, links)| RelationGroup { title, links: links.iter().map(|l| link(w, l, q)).collect() })
    .collect();
    let mut facts: Vec<(&'static str, String)> = vec![(w.kind, s.kind.to_string())];
    let optional = [
        (w.title_en, s.title_en.clone()),
        (w.issuer, detail.issuer.clone()),
        (w.field, s.field.clone()),
        (w.legal_instrument, detail.legal_instrument.clone()),
        (w.issued_date, detail.issued_date.map(|d| d.format("%d/%m/%Y").to_string())),
        (w.effective_date, detail.effective_date.map(|d| d.format("%d/%m/%Y").to_string())),
        (w.scope, detail.scope_vi.clone()),
        (w.status, detail.status_note.clone()),
    ];
    facts.extend(optional.into_iter().filter_map(|(label, value)| value.map(|v| (label, v))));
    let documents = detail
        .documents
        .iter()
        .map(|d| DocumentLine {
            label: format!(
                "{} · {}",
                d.format.as_str().to_uppercase(),
                d.pages.map_or(format!("{} mục", d.sections), |p| format!("{p} trang"))
            ),
            can_read: d.can_read,
            is_pdf: d.format == TextFormat::Pdf,
            read_url: format!("/tieu-chuan/{}/van-ban/{}{q}", s.slug, d.id),
            pdf_url: format!("/tieu-chuan/{}/van-ban/{}/pdf", s.slug, d.id),
            reason: if d.access_level == AccessLevel::Inspectors { w.inspectors_only } else { w.sign_in_to_read },
        })
        .collect();
    let confidence = detail.provenance.confidence.map(|c| c.as_str().to_string()).unwrap_or_default();
    StandardPage {
        w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        code: s.code.clone(),
        title: s.title_vi.clone(),
        status: s.status.to_string(),
        status_label: status_label(w, s.status.as_str()),
        successors: r.replaced_by.iter().map(|l| link(w, l, q)).collect(),
        expired: matches!(s.status, Status::Expired | Status::Annulled),
        facts,
        relations,
        documents,
        provenance: format!(
            "{} ({}: {confidence})",
            detail.provenance.source.clone().unwrap_or_default(),
            w.confidence
        ),
        edit_url: None,
        field_feed: s.field.as_ref().map(|field| {
            format!(
                "/feeds/changes.atom?field={}",
                url::form_urlencoded::byte_serialize(field.as_bytes()).collect::<String>()
            )
        }),
    }
}

fn failure(frame: Frame, error: &AppError) -> HttpResponse {
    let (status, _) = error.status_and_code();
    let message = match status {
        StatusCode::NOT_FOUND => frame.w.not_found.to_string(),
        StatusCode::UNAUTHORIZED => frame.w.sign_in_to_read.to_string(),
        StatusCode::FORBIDDEN => frame.w.not_allowed.to_string(),
        _ => error.to_string(),
    };
    render(status, &MessagePage::new(frame, message))
}

/// The standard page; any other spelling of its code redirects to its slug.
#[get("/tieu-chuan/{reference}")]
pub async fn standard(
    request: HttpRequest,
    catalogue: web::Data<Catalogue>,
    reference: web::Path<String>,
) -> HttpResponse {
    let frame = Frame::of(&request);
    let (caller, _) = session::page_caller(&request).await;
    let reference = reference.into_inner();
    let can_edit = crate::auth::authorize(&caller, crate::auth::Action::EditCatalogue).is_ok();
    let found = catalogue.detail(&caller, &reference).await;
    match found {
        Ok(detail) if detail.summary.slug != reference => HttpResponse::MovedPermanently()
            .insert_header((LOCATION, format!("/tieu-chuan/{}{}", detail.summary.slug, frame.lang_query)))
            .finish(),
        Ok(detail) => {
            let mut view = page(frame, &detail);
            view.edit_url = can_edit.then(|| format!("/quan-tri/tieu-chuan/{}", detail.summary.slug));
            render(StatusCode::OK, &view)
        }
        Err(error) => failure(frame, &error),
    }
}

#[derive(Template)]
#[template(path = "reader.html")]
struct ReaderPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    code: String,
    standard_url: String,
    whole_url: String,
    full_contents_url: String,
    contents: Vec<(String, String, bool)>,
    sections: Vec<SectionView>,
}

/// Which section to show.
#[derive(Debug, Clone, Deserialize)]
pub struct ReaderQuery {
    /// A section number, or `tat-ca` for the whole text (default: the first section).
    pub muc: Option<String>,
    /// `day-du` lists every heading in the contents, not only the outline.
    pub muc_luc: Option<String>,
}

/// Headings deeper than this (`1.4.28` is 3) are left out of the contents unless asked for, so
/// that a long regulation's reader stays light on a slow line.
const OUTLINE_DEPTH: usize = 2;

/// How deep a numbered heading is: `1.4` → 2, `1.4.28 Khoảng cách` → 3, `PHẦN 1` → 1.
fn outline_depth(heading: &str) -> usize {
    let first = heading.split_whitespace().next().unwrap_or_default().trim_end_matches('.');
    if first.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) && first.contains('.') {
        first.split('.').count()
    } else {
        1
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
    let section = match query.muc.as_deref() {
        Some("tat-ca") => None,
        Some(n) => Some(n.parse::<usize>().unwrap_or(0)),
        None => Some(0),
    };
    let (caller, renewable) = session::page_caller(&request).await;
    if renewable && caller.account().is_none() {
        let back = format!("{}?{}", request.path(), request.query_string());
        return HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/dang-nhap/gia-han?next={}", encode(&back))))
            .finish();
    }
    let Reading { code, slug, text: view } = match texts.read(&caller, &reference, id, section).await {
        Ok(found) => found,
        Err(error) => return failure(frame, &error),
    };
    let base = format!("/tieu-chuan/{}/van-ban/{id}", encode(&slug));
    let restricted = view.restricted;
    let sep = if frame.lang == "en" { "&lang=en" } else { "" };
    let template = ReaderPage {
        w: frame.w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        standard_url: format!("/tieu-chuan/{slug}{}", frame.lang_query),
        whole_url: format!("{base}?muc=tat-ca{sep}"),
        full_contents_url: format!("{base}?muc={}&muc_luc=day-du{sep}", section.unwrap_or(0)),
        contents: view
            .contents
            .iter()
            .enumerate()
            .filter(|(i, heading)| full_contents || section == Some(*i) || outline_depth(heading) <= OUTLINE_DEPTH)
            .map(|(i, heading)| {
                let label = if heading.is_empty() { "…".to_string() } else { heading.clone() };
                (label, format!("{base}?muc={i}{sep}"), section == Some(i))
            })
            .collect(),
        sections: view.sections,
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

#[cfg(test)]
mod tests {
    use super::outline_depth;

    #[test]
    fn numbered_headings_have_a_depth() {
        assert_eq!(outline_depth("1.4.28 Khoảng cách phòng cháy chống cháy"), 3);
        assert_eq!(outline_depth("1.1 \tPhạm vi điều chỉnh"), 2);
        assert_eq!(outline_depth("PHẦN 1 – QUY ĐỊNH CHUNG"), 1);
        assert_eq!(outline_depth("A.2. Yêu cầu"), 2);
    }
}
