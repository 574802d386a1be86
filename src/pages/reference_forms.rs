//! `POST /tieu-chuan/{slug}/vien-dan` (editors): the standard page's corrections of what its texts
//! are recorded as citing: strike out a code reading found, or add one it missed.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::account_pages::redirect;
use super::{Frame, PageEditor, error_page, expired_form, session};
use crate::services::references::{ReferenceCorrection, References};

/// A correction, with the form's CSRF token.
#[derive(Debug, Deserialize)]
pub struct CorrectionForm {
    csrf: String,
    action: String,
    code: String,
    section: Option<String>,
}

/// Strikes out or adds a cited code, then shows the standard's references again.
#[post("/tieu-chuan/{slug}/vien-dan")]
pub async fn correct_references(
    request: HttpRequest,
    PageEditor(caller): PageEditor,
    references: web::Data<References>,
    slug: web::Path<String>,
    form: web::Form<CorrectionForm>,
) -> HttpResponse {
    if !session::csrf_ok(&request, &form.csrf) {
        return expired_form(&request);
    }
    let form = form.into_inner();
    let done = match form.action.as_str() {
        "strike" => references.strike(&caller, &slug, &form.code).await,
        "add" => {
            let correction =
                ReferenceCorrection { code: form.code, section: form.section.filter(|s| !s.trim().is_empty()) };
            references.add(&caller, &slug, correction).await
        }
        _ => Err(crate::error::AppError::invalid("`action` is `strike` or `add`")),
    };
    match done {
        Ok(_) => redirect(&format!("/tieu-chuan/{slug}#vien-dan")),
        Err(error) => error_page(Frame::of(&request), &error),
    }
}
