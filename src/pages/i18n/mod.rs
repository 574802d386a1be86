//! Page language: Vietnamese by default, English with `?lang=en` or an `Accept-Language` that
//! prefers it; the words of the pages in both.

mod alerts;
mod checks;
mod en;
mod references;
mod vi;

pub use alerts::AlertWords;
pub use checks::CheckWords;
pub use references::ReferenceWords;

use actix_web::HttpRequest;
use actix_web::http::header::ACCEPT_LANGUAGE;

/// A language of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    /// `?lang=` wins, then the first language of `Accept-Language` that the pages have.
    pub fn of(request: &HttpRequest) -> Lang {
        let query = request.query_string();
        if let Some(value) = query.split('&').find_map(|pair| pair.strip_prefix("lang=")) {
            return if value.eq_ignore_ascii_case("en") { Lang::En } else { Lang::Vi };
        }
        let accepted = request.headers().get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        for tag in accepted.split(',').map(|t| t.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()) {
            if tag.starts_with("vi") {
                return Lang::Vi;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Vi
    }

    /// The `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The words of the pages in this language.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Vi => &vi::VI,
            Lang::En => &en::EN,
        }
    }
}

/// Every fixed text of the pages.
pub struct Words {
    /// The dossier check page's words.
    pub check: &'static CheckWords,
    /// A standard page's references.
    pub cites: &'static ReferenceWords,
    /// Watchlists and notifications.
    pub alerts: &'static AlertWords,
    pub site: &'static str,
    pub tagline: &'static str,
    pub skip: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub search_button: &'static str,
    pub results: &'static str,
    pub no_results: &'static str,
    pub kind: &'static str,
    pub status: &'static str,
    pub issuer: &'static str,
    pub field: &'static str,
    pub year: &'static str,
    pub clear_filters: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub page: &'static str,
    pub in_force: &'static str,
    pub replaced: &'static str,
    pub expired: &'static str,
    pub unknown: &'static str,
    pub amended: &'static str,
    pub annulled: &'static str,
    pub suspended: &'static str,
    pub draft: &'static str,
    /// A status the page has no word for (a stored value outside the vocabulary).
    pub other_status: &'static str,
    pub replaced_by_warning: &'static str,
    pub expired_warning: &'static str,
    pub replaces: &'static str,
    pub replaced_by: &'static str,
    pub amends: &'static str,
    pub amended_by: &'static str,
    pub references: &'static str,
    pub referenced_by: &'static str,
    pub title_en: &'static str,
    pub scope: &'static str,
    pub legal_instrument: &'static str,
    pub effective_date: &'static str,
    pub issued_date: &'static str,
    pub provenance: &'static str,
    /// The Atom feed of changes, linked from every page.
    pub follow_changes: &'static str,
    /// The Atom feed of a standard's field.
    pub follow_field: &'static str,
    pub confidence: &'static str,
    pub texts: &'static str,
    pub no_texts: &'static str,
    pub read: &'static str,
    pub download: &'static str,
    pub sign_in_to_read: &'static str,
    pub inspectors_only: &'static str,
    pub contents: &'static str,
    pub whole_text: &'static str,
    pub back_to_standard: &'static str,
    pub other_language: &'static str,
    pub other_language_code: &'static str,
    pub not_found: &'static str,
    pub not_allowed: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub register: &'static str,
    pub register_help: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub full_name: &'static str,
    pub province: &'static str,
    pub commune: &'static str,
    pub unit: &'static str,
    pub role: &'static str,
    pub official: &'static str,
    pub inspector: &'static str,
    pub registered_wait: &'static str,
    pub my_account: &'static str,
    pub webhooks_intro: &'static str,
    pub webhooks_delivered: &'static str,
    pub webhooks_pending: &'static str,
    pub webhooks_failed: &'static str,
    pub webhooks_attempts: &'static str,
    pub webhooks_error: &'static str,
    pub webhooks_remove: &'static str,
    pub webhooks_add: &'static str,
    pub webhooks_secret: &'static str,
    pub my_reading: &'static str,
    pub nothing_read: &'static str,
    pub expires: &'static str,
    pub form_expired: &'static str,
    pub renew_title: &'static str,
    pub renew_continue: &'static str,
    pub province_admin: &'static str,
    pub pending_accounts: &'static str,
    pub none_pending: &'static str,
    pub actions: &'static str,
    pub approve: &'static str,
    pub suspend: &'static str,
    pub renew: &'static str,
    pub renew_until: &'static str,
    pub usage_by_day: &'static str,
    pub usage_by_unit: &'static str,
    pub download_csv: &'static str,
    pub done: &'static str,
    pub import_title: &'static str,
    pub import_preview: &'static str,
    pub import_applied: &'static str,
    pub import_rows: &'static str,
    pub import_texts: &'static str,
    pub import_created: &'static str,
    pub import_updated: &'static str,
    pub import_unchanged: &'static str,
    pub import_replaced: &'static str,
    pub import_invalid: &'static str,
    pub import_skip_invalid: &'static str,
    pub import_apply: &'static str,
    pub import_choose: &'static str,
    pub import_file: &'static str,
    pub import_check: &'static str,
    pub line: &'static str,
    pub admin: &'static str,
    pub usage_by_province: &'static str,
    pub accounts: &'static str,
    pub change_role: &'static str,
    pub edit: &'static str,
    pub save: &'static str,
    pub upload_text: &'static str,
    pub upload_file: &'static str,
    pub access_level: &'static str,
    pub access_default: &'static str,
    pub upload: &'static str,
    pub codes_per_line: &'static str,
    pub no_reads: &'static str,
    pub full_contents: &'static str,
    pub record_source: &'static str,
    pub record_note: &'static str,
    pub medium_confidence: &'static str,
    pub corrections: &'static str,
    pub corrected_fields: &'static str,
    pub confirmed: &'static str,
    pub text_source: &'static str,
    pub text_note: &'static str,
    pub confidence_high: &'static str,
    pub confidence_medium: &'static str,
    pub confidence_low: &'static str,
    pub removed: &'static str,
    pub removed_see: &'static str,
    pub newer_edition: &'static str,
    pub newer_edition_derived: &'static str,
    pub adopts: &'static str,
    pub international_document: &'static str,
    pub lasting_link: &'static str,
}
