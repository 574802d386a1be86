//! `/quan-tri/nhap`: an admin imports a catalogue file. The file is checked first (a dry run
//! whose report is shown), kept by its hash, and applied only when the admin confirms.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use futures_util::StreamExt;
use serde::Deserialize;

use super::i18n::Words;
use super::{Frame, MessagePage, render, session, with_cookie};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::error::AppError;
use crate::services::DbPool;
use crate::services::documents::TextService;
use crate::services::import::{self, FileFormat, ImportOptions, ImportReport};
use crate::services::with_connection;
use crate::texts::blob_store::sha256_hex;

/// The largest catalogue file the page takes.
const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
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
        csrf,
        report,
        sha256,
        format,
    };
    with_cookie(render(status, &page), new_cookie)
}

async fn admin(request: &HttpRequest) -> Result<Caller, HttpResponse> {
    let (caller, _) = session::page_caller(request).await;
    match policy::authorize(&caller, Action::EditCatalogue) {
        Ok(()) => Ok(caller),
        Err(error) => Err(fail(request, &error)),
    }
}

fn fail(request: &HttpRequest, error: &AppError) -> HttpResponse {
    render(error.status_and_code().0, &MessagePage::new(Frame::of(request), error.to_string()))
}

fn format_name(format: FileFormat) -> &'static str {
    match format {
        FileFormat::Csv => "csv",
        FileFormat::JsonLines => "jsonl",
    }
}

async fn run(
    pool: &DbPool,
    bytes: Vec<u8>,
    format: FileFormat,
    options: ImportOptions,
) -> Result<ImportReport, AppError> {
    let text = String::from_utf8(bytes).map_err(|_| AppError::invalid("the file is not UTF-8 text"))?;
    with_connection(pool, move |conn| {
        import::import_text(conn, &text, format, options, &mut || {}).map_err(AppError::from)
    })
    .await
}

/// The import form.
#[get("/quan-tri/nhap")]
pub async fn import_form(request: HttpRequest) -> HttpResponse {
    if let Err(refusal) = admin(&request).await {
        return refusal;
    }
    page(&request, StatusCode::OK, None, String::new(), "jsonl")
}

/// Checks an uploaded file with a dry run and shows what applying it would do.
#[post("/quan-tri/nhap")]
pub async fn import_check(
    request: HttpRequest,
    pool: web::Data<DbPool>,
    texts: web::Data<TextService>,
    mut form: Multipart,
) -> HttpResponse {
    if let Err(refusal) = admin(&request).await {
        return refusal;
    }
    let (mut csrf, mut file, mut name) = (String::new(), Vec::new(), String::new());
    while let Some(Ok(mut field)) = form.next().await {
        let field_name = field.name().unwrap_or_default().to_string();
        if field_name == "file" {
            name = field.content_disposition().and_then(|d| d.get_filename()).unwrap_or_default().to_string();
        }
        let mut bytes = Vec::new();
        while let Some(Ok(chunk)) = field.next().await {
            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                return fail(&request, &AppError::PayloadTooLarge { limit: MAX_FILE_BYTES });
            }
            bytes.extend_from_slice(&chunk);
        }
        match field_name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = bytes,
            _ => {}
        }
    }
    if !session::csrf_ok(&request, &csrf) {
        return fail(&request, &AppError::forbidden("csrf", Frame::of(&request).w.form_expired));
    }
    let Some(format) = FileFormat::from_path(std::path::Path::new(&name)) else {
        return fail(&request, &AppError::invalid("choose a .jsonl, .ndjson, .json or .csv file"));
    };
    let sha = sha256_hex(&file);
    let store = texts.store.clone();
    let kept = file.clone();
    let key = sha.clone();
    if let Err(error) =
        with_connection(&pool, move |conn| store.put(conn, &key, &kept).map_err(|e| AppError::NotReady(e.to_string())))
            .await
    {
        return fail(&request, &error);
    }
    match run(
        &pool,
        file,
        format,
        ImportOptions { dry_run: true, texts: Some(texts.import_source(None)), ..ImportOptions::default() },
    )
    .await
    {
        Ok(report) => page(&request, StatusCode::OK, Some(report), sha, format_name(format)),
        Err(error) => fail(&request, &error),
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
    pool: web::Data<DbPool>,
    texts: web::Data<TextService>,
    form: web::Form<ApplyForm>,
) -> HttpResponse {
    if let Err(refusal) = admin(&request).await {
        return refusal;
    }
    let form = form.into_inner();
    if !session::csrf_ok(&request, &form.csrf) {
        return fail(&request, &AppError::forbidden("csrf", Frame::of(&request).w.form_expired));
    }
    let format = if form.format == "csv" { FileFormat::Csv } else { FileFormat::JsonLines };
    let store = texts.store.clone();
    let sha = form.sha256.clone();
    let bytes =
        match with_connection(&pool, move |conn| store.get(conn, &sha).map_err(|e| AppError::NotReady(e.to_string())))
            .await
        {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return fail(&request, &AppError::invalid("check the file again: it is no longer kept")),
            Err(error) => return fail(&request, &error),
        };
    let options = ImportOptions {
        skip_invalid: form.skip_invalid.unwrap_or(false),
        texts: Some(texts.import_source(None)),
        ..ImportOptions::default()
    };
    match run(&pool, bytes, format, options).await {
        Ok(report) => page(&request, StatusCode::OK, Some(report), form.sha256, format_name(format)),
        Err(error) => fail(&request, &error),
    }
}
