//! The words of the dossier check page ("Kiểm tra hồ sơ"), in both languages.

use crate::services::checks::Outcome;

/// The fixed texts of the dossier check page.
pub struct CheckWords {
    pub title: &'static str,
    pub intro: &'static str,
    pub text: &'static str,
    pub file: &'static str,
    pub as_of: &'static str,
    pub submit: &'static str,
    pub csv: &'static str,
    pub report: &'static str,
    pub codes: &'static str,
    pub none: &'static str,
    pub times: &'static str,
    pub undated: &'static str,
    pub replaced_by: &'static str,
    pub amended_by: &'static str,
    pub newer: &'static str,
    pub near: &'static str,
    pub adoptions: &'static str,
    pub from: &'static str,
    pub written: &'static str,
    pub kept: &'static str,
    /// One label per outcome, in the order of `Outcome::ALL`.
    pub outcomes: [&'static str; 12],
}

impl CheckWords {
    /// The label of an outcome.
    pub fn outcome(&self, outcome: Outcome) -> &'static str {
        self.outcomes[outcome as usize]
    }
}

pub(super) static VI: CheckWords = CheckWords {
    title: "Kiểm tra hồ sơ",
    intro: "Dán nội dung hoặc chọn tệp (PDF, DOCX, XLSX, văn bản): mọi mã tiêu chuẩn, quy chuẩn được viện dẫn \
            được đối chiếu với danh mục tại ngày bạn chọn.",
    text: "Nội dung (danh mục viện dẫn, thuyết minh, báo cáo thử nghiệm)",
    file: "Hoặc chọn tệp",
    as_of: "Tại ngày",
    submit: "Kiểm tra",
    csv: "Tải kết quả (CSV)",
    report: "Kết quả kiểm tra tại ngày",
    codes: "mã được viện dẫn",
    none: "Không tìm thấy mã tiêu chuẩn, quy chuẩn nào trong nội dung này.",
    times: "lần",
    undated: "Viện dẫn không ghi năm: hiểu là bản mới nhất còn hiệu lực",
    replaced_by: "Thay thế bởi",
    amended_by: "Sửa đổi bởi",
    newer: "Có bản mới hơn (gợi ý suy ra, không phải trạng thái chính thức)",
    near: "Mã gần giống trong danh mục",
    adoptions: "TCVN chấp nhận tài liệu này",
    from: "hiệu lực từ",
    written: "ghi trong hồ sơ",
    kept: "Nội dung và tệp gửi lên không được lưu lại.",
    outcomes: [
        "Đã bị thay thế",
        "Hết hiệu lực",
        "Tạm ngưng hiệu lực",
        "Chưa có hiệu lực tại ngày này",
        "Dự thảo",
        "Đã gỡ khỏi danh mục",
        "Không có trong danh mục",
        "Còn hiệu lực, có sửa đổi",
        "Có bản mới hơn",
        "Chưa rõ trạng thái",
        "Còn hiệu lực",
        "Tài liệu quốc tế",
    ],
};

pub(super) static EN: CheckWords = CheckWords {
    title: "Check a dossier",
    intro: "Paste text or choose a file (PDF, DOCX, XLSX, text): every standard and regulation code it cites is \
            checked against the catalogue as of the date you choose.",
    text: "Text (a list of cited codes, a design report, a test report)",
    file: "Or choose a file",
    as_of: "As of",
    submit: "Check",
    csv: "Download the report (CSV)",
    report: "Report as of",
    codes: "codes cited",
    none: "No standard or regulation code was found in this text.",
    times: "times",
    undated: "Cited without a year: read as the newest edition in force",
    replaced_by: "Replaced by",
    amended_by: "Amended by",
    newer: "A newer edition exists (a derived hint, not an official status)",
    near: "Close codes in the catalogue",
    adoptions: "Adopted as",
    from: "in force from",
    written: "written in the dossier",
    kept: "Nothing you send is kept.",
    outcomes: [
        "Replaced",
        "No longer in force",
        "Suspended",
        "Not yet in force on this date",
        "Draft",
        "Removed from the catalogue",
        "Not in the catalogue",
        "In force, amended",
        "A newer edition exists",
        "Status unknown",
        "In force",
        "International document",
    ],
};
