//! `/kiem-tra-ho-so`: an official or inspector pastes a dossier's text or sends its file and sees
//! every code it cites, grouped by what the catalogue says of it on a date, each linked; the same
//! report as CSV; printable as it is. Nothing sent is kept unless a signed-in visitor asks (the text,
//! listed under "Hồ sơ đã lưu" to check again as of today, or forgotten).

use actix_multipart::form::MultipartForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;

use super::i18n::{CheckWords, Words};
use super::{Frame, error_page, expired_form, render, session, with_cookie};
use crate::domain::StandardLink;
use crate::domain::time::vietnam_today;
use crate::routes::checks::{as_of_date, shaped};
use crate::routes::params::ReportFormat;
use crate::services::checks::{
    CheckReport, CheckedCode, Checks, DatedLink, DossierCheck, KeptDossier, Outcome, default_name,
};
use crate::uploads::DossierForm;

/// A link on the page: the code, and its page when the catalogue has one.
struct LinkView {
    code: String,
    href: Option<String>,
    /// `hiệu lực từ 2023-01-16`, when known.
    when: Option<String>,
}

/// A labelled list of links under a code (`Thay thế bởi …`).
struct NoteView {
    label: &'static str,
    links: Vec<LinkView>,
}

struct RowView {
    code: LinkView,
    written: Option<String>,
    occurrences: usize,
    undated: Option<String>,
    notes: Vec<NoteView>,
    reason: Option<String>,
}

struct GroupView {
    title: &'static str,
    /// `attention` for outcomes that need it.
    class: &'static str,
    rows: Vec<RowView>,
}

struct ReportView {
    as_of: String,
    codes: usize,
    groups: Vec<GroupView>,
}

#[derive(Template)]
#[template(path = "check.html")]
struct CheckPage {
    w: &'static Words,
    c: &'static CheckWords,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    csrf: String,
    text: String,
    as_of: String,
    report: Option<ReportView>,
    /// A signed-in visitor may keep what they check, and sees what they kept.
    signed_in: bool,
    kept: Vec<KeptDossier>,
    /// The report is of a kept dossier (or one kept just now): its name.
    kept_name: Option<String>,
}

/// What the page shows besides the form.
struct Shown {
    text: String,
    as_of: String,
    report: Option<ReportView>,
    kept: Vec<KeptDossier>,
    kept_name: Option<String>,
}

fn page(request: &HttpRequest, signed_in: bool, shown: Shown) -> HttpResponse {
    let Shown { text, as_of, report, kept, kept_name } = shown;
    let frame = Frame::of(request);
    let (csrf, new_cookie) = session::csrf_token(request);
    let page = CheckPage {
        w: frame.w,
        c: frame.w.check,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        csrf,
        text,
        as_of,
        report,
        signed_in,
        kept,
        kept_name,
    };
    with_cookie(render(StatusCode::OK, &page), new_cookie)
}

/// The form, and a signed-in visitor's kept dossiers.
#[get("/kiem-tra-ho-so")]
pub async fn check_form(request: HttpRequest, checks: web::Data<Checks>) -> HttpResponse {
    let (caller, _) = session::page_caller(&request).await;
    let kept = match caller.account() {
        Some(_) => match checks.kept(&caller).await {
            Ok(kept) => kept,
            Err(error) => return error_page(Frame::of(&request), &error),
        },
        None => Vec::new(),
    };
    let shown = Shown { text: String::new(), as_of: vietnam_today().to_string(), report: None, kept, kept_name: None };
    page(&request, caller.account().is_some(), shown)
}

/// The report of a pasted text or a file (kept when asked), or the same report as CSV.
#[post("/kiem-tra-ho-so")]
pub async fn check_report(
    request: HttpRequest,
    checks: web::Data<Checks>,
    form: MultipartForm<DossierForm>,
) -> HttpResponse {
    let dossier = form.into_inner().into_dossier();
    if !session::csrf_ok(&request, &dossier.csrf) {
        return expired_form(&request);
    }
    let (caller, _) = session::page_caller(&request).await;
    let as_of = match as_of_date(dossier.as_of.as_deref()) {
        Ok(as_of) => as_of,
        Err(error) => return error_page(Frame::of(&request), &error),
    };
    let named = dossier.keep.clone().flatten();
    let check = DossierCheck { file: dossier.file, text: dossier.text.clone(), as_of, keep: dossier.keep };
    let report = match checks.run(&caller, check).await {
        Ok(report) => report,
        Err(error) => return error_page(Frame::of(&request), &error),
    };
    if dossier.format.as_deref() == Some("csv") {
        return shaped(report, ReportFormat::Csv).unwrap_or_else(|error| error_page(Frame::of(&request), &error));
    }
    let kept_name = report.kept.map(|_| named.map(|n| n.trim().to_string()).unwrap_or_else(|| default_name(as_of)));
    let frame = Frame::of(&request);
    let view = view(frame.w.check, frame.lang_query, &report);
    let shown = Shown { text: dossier.text, as_of: as_of.to_string(), report: Some(view), kept: Vec::new(), kept_name };
    page(&request, caller.account().is_some(), shown)
}

