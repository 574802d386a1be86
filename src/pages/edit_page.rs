//! `/quan-tri/tieu-chuan/{slug}`: an admin edits a standard's metadata and relations (see
//! `services::editing`) and uploads its texts.

use std::collections::HashMap;

use actix_multipart::form::MultipartForm;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use super::i18n::Words;
use super::{Frame, PageEditor, error_page, expired_form, render, session, with_cookie};
use crate::services::catalogue::{Catalogue, StandardRow};
use crate::services::documents::Texts;
use crate::uploads::TextForm;

struct FieldView {
    name: &'static str,
    label: String,
    value: String,
    multiline: bool,
}

#[derive(Template)]
#[template(path = "edit_standard.html")]
struct EditPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    csrf: String,
    notice: String,
    code: String,
    slug: String,
    fields: Vec<FieldView>,
}

fn edit_page(
    request: &HttpRequest,
    row: &StandardRow,
    values: &HashMap<&'static str, String>,
    notice: String,
) -> HttpResponse {
    let frame = Frame::of(request);
    let w = frame.w;
    let labels: [(&'static str, String, bool); 11] = [
        ("title_vi", "Tên tiếng Việt".into(), false),
        ("title_en", w.title_en.into(), false),
        ("status", format!("{} (in_force, replaced, expired, unknown…)", w.status), false),
        ("status_note", w.status.into(), false),
        ("field", w.field.into(), false),
        ("scope_vi", w.scope.into(), true),
        ("legal_instrument", w.legal_instrument.into(), false),
        ("effective_date", format!("{} (YYYY-MM-DD)", w.effective_date), false),
        ("replaces", format!("{} — {}", w.replaces, w.codes_per_line), true),
        ("replaced_by", format!("{} — {}", w.replaced_by, w.codes_per_line), true),
        ("references", format!("{} — {}", w.references, w.codes_per_line), true),
    ];
    let (csrf, new_cookie) = session::csrf_token(request);
    let page = EditPage {
        w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        csrf,
        notice,
        code: row.fields.code.clone(),
        slug: row.fields.slug.clone(),
        fields: labels
            .into_iter()
            .map(|(name, label, multiline)| FieldView {
                name,
                label,
                value: values.get(name).cloned().unwrap_or_default(),
                multiline,
            })
            .collect(),
    };
    with_cookie(render(StatusCode::OK, &page), new_cookie)
}

/// The edit page of a standard.
#[get("/quan-tri/tieu-chuan/{reference}")]
pub async fn edit_form(
    request: HttpRequest,
    PageEditor(caller): PageEditor,
    catalogue: web::Data<Catalogue>,
    reference: web::Path<String>,
) -> HttpResponse {
    match catalogue.editable(&caller, &reference).await {
        Ok((row, values)) => edit_page(&request, &row, &values, String::new()),
        Err(error) => error_page(Frame::of(&request), &error),
    }
}

/// Saves the edit through the import path.
#[post("/quan-tri/tieu-chuan/{reference}")]
pub async fn save(
    request: HttpRequest,
    PageEditor(caller): PageEditor,
    catalogue: web::Data<Catalogue>,
    reference: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let form = form.into_inner();
    if !session::csrf_ok(&request, form.get("csrf").map_or("", String::as_str)) {
        return expired_form(&request);
    }
    match catalogue.save_edit(&caller, &reference, form).await {
        Ok(slug) => HttpResponse::SeeOther().insert_header((LOCATION, format!("/tieu-chuan/{slug}"))).finish(),
        Err(error) => error_page(Frame::of(&request), &error),
    }
}

/// Uploads a text from the page (multipart: `csrf`, `file`, `access_level`).
#[post("/quan-tri/tieu-chuan/{reference}/van-ban")]
pub async fn upload_text(
    request: HttpRequest,
    PageEditor(caller): PageEditor,
    texts: web::Data<Texts>,
    reference: web::Path<String>,
    form: MultipartForm<TextForm>,
) -> HttpResponse {
    let (upload, csrf) = match form.into_inner().into_upload(texts.storage().max_upload_bytes) {
        Ok(parts) => parts,
        Err(error) => return error_page(Frame::of(&request), &error),
    };
    if !session::csrf_ok(&request, csrf.as_deref().unwrap_or_default()) {
        return expired_form(&request);
    }
    match texts.upload(&caller, &reference, upload).await {
        Ok((_, _, slug)) => HttpResponse::SeeOther().insert_header((LOCATION, format!("/tieu-chuan/{slug}"))).finish(),
        Err(error) => error_page(Frame::of(&request), &error),
    }
}
