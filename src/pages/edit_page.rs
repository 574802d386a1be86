//! `/quan-tri/tieu-chuan/{slug}`: an admin edits a standard's metadata and relations (see
//! `services::editing`) and uploads its texts.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use futures_util::StreamExt;

use super::i18n::Words;
use super::{Frame, MessagePage, render, session, with_cookie};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::domain::AccessLevel;
use crate::error::AppError;
use crate::services::DbPool;
use crate::services::catalogue;
use crate::services::catalogue::StandardRow;
use crate::services::documents::{TextService, Upload};
use crate::services::{editing, with_connection};

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

async fn admin(request: &HttpRequest) -> Result<Caller, HttpResponse> {
    let (caller, _) = session::page_caller(request).await;
    policy::authorize(&caller, Action::EditCatalogue).map(|()| caller).map_err(|error| fail(request, &error))
}

fn fail(request: &HttpRequest, error: &AppError) -> HttpResponse {
    render(error.status_and_code().0, &MessagePage::new(Frame::of(request), error.to_string()))
}

/// The edit page of a standard.
#[get("/quan-tri/tieu-chuan/{reference}")]
pub async fn edit_form(request: HttpRequest, pool: web::Data<DbPool>, reference: web::Path<String>) -> HttpResponse {
    if let Err(refusal) = admin(&request).await {
        return refusal;
    }
    let reference = reference.into_inner();
    match with_connection(&pool, move |conn| {
        let row = catalogue::resolve(conn, &reference)?;
        let values = editing::current_values(conn, &row)?;
        Ok((row, values))
    })
    .await
    {
        Ok((row, values)) => edit_page(&request, &row, &values, String::new()),
        Err(error) => fail(&request, &error),
    }
}

/// Saves the edit through the import path.
#[post("/quan-tri/tieu-chuan/{reference}")]
pub async fn save(
    request: HttpRequest,
    pool: web::Data<DbPool>,
    reference: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    if let Err(refusal) = admin(&request).await {
        return refusal;
    }
    let form = form.into_inner();
    if !session::csrf_ok(&request, form.get("csrf").map_or("", String::as_str)) {
        return fail(&request, &AppError::forbidden("csrf", Frame::of(&request).w.form_expired));
    }
    let reference = reference.into_inner();
    let saved = with_connection(&pool, move |conn| editing::save(conn, &reference, &form)).await;
    match saved {
        Ok(slug) => HttpResponse::SeeOther().insert_header((LOCATION, format!("/tieu-chuan/{slug}"))).finish(),
        Err(error) => fail(&request, &error),
    }
}

/// Uploads a text from the page (multipart: `csrf`, `file`, `access_level`).
#[post("/quan-tri/tieu-chuan/{reference}/van-ban")]
pub async fn upload_text(
    request: HttpRequest,
    pool: web::Data<DbPool>,
    texts: web::Data<TextService>,
    settings: web::Data<crate::config::Settings>,
    reference: web::Path<String>,
    mut form: Multipart,
) -> HttpResponse {
    let caller = match admin(&request).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let (mut csrf, mut upload) =
        (String::new(), Upload { bytes: Vec::new(), filename: None, claimed: None, access_level: None });
    while let Some(Ok(mut field)) = form.next().await {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            upload.filename = field.content_disposition().and_then(|d| d.get_filename()).map(str::to_string);
        }
        let mut bytes = Vec::new();
        while let Some(Ok(chunk)) = field.next().await {
            if bytes.len() + chunk.len() > settings.max_upload_bytes {
                return fail(&request, &AppError::PayloadTooLarge { limit: settings.max_upload_bytes });
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => upload.bytes = bytes,
            "access_level" => upload.access_level = String::from_utf8_lossy(&bytes).parse::<AccessLevel>().ok(),
            _ => {}
        }
    }
    if !session::csrf_ok(&request, &csrf) {
        return fail(&request, &AppError::forbidden("csrf", Frame::of(&request).w.form_expired));
    }
    let reference = reference.into_inner();
    let texts = texts.into_inner();
    let done = with_connection(&pool, move |conn| {
        let row = catalogue::resolve(conn, &reference)?;
        texts.upload(conn, &caller, &row, upload)?;
        Ok(row.fields.slug)
    })
    .await;
    match done {
        Ok(slug) => HttpResponse::SeeOther().insert_header((LOCATION, format!("/tieu-chuan/{slug}"))).finish(),
        Err(error) => fail(&request, &error),
    }
}
