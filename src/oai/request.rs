//! Reading an OAI-PMH request's arguments (from the query string of a GET or the form of a POST)
//! into a typed request, or into the errors the specification names for it: a missing, repeated
//! or unknown verb is `badVerb`; a repeated, unknown, missing or malformed argument
//! `badArgument`; an unknown metadata prefix `cannotDisseminateFormat`; a resumption token that
//! does not decode `badResumptionToken`.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use super::token::{Phase, Position, decode};
use super::{MetadataFormat, OaiError, OaiErrorCode};

/// What a list asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub format: MetadataFormat,
    pub set: Option<String>,
    /// Changed at or after (inclusive).
    pub from: Option<NaiveDateTime>,
    /// Changed before (exclusive: `until` plus its granularity).
    pub before: Option<NaiveDateTime>,
}

/// A request the repository can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OaiRequest {
    Identify,
    ListMetadataFormats { identifier: Option<String> },
    ListSets,
    GetRecord { identifier: String, format: MetadataFormat },
    List { headers_only: bool, selection: Selection, position: Position, resumed: bool },
}

/// Reads the arguments. The errors are what to answer instead.
pub fn parse(arguments: &[(String, String)]) -> Result<OaiRequest, Vec<OaiError>> {
    let verbs: Vec<&str> = arguments.iter().filter(|(k, _)| k == "verb").map(|(_, v)| v.as_str()).collect();
    let verb = match verbs.as_slice() {
        [verb] => *verb,
        [] => return Err(vec![OaiError::new(OaiErrorCode::BadVerb, "the verb argument is missing")]),
        _ => return Err(vec![OaiError::new(OaiErrorCode::BadVerb, "the verb argument is repeated")]),
    };
    let allowed: &[&str] = match verb {
        "Identify" => &[],
        "ListMetadataFormats" => &["identifier"],
        "ListSets" => &["resumptionToken"],
        "GetRecord" => &["identifier", "metadataPrefix"],
        "ListIdentifiers" | "ListRecords" => &["metadataPrefix", "from", "until", "set", "resumptionToken"],
        other => {
            let shown: String = other.chars().take(40).collect();
            return Err(vec![OaiError::new(OaiErrorCode::BadVerb, format!("`{shown}` is not an OAI-PMH verb"))]);
        }
    };
    let mut errors = Vec::new();
    for (index, (key, _)) in arguments.iter().enumerate().filter(|(_, (k, _))| k != "verb") {
        let shown: String = key.chars().take(40).collect();
        if !allowed.contains(&key.as_str()) {
            errors.push(bad(format!("{verb} takes no argument `{shown}`")));
        } else if arguments[..index].iter().any(|(k, _)| k == key) {
            errors.push(bad(format!("the argument `{shown}` is repeated")));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let get = |key: &str| arguments.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    match verb {
        "Identify" => Ok(OaiRequest::Identify),
        "ListMetadataFormats" => {
            Ok(OaiRequest::ListMetadataFormats { identifier: get("identifier").map(str::to_string) })
        }
        "ListSets" => match get("resumptionToken") {
            // The sets fit one answer: this repository never hands out a token for them.
            Some(_) => Err(vec![OaiError::new(OaiErrorCode::BadResumptionToken, "ListSets has no resumption tokens")]),
            None => Ok(OaiRequest::ListSets),
        },
        "GetRecord" => {
            let (Some(identifier), Some(prefix)) = (get("identifier"), get("metadataPrefix")) else {
                return Err(vec![bad("GetRecord needs both identifier and metadataPrefix")]);
            };
            Ok(OaiRequest::GetRecord { identifier: identifier.to_string(), format: format(prefix)? })
        }
        _ => list(verb == "ListIdentifiers", arguments.len(), get),
    }
}

fn list<'a>(
    headers_only: bool,
    count: usize,
    get: impl Fn(&str) -> Option<&'a str>,
) -> Result<OaiRequest, Vec<OaiError>> {
    if let Some(token) = get("resumptionToken") {
        if count > 2 {
            return Err(vec![bad("resumptionToken is an exclusive argument")]);
        }
        let (selection, position) = decode(token).ok_or_else(|| {
            vec![OaiError::new(
                OaiErrorCode::BadResumptionToken,
                "the resumption token is not one this repository issued",
            )]
        })?;
        return Ok(OaiRequest::List { headers_only, selection, position, resumed: true });
    }
    let prefix = get("metadataPrefix").ok_or_else(|| vec![bad("metadataPrefix is required")])?;
    let from = get("from").map(|v| datestamp(v, "from")).transpose()?;
    let until = get("until").map(|v| datestamp(v, "until")).transpose()?;
    if let (Some((_, from_days)), Some((_, until_days))) = (from, until)
        && from_days != until_days
    {
        return Err(vec![bad("from and until must have the same granularity")]);
    }
    if let (Some((from, _)), Some((until, _))) = (from, until)
        && from > until
    {
        return Err(vec![bad("from is later than until")]);
    }
    let set = get("set").map(str::to_string);
    if set.as_deref().is_some_and(|spec| !valid_set_spec(spec)) {
        return Err(vec![bad("set is not a set specification")]);
    }
    let before = until.map(|(until, days)| until + if days { TimeDelta::days(1) } else { TimeDelta::seconds(1) });
    let selection = Selection { format: format(prefix)?, set, from: from.map(|(from, _)| from), before };
    let position = Position { phase: Phase::Live, after: 0, cursor: 0 };
    Ok(OaiRequest::List { headers_only, selection, position, resumed: false })
}

fn bad(message: impl Into<String>) -> OaiError {
    OaiError::new(OaiErrorCode::BadArgument, message)
}

fn format(prefix: &str) -> Result<MetadataFormat, Vec<OaiError>> {
    MetadataFormat::from_prefix(prefix).ok_or_else(|| {
        let shown: String = prefix.chars().take(40).collect();
        vec![OaiError::new(
            OaiErrorCode::CannotDisseminateFormat,
            format!("`{shown}` is not a metadata format of this repository (oai_dc, tieuchuan)"),
        )]
    })
}

/// A UTC datestamp, `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssZ`; returns it and whether it is a day.
fn datestamp(value: &str, name: &str) -> Result<(NaiveDateTime, bool), Vec<OaiError>> {
    if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        && value.len() == 10
    {
        return Ok((day.and_hms_opt(0, 0, 0).unwrap_or_default(), true));
    }
    match NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%SZ") {
        Ok(time) if value.len() == 20 => Ok((time, false)),
        _ => Err(vec![bad(format!("{name} must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"))]),
    }
}

