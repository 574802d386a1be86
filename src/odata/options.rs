//! The system query options of a request on `Standards`: `$filter`, `$select`, `$orderby`, `$top`,
//! `$skip`, `$count` (and `$format=json`). A repeated or unknown option is 400; valid OData
//! options this service does not implement (`$expand`, `$search`, `$apply`, `$compute`) are 501.

use super::filter::{self, Filter};
use super::{Property, QueryError, property};

/// The most `$skip` read (beyond any catalogue).
const MAX_SKIP: i64 = 10_000_000;

/// What a request asks of the entity set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ODataQuery {
    pub filter: Option<Filter>,
    /// `None`: every property.
    pub select: Option<Vec<&'static Property>>,
    /// Each property and whether it sorts descending.
    pub order: Vec<(&'static Property, bool)>,
    pub top: Option<i64>,
    pub skip: i64,
    pub count: bool,
}

fn whole_number(value: &str, name: &str) -> Result<i64, QueryError> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=MAX_SKIP).contains(n))
        .ok_or_else(|| QueryError::syntax(format!("{name} is a whole number from 0")))
}

/// Reads the options from the query string's pairs.
pub fn parse(pairs: &[(String, String)]) -> Result<ODataQuery, QueryError> {
    let mut query = ODataQuery::default();
    let mut seen: Vec<&str> = Vec::new();
    for (key, value) in pairs.iter().filter(|(key, _)| key.starts_with('$')) {
        if seen.contains(&key.as_str()) {
            return Err(QueryError::syntax(format!("{key} is given twice")));
        }
        seen.push(key);
        match key.as_str() {
            "$filter" => query.filter = Some(filter::parse(value)?),
            "$select" => query.select = select(value)?,
            "$orderby" => query.order = order(value)?,
            "$top" => query.top = Some(whole_number(value, "$top")?),
            "$skip" => query.skip = whole_number(value, "$skip")?,
            "$count" => {
                query.count = match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(QueryError::syntax("$count is true or false")),
                }
            }
            "$format" if value == "json" || value.starts_with("application/json") => {}
            "$format" => return Err(QueryError::syntax("the only format is json")),
            "$expand" | "$search" | "$apply" | "$compute" | "$levels" | "$index" | "$schemaversion" | "$skiptoken" => {
                return Err(QueryError::not_implemented(format!("{key} is not supported")));
            }
            other => {
                let shown: String = other.chars().take(40).collect();
                return Err(QueryError::syntax(format!("{shown} is not a system query option")));
            }
        }
    }
    Ok(query)
}

fn select(value: &str) -> Result<Option<Vec<&'static Property>>, QueryError> {
    let names: Vec<&str> = value.split(',').map(str::trim).collect();
    if names == ["*"] {
        return Ok(None);
    }
    let mut selected = Vec::new();
    for name in names {
        let property = property(name)?;
        if !selected.contains(&property) {
            selected.push(property);
        }
    }
    Ok(Some(selected))
}

fn order(value: &str) -> Result<Vec<(&'static Property, bool)>, QueryError> {
    let mut order = Vec::new();
    for item in value.split(',') {
        let mut words = item.split_whitespace();
        let property = property(words.next().unwrap_or_default())?;
        let descending = match words.next() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                let shown: String = other.chars().take(20).collect();
                return Err(QueryError::syntax(format!("{shown}: $orderby takes asc or desc")));
            }
        };
        if words.next().is_some() {
            return Err(QueryError::syntax("$orderby lists properties, each with asc or desc"));
        }
        order.push((property, descending));
    }
    Ok(order)
}