/// The date a kept dossier is checked again as of.
#[derive(Debug, serde::Deserialize)]
pub struct AsOfQuery {
    as_of: Option<String>,
}

/// A kept dossier checked again as of today (or `as_of`).
#[get("/kiem-tra-ho-so/da-luu/{id}")]
pub async fn recheck(
    request: HttpRequest,
    checks: web::Data<Checks>,
    id: web::Path<i64>,
    query: web::Query<AsOfQuery>,
) -> HttpResponse {
    let (caller, _) = session::page_caller(&request).await;
    let as_of = match as_of_date(query.as_of.as_deref()) {
        Ok(as_of) => as_of,
        Err(error) => return error_page(Frame::of(&request), &error),
    };
    let (kept, text, report) = match checks.recheck(&caller, id.into_inner(), as_of).await {
        Ok(found) => found,
        Err(error) => return error_page(Frame::of(&request), &error),
    };
    let frame = Frame::of(&request);
    let view = view(frame.w.check, frame.lang_query, &report);
    let shown =
        Shown { text, as_of: as_of.to_string(), report: Some(view), kept: Vec::new(), kept_name: Some(kept.name) };
    page(&request, true, shown)
}

/// The CSRF token of the forget button.
#[derive(Debug, serde::Deserialize)]
pub struct ForgetForm {
    csrf: String,
}

/// Forgets a kept dossier.
#[post("/kiem-tra-ho-so/da-luu/{id}/xoa")]
pub async fn forget(
    request: HttpRequest,
    checks: web::Data<Checks>,
    id: web::Path<i64>,
    form: web::Form<ForgetForm>,
) -> HttpResponse {
    if !session::csrf_ok(&request, &form.csrf) {
        return expired_form(&request);
    }
    let (caller, _) = session::page_caller(&request).await;
    match checks.forget(&caller, id.into_inner()).await {
        Ok(()) => super::account_pages::redirect("/kiem-tra-ho-so"),
        Err(error) => error_page(Frame::of(&request), &error),
    }
}

fn view(c: &'static CheckWords, q: &str, report: &CheckReport) -> ReportView {
    let groups = Outcome::ALL
        .into_iter()
        .filter_map(|outcome| {
            let rows: Vec<RowView> =
                report.checked.iter().filter(|code| code.outcome == outcome).map(|code| row(c, q, code)).collect();
            (!rows.is_empty()).then(|| GroupView {
                title: c.outcome(outcome),
                class: if outcome.needs_attention() { "attention" } else { "" },
                rows,
            })
        })
        .collect();
    ReportView { as_of: report.as_of.to_string(), codes: report.codes, groups }
}

fn row(c: &'static CheckWords, q: &str, code: &CheckedCode) -> RowView {
    let undated_link = code.standard.as_ref().filter(|_| code.undated);
    let own = match (&code.standard, code.undated) {
        (Some(standard), false) => link(standard, None, q),
        _ => LinkView { code: code.code.clone(), href: None, when: None },
    };
    let dated = |links: &[DatedLink]| -> Vec<LinkView> {
        links.iter().map(|l| link(&l.link, l.effective_date.map(|d| format!("{} {d}", c.from)), q)).collect()
    };
    let plain = |links: &[StandardLink]| -> Vec<LinkView> { links.iter().map(|l| link(l, None, q)).collect() };
    let notes = [
        (c.replaced_by, dated(&code.replaced_by)),
        (c.amended_by, dated(&code.amended_by)),
        (c.newer, dated(&code.newer_editions)),
        (c.near, plain(&code.near)),
        (c.adoptions, plain(&code.adoptions)),
    ]
    .into_iter()
    .filter(|(_, links)| !links.is_empty())
    .map(|(label, links)| NoteView { label, links })
    .collect();
    RowView {
        code: own,
        written: (code.written != code.code).then(|| code.written.clone()),
        occurrences: code.occurrences,
        undated: undated_link.map(|standard| format!("{}: {}", c.undated, standard.code)),
        notes,
        reason: code.note.clone(),
    }
}

fn link(standard: &StandardLink, when: Option<String>, q: &str) -> LinkView {
    LinkView {
        code: standard.code.clone(),
        href: standard.slug.as_ref().map(|slug| format!("/tieu-chuan/{slug}{q}")),
        when,
    }
}
