//! `/tieu-chuan/{slug}`: a standard with its status, replacement chain, relations, what it cites
//! (each with where the cited code stands today, and a notice for each replaced one), provenance (its
//! source, confidence and sourced corrections) and texts (each with its source and caveats). Any
//! code spelling redirects to the slug; a removed record says why and points to the one it was
//! confused with.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use super::i18n::Words;
use super::{Frame, MessagePage, field_label, render, session, status_label, with_cookie};
use crate::domain::ReferenceOrigin;
use crate::domain::{AccessLevel, Confidence, Status, TextFormat};
use crate::error::AppError;
use crate::services::catalogue::{Catalogue, StandardDetail, StandardLink};
use crate::services::checks::Outcome;
use crate::services::references::CitedCode;

#[derive(Clone)]
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

/// A code the standard cites, where it stands today, and who says it is cited.
struct CitedLine {
    code: String,
    url: String,
    outcome: &'static str,
    outcome_label: &'static str,
    attention: bool,
    /// Who says so, and where: `đọc từ văn bản · mục 1.3 Tài liệu viện dẫn`.
    origin: String,
    /// Read from a text or added by an editor (an editor may strike it out), not declared.
    from_texts: bool,
    replaced_by: Vec<LinkView>,
}

/// "QCVN 06:2021/BXD, which this text cites, has been replaced by QCVN 06:2022/BXD".
struct CitedNotice {
    code: String,
    url: String,
    successors: Vec<LinkView>,
}

struct DocumentLine {
    label: String,
    can_read: bool,
    is_pdf: bool,
    read_url: String,
    pdf_url: String,
    reason: &'static str,
    source: String,
    note: String,
}

struct CorrectionLine {
    date: String,
    changed: String,
    note: String,
    source: String,
    confidence: &'static str,
}

/// Where the record came from, as the page says it.
struct ProvenanceView {
    source: String,
    confidence: &'static str,
    note: String,
    medium: bool,
    corrections: Vec<CorrectionLine>,
}

