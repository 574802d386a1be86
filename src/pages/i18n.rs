//! Page language: Vietnamese by default, English with `?lang=en` or an `Accept-Language` that
//! prefers it; the words of the pages in both.

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
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
}

/// Every fixed text of the pages.
pub struct Words {
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
}

static VI: Words = Words {
    site: "Thư viện tiêu chuẩn, quy chuẩn quốc gia",
    tagline: "Tra cứu TCVN, QCVN, ĐLVN — miễn phí cho cán bộ xã, phường và thanh tra",
    skip: "Bỏ qua, đến nội dung chính",
    search_label: "Tìm tiêu chuẩn, quy chuẩn",
    search_placeholder: "Mã số hoặc từ khóa, ví dụ: QCVN 06:2022/BXD, nước thải",
    search_button: "Tìm",
    results: "kết quả",
    no_results: "Không tìm thấy. Thử bỏ dấu, viết mã khác đi (ví dụ: tcvn 5574) hoặc bớt từ.",
    kind: "Loại",
    status: "Hiệu lực",
    issuer: "Cơ quan ban hành",
    field: "Lĩnh vực",
    year: "Năm",
    clear_filters: "Bỏ bộ lọc",
    previous: "Trang trước",
    next: "Trang sau",
    page: "Trang",
    in_force: "Còn hiệu lực",
    replaced: "Đã bị thay thế",
    expired: "Hết hiệu lực",
    unknown: "Chưa rõ hiệu lực",
    other_status: "Khác",
    replaced_by_warning: "Đã bị thay thế bởi",
    expired_warning: "Văn bản này đã hết hiệu lực.",
    replaces: "Thay thế",
    replaced_by: "Bị thay thế bởi",
    amends: "Sửa đổi",
    amended_by: "Được sửa đổi bởi",
    references: "Tài liệu viện dẫn",
    referenced_by: "Được viện dẫn bởi",
    title_en: "Tên tiếng Anh",
    scope: "Phạm vi",
    legal_instrument: "Văn bản ban hành",
    effective_date: "Ngày có hiệu lực",
    issued_date: "Ngày ban hành",
    provenance: "Nguồn dữ liệu",
    confidence: "Độ tin cậy",
    texts: "Toàn văn",
    no_texts: "Chưa có toàn văn.",
    read: "Đọc",
    download: "Tải PDF",
    sign_in_to_read: "Đăng nhập bằng tài khoản cán bộ để đọc miễn phí.",
    inspectors_only: "Chỉ dành cho thanh tra viên đo lường, chất lượng.",
    contents: "Mục lục",
    whole_text: "Toàn bộ văn bản",
    back_to_standard: "Về trang tiêu chuẩn",
    other_language: "English",
    other_language_code: "en",
    not_found: "Không tìm thấy trang này.",
    not_allowed: "Bạn không có quyền đọc văn bản này.",
};

static EN: Words = Words {
    site: "National library of standards and technical regulations",
    tagline: "TCVN, QCVN and ĐLVN — free for commune officials and inspectors",
    skip: "Skip to the main content",
    search_label: "Search standards and regulations",
    search_placeholder: "A code or words, e.g. QCVN 06:2022/BXD, nuoc thai",
    search_button: "Search",
    results: "results",
    no_results: "Nothing found. Try without diacritics, another spelling of the code (e.g. tcvn 5574) or fewer words.",
    kind: "Kind",
    status: "Status",
    issuer: "Issuer",
    field: "Field",
    year: "Year",
    clear_filters: "Clear filters",
    previous: "Previous page",
    next: "Next page",
    page: "Page",
    in_force: "In force",
    replaced: "Replaced",
    expired: "Expired",
    unknown: "Status unknown",
    other_status: "Other",
    replaced_by_warning: "Replaced by",
    expired_warning: "This document has expired.",
    replaces: "Replaces",
    replaced_by: "Replaced by",
    amends: "Amends",
    amended_by: "Amended by",
    references: "Normative references",
    referenced_by: "Referenced by",
    title_en: "English title",
    scope: "Scope",
    legal_instrument: "Issued by instrument",
    effective_date: "In force from",
    issued_date: "Issued on",
    provenance: "Source of this record",
    confidence: "Confidence",
    texts: "Full text",
    no_texts: "No full text yet.",
    read: "Read",
    download: "Download PDF",
    sign_in_to_read: "Sign in with an official's account to read it free.",
    inspectors_only: "For metrology and quality inspectors only.",
    contents: "Contents",
    whole_text: "Whole text",
    back_to_standard: "Back to the standard",
    other_language: "Tiếng Việt",
    other_language_code: "vi",
    not_found: "This page does not exist.",
    not_allowed: "You may not read this text.",
};
