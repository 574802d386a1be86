//! The `$filter` subset: comparisons of a property with a literal (`eq`, `ne`, `gt`, `ge`, `lt`,
//! `le`), `contains`/`startswith`/`endswith` of a text property, `and`, `or`, `not` and
//! parentheses. Literals: `'text'` (with `''` for a quote), whole numbers, dates, instants with
//! an offset, `null`. Anything else of OData's grammar is refused as not implemented.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use super::{EdmType, Property, QueryError, property};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A text function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFunction {
    Contains,
    StartsWith,
    EndsWith,
}

/// A literal, typed by the property it is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Null,
    Text(String),
    Integer(i32),
    Date(NaiveDate),
    Instant(NaiveDateTime),
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Compare(&'static Property, Comparison, Literal),
    Text(TextFunction, &'static Property, String),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

/// OData's other canonical functions: valid, but not implemented here (501).
const ODATA_FUNCTIONS: [&str; 30] = [
    "length",
    "indexof",
    "substring",
    "tolower",
    "toupper",
    "trim",
    "concat",
    "matchesPattern",
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "fractionalseconds",
    "totalseconds",
    "date",
    "time",
    "totaloffsetminutes",
    "mindatetime",
    "maxdatetime",
    "now",
    "round",
    "floor",
    "ceiling",
    "cast",
    "isof",
    "any",
    "all",
    "case",
];

/// The longest filter read, and the deepest nesting.
const MAX_LENGTH: usize = 2_000;
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
    Comma,
}

fn tokens(input: &str) -> Result<Vec<Token>, QueryError> {
    let mut tokens = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '(' | ')' | ',' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    _ => Token::Comma,
                });
            }
            '\'' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            text.push('\'');
                        }
                        Some('\'') => break,
                        Some(c) => text.push(c),
                        None => return Err(QueryError::syntax("a text literal is not closed")),
                    }
                }
                tokens.push(Token::Text(text));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if matches!(c, ' ' | '\t' | '(' | ')' | ',' | '\'') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

/// Parses a `$filter` value.
pub fn parse(input: &str) -> Result<Filter, QueryError> {
    if input.len() > MAX_LENGTH {
        return Err(QueryError::syntax("the filter is too long"));
    }
    let mut parser = Parser { tokens: tokens(input)?, at: 0, depth: 0 };
    let filter = parser.or()?;
    match parser.tokens.get(parser.at) {
        None => Ok(filter),
        Some(token) => Err(QueryError::syntax(format!("unexpected {token:?} in the filter"))),
    }
}

impl Parser {
    fn peek_word(&self) -> Option<&str> {
        match self.tokens.get(self.at) {
            Some(Token::Word(word)) => Some(word.as_str()),
            _ => None,
        }
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn expect(&mut self, wanted: Token) -> Result<(), QueryError> {
        match self.next() {
            Some(token) if token == wanted => Ok(()),
            other => Err(QueryError::syntax(format!("expected {wanted:?}, found {other:?}"))),
        }
    }

    fn or(&mut self) -> Result<Filter, QueryError> {
        let mut left = self.and()?;
        while self.peek_word() == Some("or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, QueryError> {
        let mut left = self.unary()?;
        while self.peek_word() == Some("and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(QueryError::syntax("the filter is nested too deeply"));
        }
        let filter = if self.peek_word() == Some("not") {
            self.at += 1;
            Filter::Not(Box::new(self.unary()?))
        } else {
            self.primary()?
        };
        self.depth -= 1;
        Ok(filter)
    }

    fn primary(&mut self) -> Result<Filter, QueryError> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                self.expect(Token::Close)?;
                Ok(inner)
            }
            Some(Token::Word(word)) if self.tokens.get(self.at) == Some(&Token::Open) => self.function(&word),
            Some(Token::Word(word)) => {
                let property = property(&word)?;
                let comparison = match self.next() {
                    Some(Token::Word(op)) => comparison(&op)?,
                    other => {
                        return Err(QueryError::syntax(format!("expected an operator after {word}, found {other:?}")));
                    }
                };
                let literal = literal(self.next(), property)?;
                if literal == Literal::Null && !matches!(comparison, Comparison::Eq | Comparison::Ne) {
                    return Err(QueryError::syntax("null is compared with eq or ne"));
                }
                Ok(Filter::Compare(property, comparison, literal))
            }
            other => Err(QueryError::syntax(format!("expected a comparison, found {other:?}"))),
        }
    }

    fn function(&mut self, name: &str) -> Result<Filter, QueryError> {
        let function = match name {
            "contains" => TextFunction::Contains,
            "startswith" => TextFunction::StartsWith,
            "endswith" => TextFunction::EndsWith,
            other if ODATA_FUNCTIONS.contains(&other) => {
                return Err(QueryError::not_implemented(format!("the function {other} is not supported")));
            }
            other => {
                let shown: String = other.chars().take(40).collect();
                return Err(QueryError::syntax(format!("{shown} is not a function")));
            }
        };
        self.expect(Token::Open)?;
        let property = match self.next() {
            Some(Token::Word(word)) => property(&word)?,
            other => return Err(QueryError::syntax(format!("{name} takes a property first, found {other:?}"))),
        };
        if property.edm != EdmType::String {
            return Err(QueryError::syntax(format!("{name} takes a text property")));
        }
        self.expect(Token::Comma)?;
        let text = match self.next() {
            Some(Token::Text(text)) => text,
            other => return Err(QueryError::syntax(format!("{name} takes a text literal, found {other:?}"))),
        };
        self.expect(Token::Close)?;
        Ok(Filter::Text(function, property, text))
    }
}

