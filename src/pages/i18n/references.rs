//! The words of a standard page's references ("Viện dẫn"), in both languages.

/// The fixed texts of what a standard cites and what cites it.
pub struct ReferenceWords {
    pub title: &'static str,
    /// After the cited code: "…, which this text cites, has been replaced by".
    pub replaced_notice: &'static str,
    pub extracted: &'static str,
    pub corrected: &'static str,
    pub declared: &'static str,
    pub section: &'static str,
    pub replaced_by: &'static str,
    /// An editor's corrections.
    pub strike: &'static str,
    pub add: &'static str,
    pub add_button: &'static str,
}

pub(super) static VI: ReferenceWords = ReferenceWords {
    title: "Viện dẫn",
    replaced_notice: "mà văn bản này viện dẫn đã được thay thế bởi",
    extracted: "đọc từ văn bản",
    corrected: "biên tập viên bổ sung",
    declared: "theo nguồn của hồ sơ",
    section: "mục",
    replaced_by: "thay thế bởi",
    strike: "Gỡ (văn bản không viện dẫn mã này)",
    add: "Thêm mã văn bản viện dẫn",
    add_button: "Thêm",
};

pub(super) static EN: ReferenceWords = ReferenceWords {
    title: "Cites",
    replaced_notice: "which this text cites, has been replaced by",
    extracted: "read from the text",
    corrected: "added by an editor",
    declared: "from the record's source",
    section: "clause",
    replaced_by: "replaced by",
    strike: "Strike out (the text does not cite it)",
    add: "Add a code the text cites",
    add_button: "Add",
};
