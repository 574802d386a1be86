//! OData v4 (read-only), the protocol Circular 39/2017/TT-BTTTT recommends for data sharing
//! between state agencies: the entity set `Standards` with its service document and `$metadata`
//! (CSDL XML), and the query options `$filter` (the subset of `filter`), `$select`, `$orderby`,
//! `$top`, `$skip` and `$count`. Everything else is refused in OData's error format: 400 for what
//! is malformed, 501 for what is valid OData but not implemented (`$expand`, `$search`, other
//! functions and operators).

pub mod filter;
pub mod metadata;
pub mod options;

/// The type of a property, as `$metadata` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdmType {
    String,
    Int32,
    Date,
    DateTimeOffset,
}

impl EdmType {
    pub fn name(self) -> &'static str {
        match self {
            EdmType::String => "Edm.String",
            EdmType::Int32 => "Edm.Int32",
            EdmType::Date => "Edm.Date",
            EdmType::DateTimeOffset => "Edm.DateTimeOffset",
        }
    }
}

/// A property of `Standard`: its name (the record's), type and whether it may be null. Names are
/// also the database columns, so that only these can ever reach a query.
#[derive(Debug, PartialEq, Eq)]
pub struct Property {
    pub name: &'static str,
    pub edm: EdmType,
    pub nullable: bool,
}

const fn p(name: &'static str, edm: EdmType, nullable: bool) -> Property {
    Property { name, edm, nullable }
}

/// Every property of `Standard`, the key (`slug`) first.
pub static PROPERTIES: [Property; 20] = [
    p("slug", EdmType::String, false),
    p("code", EdmType::String, false),
    p("kind", EdmType::String, false),
    p("number", EdmType::String, false),
    p("year", EdmType::Int32, true),
    p("issuer", EdmType::String, true),
    p("issuer_code", EdmType::String, true),
    p("title_vi", EdmType::String, false),
    p("title_en", EdmType::String, true),
    p("scope_vi", EdmType::String, true),
    p("field", EdmType::String, true),
    p("status", EdmType::String, false),
    p("legal_instrument", EdmType::String, true),
    p("issued_date", EdmType::Date, true),
    p("effective_date", EdmType::Date, true),
    p("end_date", EdmType::Date, true),
    p("international_equivalent", EdmType::String, true),
    p("access_level", EdmType::String, false),
    p("version", EdmType::Int32, false),
    p("updated_at", EdmType::DateTimeOffset, false),
];

/// The property with this name.
pub fn property(name: &str) -> Result<&'static Property, QueryError> {
    PROPERTIES.iter().find(|p| p.name == name).ok_or_else(|| {
        let shown: String = name.chars().take(40).collect();
        QueryError::syntax(format!("Standard has no property `{shown}`"))
    })
}

/// A query that cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// Malformed (400).
    Syntax(String),
    /// Valid OData this service does not implement (501).
    NotImplemented(String),
}

impl QueryError {
    pub fn syntax(message: impl Into<String>) -> QueryError {
        QueryError::Syntax(message.into())
    }

    pub fn not_implemented(message: impl Into<String>) -> QueryError {
        QueryError::NotImplemented(message.into())
    }
}

impl From<QueryError> for crate::error::AppError {
    fn from(error: QueryError) -> Self {
        match error {
            QueryError::Syntax(message) => crate::error::AppError::InvalidParameter(message),
            QueryError::NotImplemented(message) => crate::error::AppError::NotImplemented { message },
        }
    }
}