fn comparison(op: &str) -> Result<Comparison, QueryError> {
    Ok(match op {
        "eq" => Comparison::Eq,
        "ne" => Comparison::Ne,
        "gt" => Comparison::Gt,
        "ge" => Comparison::Ge,
        "lt" => Comparison::Lt,
        "le" => Comparison::Le,
        "has" | "in" | "add" | "sub" | "mul" | "div" | "divby" | "mod" => {
            return Err(QueryError::not_implemented(format!("the operator {op} is not supported")));
        }
        other => {
            let shown: String = other.chars().take(40).collect();
            return Err(QueryError::syntax(format!("{shown} is not an operator")));
        }
    })
}

fn literal(token: Option<Token>, property: &Property) -> Result<Literal, QueryError> {
    let mismatch =
        || QueryError::syntax(format!("{} is compared with a value of type {}", property.name, property.edm.name()));
    match (token, property.edm) {
        (Some(Token::Word(word)), _) if word == "null" => Ok(Literal::Null),
        (Some(Token::Text(text)), EdmType::String) => Ok(Literal::Text(text)),
        (Some(Token::Word(word)), EdmType::Int32) => word.parse().map(Literal::Integer).map_err(|_| mismatch()),
        (Some(Token::Word(word)), EdmType::Date) => {
            NaiveDate::parse_from_str(&word, "%Y-%m-%d").map(Literal::Date).map_err(|_| mismatch())
        }
        (Some(Token::Word(word)), EdmType::DateTimeOffset) => {
            DateTime::parse_from_rfc3339(&word).map(|t| Literal::Instant(t.naive_utc())).map_err(|_| mismatch())
        }
        _ => Err(mismatch()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_parses_and_the_rest_is_refused() {
        let filter =
            parse("(kind eq 'QCVN') and ((year ge 2020) or not(contains(title_vi, 'cháy')))").expect("a filter");
        assert!(matches!(filter, Filter::And(_, _)));
        assert!(parse("startswith(code, 'QCVN 06') and issued_date lt 2023-01-01").is_ok());
        assert!(parse("updated_at gt 2026-12-01T00:00:00Z and issuer_code ne null").is_ok());
        assert_eq!(
            parse("title_vi eq 'it''s'"),
            Ok(Filter::Compare(property("title_vi").expect("p"), Comparison::Eq, Literal::Text("it's".into())))
        );
        for syntax in [
            "code eq",
            "code eq 5",
            "year eq 'x'",
            "nothing eq 1",
            "(code eq 'a'",
            "code eq 'a' code",
            "year gt null",
            "'a' eq code",
            "contains(year, '1')",
        ] {
            assert!(matches!(parse(syntax), Err(QueryError::Syntax(_))), "{syntax}");
        }
        for unsupported in ["length(code) eq 3", "year add 1 eq 2", "kind in ('QCVN')", "tolower(code) eq 'x'"] {
            assert!(matches!(parse(unsupported), Err(QueryError::NotImplemented(_))), "{unsupported}");
        }
        assert!(parse(&format!("{}code eq 'a'", "not ".repeat(100))).is_err(), "too many nots");
        assert!(parse(&format!("{}code eq 'a'{}", "(".repeat(40), ")".repeat(40))).is_err(), "too deep");
    }
}
