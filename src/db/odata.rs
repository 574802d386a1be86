//! OData's queries on `standards`: a parsed `$filter` becomes SQL over the columns the OData
//! properties name (only those: the names come from `odata::PROPERTIES`, never from the
//! request), with every value bound, never spliced. Nulls compare as OData says (`ne` is true of
//! a null) and sort first ascending, last descending, on both backends.

use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Date, Integer, Text, Timestamp};

use super::DbConnection;
use super::schema::standards;
use super::standards::StandardRow;
use crate::odata::filter::{Comparison, Filter, Literal, TextFunction};
use crate::odata::options::ODataQuery;

type Backend = <DbConnection as Connection>::Backend;
type Condition = Box<dyn BoxableExpression<standards::table, Backend, SqlType = Bool>>;

fn operator(comparison: Comparison) -> &'static str {
    match comparison {
        Comparison::Eq => "=",
        Comparison::Ne => "<>",
        Comparison::Gt => ">",
        Comparison::Ge => ">=",
        Comparison::Lt => "<",
        Comparison::Le => "<=",
    }
}

fn comparison(column: &'static str, comparison: Comparison, literal: &Literal) -> Condition {
    let op = operator(comparison);
    let (open, close) = if comparison == Comparison::Ne {
        (format!("({column} IS NULL OR {column} {op} "), ")")
    } else {
        (format!("{column} {op} "), "")
    };
    match literal {
        Literal::Null if comparison == Comparison::Eq => Box::new(sql::<Bool>(&format!("{column} IS NULL"))),
        Literal::Null => Box::new(sql::<Bool>(&format!("{column} IS NOT NULL"))),
        Literal::Text(text) => Box::new(sql::<Bool>(&open).bind::<Text, _>(text.clone()).sql(close)),
        Literal::Integer(n) => Box::new(sql::<Bool>(&open).bind::<Integer, _>(*n).sql(close)),
        Literal::Date(date) => Box::new(sql::<Bool>(&open).bind::<Date, _>(*date).sql(close)),
        Literal::Instant(at) => Box::new(sql::<Bool>(&open).bind::<Timestamp, _>(*at).sql(close)),
    }
}

fn text_function(column: &'static str, function: TextFunction, text: &str) -> Condition {
    // Case-sensitive, as OData's functions are, and written the same on both backends.
    let text = text.to_string();
    match function {
        TextFunction::Contains => Box::new(
            sql::<Bool>(&format!("({column} IS NOT NULL AND (length("))
                .bind::<Text, _>(text.clone())
                .sql(&format!(") = 0 OR replace({column}, "))
                .bind::<Text, _>(text)
                .sql(&format!(", '') <> {column}))")),
        ),
        TextFunction::StartsWith => Box::new(
            sql::<Bool>(&format!("substr({column}, 1, length("))
                .bind::<Text, _>(text.clone())
                .sql(")) = ")
                .bind::<Text, _>(text),
        ),
        TextFunction::EndsWith => Box::new(
            sql::<Bool>(&format!("(length({column}) >= length("))
                .bind::<Text, _>(text.clone())
                .sql(&format!(") AND substr({column}, length({column}) - length("))
                .bind::<Text, _>(text.clone())
                .sql(") + 1) = ")
                .bind::<Text, _>(text)
                .sql(")"),
        ),
    }
}

fn condition(filter: &Filter) -> Condition {
    match filter {
        Filter::Compare(property, op, literal) => comparison(property.name, *op, literal),
        Filter::Text(function, property, text) => text_function(property.name, *function, text),
        Filter::And(left, right) => Box::new(condition(left).and(condition(right))),
        Filter::Or(left, right) => Box::new(condition(left).or(condition(right))),
        Filter::Not(inner) => Box::new(diesel::dsl::not(condition(inner))),
    }
}

fn filtered(query: &ODataQuery) -> standards::BoxedQuery<'static, Backend> {
    let mut boxed = standards::table.into_boxed();
    if let Some(filter) = &query.filter {
        boxed = boxed.filter(condition(filter));
    }
    boxed
}

/// The standards the query selects, in its order (then by slug), `limit` from `offset`.
pub fn page(conn: &mut DbConnection, query: &ODataQuery, offset: i64, limit: i64) -> QueryResult<Vec<StandardRow>> {
    let mut boxed = filtered(query);
    for (property, descending) in &query.order {
        let column = property.name;
        let (nulls, direction) = if *descending { ("ASC", "DESC") } else { ("DESC", "ASC") };
        boxed = boxed.then_order_by(sql::<Bool>(&format!("({column} IS NULL) {nulls}")));
        boxed = boxed.then_order_by(sql::<Text>(&format!("{column} {direction}")));
    }
    boxed.then_order_by(standards::slug.asc()).offset(offset).limit(limit).select(StandardRow::as_select()).load(conn)
}

/// How many standards the query's filter selects.
pub fn count(conn: &mut DbConnection, query: &ODataQuery) -> QueryResult<i64> {
    filtered(query).count().get_result(conn)
}