fn confidence_label(w: &'static Words, confidence: Option<Confidence>) -> &'static str {
    match confidence {
        Some(Confidence::High) => w.confidence_high,
        Some(Confidence::Medium) => w.confidence_medium,
        Some(Confidence::Low) => w.confidence_low,
        None => "",
    }
}

fn provenance(w: &'static Words, detail: &StandardDetail) -> ProvenanceView {
    let p = &detail.provenance;
    ProvenanceView {
        source: p.source.clone().unwrap_or_default(),
        confidence: confidence_label(w, p.confidence),
        note: detail.note.clone().unwrap_or_default(),
        medium: p.confidence == Some(Confidence::Medium),
        corrections: p
            .corrections
            .iter()
            .map(|c| CorrectionLine {
                date: c.applied_at.get(..10).unwrap_or_default().to_string(),
                changed: if c.changed.is_empty() { w.confirmed.to_string() } else { c.changed.join(", ") },
                note: c.note.clone().unwrap_or_default(),
                source: c.source.clone(),
                confidence: confidence_label(w, c.confidence),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "standard.html")]
struct StandardPage {
    w: &'static Words,
    lang: &'static str,
    lang_query: &'static str,
    other_lang_url: String,
    mirror_note: String,
    /// Unread notifications of the signed-in account, for the header.
    unread: i64,
    code: String,
    slug: String,
    title: String,
    status: String,
    status_label: &'static str,
    successors: Vec<LinkView>,
    expired: bool,
    /// The derived "a newer edition exists" hint.
    newer: Option<LinkView>,
    facts: Vec<(&'static str, String)>,
    relations: Vec<RelationGroup>,
    cited: Vec<CitedLine>,
    cited_notices: Vec<CitedNotice>,
    documents: Vec<DocumentLine>,
    provenance: ProvenanceView,
    /// The admin's edit page, when the visitor may edit.
    edit_url: Option<String>,
    /// The Atom feed of the standard's field, when it has one.
    field_feed: Option<String>,
    /// The forms' CSRF token, for a signed-in visitor (watch buttons; an editor's reference corrections).
    csrf: Option<String>,
    /// Whether the visitor may correct what the texts are recorded as citing.
    can_correct: bool,
    /// Just watched (after the watch buttons).
    watched: bool,
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
        (w.referenced_by, &r.referenced_by),
        (w.adopts, &r.adopts),
    ]
    .into_iter()
    .filter(|(_, links)| !links.is_empty())
    .map(|(title, links)| RelationGroup { title, links: links.iter().map(|l| link(w, l, q)).collect() })
    .collect();
    let mut facts: Vec<(&'static str, String)> = vec![(w.kind, s.kind.to_string())];
    let optional = [
        (w.title_en, s.title_en.clone()),
        (w.issuer, detail.issuer.clone()),
        (w.field, s.field.as_deref().map(|f| field_label(frame.lang, f))),
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
            source: d.source.clone().unwrap_or_default(),
            note: d.note.clone().unwrap_or_default(),
        })
        .collect();
    let cited: Vec<CitedLine> = detail.cited.iter().map(|c| cited_line(w, c, q)).collect();
    let cited_notices = cited
        .iter()
        .filter(|c| c.outcome == Outcome::Replaced.as_str())
        .map(|c| CitedNotice { code: c.code.clone(), url: c.url.clone(), successors: c.replaced_by.clone() })
        .collect();
    StandardPage {
        w,
        lang: frame.lang,
        lang_query: frame.lang_query,
        other_lang_url: frame.other_lang_url,
        mirror_note: frame.mirror_note,
        unread: frame.unread,
        code: s.code.clone(),
        slug: s.slug.clone(),
        title: s.title_vi.clone(),
        status: s.status.to_string(),
        status_label: status_label(w, s.status.as_str()),
        successors: r.replaced_by.iter().map(|l| link(w, l, q)).collect(),
        expired: matches!(s.status, Status::Expired | Status::Annulled),
        newer: detail.newer_edition.as_ref().map(|l| link(w, l, q)),
        facts,
        relations,
        cited,
        cited_notices,
        documents,
        provenance: provenance(w, detail),
        edit_url: None,
        csrf: None,
        can_correct: false,
        watched: false,
        field_feed: s.field.as_ref().map(|field| {
            format!(
                "/feeds/changes.atom?field={}",
                url::form_urlencoded::byte_serialize(field.as_bytes()).collect::<String>()
            )
        }),
    }
}

fn cited_line(w: &'static Words, cited: &CitedCode, q: &str) -> CitedLine {
    let standing = &cited.standing;
    let url = standing.standard.as_ref().and_then(|l| l.slug.as_ref()).map_or_else(
        || standing.adoptions.first().and_then(|l| l.slug.as_ref()).map(|slug| format!("/tieu-chuan/{slug}{q}")),
        |slug| Some(format!("/tieu-chuan/{slug}{q}")),
    );
    let who = match cited.origin {
        None => w.cites.declared,
        Some(ReferenceOrigin::Corrected) => w.cites.corrected,
        Some(_) => w.cites.extracted,
    };
    let origin = match &cited.section {
        Some(section) => format!("{who} · {} {section}", w.cites.section),
        None => who.to_string(),
    };
    CitedLine {
        code: cited.code.clone(),
        url: url.unwrap_or_default(),
        outcome: standing.outcome.as_str(),
        outcome_label: w.check.outcome(standing.outcome),
        attention: standing.outcome.needs_attention(),
        origin,
        from_texts: cited.origin.is_some(),
        replaced_by: standing.replaced_by.iter().map(|d| link(w, &d.link, q)).collect(),
    }
}

pub(super) fn failure(frame: Frame, error: &AppError) -> HttpResponse {
    if let AppError::StandardRemoved { code, reason, see } = error {
        let removed = frame.w.removed;
        let mut page = MessagePage::new(frame, format!("{removed}: {code}"));
        page.detail = Some(reason.clone());
        page.see = see.as_ref().and_then(|link| {
            link.slug.as_ref().map(|slug| (link.code.clone(), format!("/tieu-chuan/{slug}{}", page.lang_query)))
        });
        return render(StatusCode::GONE, &page);
    }
    if let AppError::InternationalDocument { code, adoptions } = error {
        let title = format!("{code}: {}", frame.w.international_document);
        let mut page = MessagePage::new(frame, title);
        page.see = adoptions.first().and_then(|link| {
            link.slug.as_ref().map(|slug| (link.code.clone(), format!("/tieu-chuan/{slug}{}", page.lang_query)))
        });
        return render(StatusCode::NOT_FOUND, &page);
    }
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
            view.can_correct = can_edit;
            view.watched = request.query_string().split('&').any(|pair| pair == "theo-doi=1");
            let mut cookie = None;
            if caller.account().is_some() {
                let (csrf, new_cookie) = session::csrf_token(&request);
                (view.csrf, cookie) = (Some(csrf), new_cookie);
            }
            with_cookie(render(StatusCode::OK, &view), cookie)
        }
        Err(error) => failure(frame, &error),
    }
}