/// `setSpec` syntax (§4.6): colon-separated parts of unreserved URI characters.
fn valid_set_spec(spec: &str) -> bool {
    spec.len() <= 200
        && spec
            .split(':')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn error(pairs: &[(&str, &str)]) -> OaiErrorCode {
        parse(&args(pairs)).expect_err("an error")[0].code
    }

    #[test]
    fn every_error_condition_is_named() {
        assert_eq!(error(&[]), OaiErrorCode::BadVerb);
        assert_eq!(error(&[("verb", "Nothing")]), OaiErrorCode::BadVerb);
        assert_eq!(error(&[("verb", "Identify"), ("verb", "Identify")]), OaiErrorCode::BadVerb);
        assert_eq!(error(&[("verb", "Identify"), ("x", "1")]), OaiErrorCode::BadArgument);
        assert_eq!(error(&[("verb", "ListRecords")]), OaiErrorCode::BadArgument);
        assert_eq!(
            error(&[("verb", "ListRecords"), ("metadataPrefix", "marc")]),
            OaiErrorCode::CannotDisseminateFormat
        );
        let repeated = [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("metadataPrefix", "oai_dc")];
        assert_eq!(error(&repeated), OaiErrorCode::BadArgument);
        for (from, until) in
            [("2026-01-01", "2026-01-01T00:00:00Z"), ("2026-02-01", "2026-01-01"), ("2026-1-1", "2026-01-02")]
        {
            let pairs = [("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("from", from), ("until", until)];
            assert_eq!(error(&pairs), OaiErrorCode::BadArgument, "{from} {until}");
        }
        let fractional = [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2026-01-01T00:00:00.5Z")];
        assert_eq!(error(&fractional), OaiErrorCode::BadArgument);
        assert_eq!(error(&[("verb", "ListRecords"), ("resumptionToken", "junk")]), OaiErrorCode::BadResumptionToken);
        let with_token = [("verb", "ListRecords"), ("resumptionToken", "junk"), ("metadataPrefix", "oai_dc")];
        assert_eq!(error(&with_token), OaiErrorCode::BadArgument);
        assert_eq!(error(&[("verb", "ListSets"), ("resumptionToken", "x")]), OaiErrorCode::BadResumptionToken);
        assert_eq!(error(&[("verb", "GetRecord"), ("identifier", "x")]), OaiErrorCode::BadArgument);
        let bad_set = [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("set", "kind::x")];
        assert_eq!(error(&bad_set), OaiErrorCode::BadArgument);
    }

    #[test]
    fn until_covers_its_whole_second_or_day() {
        let pairs =
            [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2026-12-01"), ("until", "2026-12-02")];
        let Ok(OaiRequest::List { selection, .. }) = parse(&args(&pairs)) else { panic!("a list") };
        assert_eq!(selection.from.map(|t| t.to_string()), Some("2026-12-01 00:00:00".into()));
        assert_eq!(selection.before.map(|t| t.to_string()), Some("2026-12-03 00:00:00".into()));
        let pairs = [("verb", "ListRecords"), ("metadataPrefix", "tieuchuan"), ("until", "2026-12-02T10:00:00Z")];
        let Ok(OaiRequest::List { selection, .. }) = parse(&args(&pairs)) else { panic!("a list") };
        assert_eq!(selection.before.map(|t| t.to_string()), Some("2026-12-02 10:00:01".into()));
    }
}
