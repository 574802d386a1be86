//! `/quan-tri/nhap`: an admin imports a catalogue file. The file is checked first (a dry run
//! whose report is shown), kept by its hash, and applied only when the admin confirms.

use actix_multipart::form::MultipartForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::i18n::Words;
use super::{Frame, PageEditor, error_page, expired_form, render, session, with_cookie};
use crate::error::AppError;
use crate::services::catalogue::{Catalogue, CheckedFile};
use crate::services::import::{FileFormat, ImportReport};
use crate::uploads::{CatalogueFileForm, MAX_CATALOGUE_FILE_BYTES};

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    csrf: String,
    report: Option<ImportReport>,
    sha256: String,
    format: &'static str,
}

fn page(
    request: &HttpRequest,
    status: StatusCode,
    report: Option<ImportReport>,
    sha256: String,
    format: &'static str,
) -> HttpResponse {
    let frame = Frame::of(request);
    let (csrf, new_cookie) = session::csrf_token(request);
    let page = ImportPage {
        w: frame.w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        csrf,
        report,
        sha256,
        format,
    };
    with_cookie(render(status, &page), new_cookie)
}

fn format_name(format: FileFormat) -> &'static str {
    match format {
        FileFormat::Csv => "csv",
        FileFormat::JsonLines => "jsonl",
    }
}

/// The import form.
#[get("/quan-tri/nhap")]
pub async fn import_form(request: HttpRequest, _: PageEditor) -> HttpResponse {
    page(&request, StatusCode::OK, None, String::new(), "jsonl")
}

/// Checks an uploaded file with a dry run and shows what applying it would do.
#[post("/quan-tri/nhap")]
pub async fn import_check(
    request: HttpRequest,
    PageEditor(caller): PageEditor,
    catalogue: web::Data<Catalogue>,
    form: MultipartForm<CatalogueFileForm>,
) -> HttpResponse {
    let (file, name, csrf) = form.into_inner().into_parts();
    if !session::csrf_ok(&request, &csrf) {
        return expired_form(&request);
    }
    if file.len() > MAX_CATALOGUE_FILE_BYTES {
        return error_page(Frame::of(&request), &AppError::PayloadTooLarge { limit: MAX_CATALOGUE_FILE_BYTES });
    }
    match catalogue.check_file(&caller, file, &name).await {
        Ok(CheckedFile { report, sha256, format }) => {
            page(&request, StatusCode::OK, Some(report), sha256, format_name(format))
        }
        Err(error) => error_page(Frame::of(&request), &error),
    }
}

/// The confirmation of a checked file.
#[derive(Debug, Clone, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    pub csrf: String,
    pub sha256: String,
    pub format: String,
    pub skip_invalid: Option<bool>,
}

/// Applies a file that was checked before.
#[post("/quan-tri/nhap/ap-dung")]
pub async fn import_apply(
    request: HttpRequest,
    PageEditor(caller): PageEditor,
    catalogue: web::Data<Catalogue>,
    form: web::Form<ApplyForm>,
) -> HttpResponse {
    let form = form.into_inner();
    if !session::csrf_ok(&request, &form.csrf) {
        return expired_form(&request);
    }
    let format = if form.format == "csv" { FileFormat::Csv } else { FileFormat::JsonLines };
    match catalogue.apply_file(&caller, &form.sha256, format, form.skip_invalid.unwrap_or(false)).await {
        Ok(report) => page(&request, StatusCode::OK, Some(report), form.sha256, format_name(format)),
        Err(error) => error_page(Frame::of(&request), &error),
    }
}
