//! The index schema: fields, their analyzers, and the schema version that forces a rebuild
//! when either changes.

use tantivy::Index;
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};

use crate::domain::AccessLevel;

/// Bump when fields or analyzers change: an index built under another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 10;

/// Lowercase, diacritics removed (`Nước` → `nuoc`, `đ` → `d`).
pub const FOLDED: &str = "vi_folded";
/// Lowercase, diacritics kept (`Nước` → `nước`).
pub const EXACT: &str = "vi_exact";

/// The parents under which facet values are nested (collecting from the root `/` merges
/// siblings in tantivy 0.27).
pub const FACET_PARENTS: [&str; 5] = ["kind", "status", "issuer", "field", "year"];

/// Handles to every field of the index.
#[derive(Debug, Clone, Copy)]
pub struct SearchFields {
    pub standard_id: Field,
    pub code: Field,
    pub slug: Field,
    pub kind: Field,
    pub status: Field,
    pub issuer_code: Field,
    pub subject: Field,
    pub year: Field,
    pub currency: Field,
    /// A stable hash of the series and issuer: editions of one standard share it.
    pub series: Field,
    pub code_terms: Field,
    /// Codes as words (`qcvn 6 2022 bxd`, `6 2022 bxd`) for completion by prefix.
    pub code_words: Field,
    pub title: Field,
    pub title_exact: Field,
    /// The subject words at the start of the title (after "Quy chuẩn kỹ thuật quốc gia về").
    pub title_head: Field,
    pub title_en: Field,
    pub scope: Field,
    pub scope_exact: Field,
    /// The texts of a standard, one set of fields per access level, so that a search matches,
    /// counts and quotes only the texts its caller may read (`BodyFields::readable`).
    pub bodies: [BodyFields; 3],
    pub facets: Field,
}

/// The fields of a standard's texts of one access level.
#[derive(Debug, Clone, Copy)]
pub struct BodyFields {
    pub level: AccessLevel,
    pub text: Field,
    pub exact: Field,
    /// Where the text is in the generation's text store (see `text_store`), and its length.
    pub offset: Field,
    pub len: Field,
    /// JSON list of `[heading, byte offset]` of the sections in the text.
    pub sections: Field,
}

/// The access levels in the order of `SearchFields::bodies`.
const BODY_LEVELS: [AccessLevel; 3] = [AccessLevel::Public, AccessLevel::Registered, AccessLevel::Inspectors];

/// The names of the body fields of one access level: text, exact, offset, length, sections.
fn body_names(level: AccessLevel) -> [String; 5] {
    let level = level.as_str();
    ["body", "body_exact", "body_offset", "body_len", "body_sections"].map(|name| format!("{name}_{level}"))
}

fn text_field(analyzer: &str, stored: bool) -> TextOptions {
    let indexing =
        TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored { options.set_stored() } else { options }
}

/// Builds the schema and the handles to its fields.
pub fn build_schema() -> (Schema, SearchFields) {
    let mut builder = Schema::builder();
    let fields = SearchFields {
        standard_id: builder.add_u64_field("standard_id", INDEXED | STORED | FAST),
        code: builder.add_text_field("code", STORED),
        slug: builder.add_text_field("slug", STORED),
        kind: builder.add_text_field("kind", STORED),
        status: builder.add_text_field("status", STORED),
        issuer_code: builder.add_text_field("issuer_code", STORED),
        subject: builder.add_text_field("field", STORED),
        year: builder.add_i64_field("year", INDEXED | STORED | FAST),
        currency: builder.add_u64_field("currency", FAST),
        series: builder.add_u64_field("series", FAST),
        code_terms: builder.add_text_field("code_terms", STRING),
        code_words: builder.add_text_field("code_words", STRING),
        title: builder.add_text_field("title", text_field(FOLDED, true)),
        title_exact: builder.add_text_field("title_exact", text_field(EXACT, false)),
        title_head: builder.add_text_field("title_head", text_field(FOLDED, false)),
        title_en: builder.add_text_field("title_en", text_field(FOLDED, true)),
        scope: builder.add_text_field("scope", text_field(FOLDED, true)),
        scope_exact: builder.add_text_field("scope_exact", text_field(EXACT, false)),
        bodies: BODY_LEVELS.map(|level| {
            let [text, exact, offset, len, sections] = body_names(level);
            BodyFields {
                level,
                text: builder.add_text_field(&text, text_field(FOLDED, false)),
                exact: builder.add_text_field(&exact, text_field(EXACT, false)),
                offset: builder.add_u64_field(&offset, FAST),
                len: builder.add_u64_field(&len, FAST),
                sections: builder.add_text_field(&sections, STORED),
            }
        }),
        facets: builder.add_facet_field("facets", FacetOptions::default()),
    };
    (builder.build(), fields)
}

impl SearchFields {
    /// The handles of an opened index's schema, or `None` when a field is missing.
    pub fn of(schema: &Schema) -> Option<SearchFields> {
        let get = |name: &str| schema.get_field(name).ok();
        Some(SearchFields {
            standard_id: get("standard_id")?,
            code: get("code")?,
            slug: get("slug")?,
            kind: get("kind")?,
            status: get("status")?,
            issuer_code: get("issuer_code")?,
            subject: get("field")?,
            year: get("year")?,
            currency: get("currency")?,
            series: get("series")?,
            code_terms: get("code_terms")?,
            code_words: get("code_words")?,
            title: get("title")?,
            title_exact: get("title_exact")?,
            title_head: get("title_head")?,
            title_en: get("title_en")?,
            scope: get("scope")?,
            scope_exact: get("scope_exact")?,
            bodies: [
                body_fields(schema, BODY_LEVELS[0])?,
                body_fields(schema, BODY_LEVELS[1])?,
                body_fields(schema, BODY_LEVELS[2])?,
            ],
            facets: get("facets")?,
        })
    }

    /// The body fields of one access level.
    pub fn body(&self, level: AccessLevel) -> &BodyFields {
        match level {
            AccessLevel::Public => &self.bodies[0],
            AccessLevel::Registered => &self.bodies[1],
            AccessLevel::Inspectors => &self.bodies[2],
        }
    }

    /// The body fields of the levels a caller may read, in the order of `BODY_LEVELS`.
    pub fn readable_bodies<'a>(&'a self, readable: &'a [AccessLevel]) -> impl Iterator<Item = &'a BodyFields> + 'a {
        self.bodies.iter().filter(|body| readable.contains(&body.level))
    }
}

fn body_fields(schema: &Schema, level: AccessLevel) -> Option<BodyFields> {
    let get = |name: &str| schema.get_field(name).ok();
    let [text, exact, offset, len, sections] = body_names(level);
    Some(BodyFields {
        level,
        text: get(&text)?,
        exact: get(&exact)?,
        offset: get(&offset)?,
        len: get(&len)?,
        sections: get(&sections)?,
    })
}

/// The folded analyzer (queries and index must use the same one).
pub fn folded_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The diacritics-preserving analyzer.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(48)).filter(LowerCaser).build()
}

/// Registers the analyzers on an index (needed after every open).
pub fn register_analyzers(index: &Index) {
    index.tokenizers().register(FOLDED, folded_analyzer());
    index.tokenizers().register(EXACT, exact_analyzer());
}

/// The tokens an analyzer makes of a text.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// A facet value under its fixed parent: `/kind/QCVN`.
pub fn facet(parent: &str, value: &str) -> Facet {
    Facet::from_path([parent, value])
}
