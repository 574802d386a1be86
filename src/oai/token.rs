//! Stateless resumption tokens: the selection of a list and where it stopped, encoded in the
//! token itself (base64url of JSON), so that any node answers the next page and nothing is kept
//! between requests. A list walks the standards by id, then the deleted records by sequence
//! number. A token that does not decode is `badResumptionToken`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::MetadataFormat;
use super::request::Selection;

/// Which part of the repository a list is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// The standards, by id.
    Live,
    /// The deleted records, by the sequence number of their tombstone.
    Deleted,
}

/// Where a list stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub phase: Phase,
    /// The last id (or seq) served.
    pub after: i64,
    /// How many items were served before this page.
    pub cursor: i64,
}

/// The longest token accepted.
const MAX_TOKEN_BYTES: usize = 1_024;

#[derive(Serialize, Deserialize)]
struct Carried {
    v: u8,
    prefix: String,
    set: Option<String>,
    from: Option<i64>,
    before: Option<i64>,
    phase: Phase,
    after: i64,
    cursor: i64,
}

/// The token that resumes `selection` after `position`.
pub fn encode(selection: &Selection, position: Position) -> String {
    let carried = Carried {
        v: 1,
        prefix: selection.format.prefix().to_string(),
        set: selection.set.clone(),
        from: selection.from.map(|t| t.and_utc().timestamp()),
        before: selection.before.map(|t| t.and_utc().timestamp()),
        phase: position.phase,
        after: position.after,
        cursor: position.cursor,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&carried).unwrap_or_default())
}

/// The selection and position a token carries, if it is one this repository issued.
pub fn decode(token: &str) -> Option<(Selection, Position)> {
    if token.len() > MAX_TOKEN_BYTES {
        return None;
    }
    let carried: Carried = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
    let time = |seconds: Option<i64>| -> Option<Option<NaiveDateTime>> {
        match seconds {
            None => Some(None),
            Some(s) => DateTime::from_timestamp(s, 0).map(|t| Some(t.naive_utc())),
        }
    };
    let valid = carried.v == 1 && carried.after >= 0 && carried.cursor >= 0;
    valid.then_some(())?;
    let selection = Selection {
        format: MetadataFormat::from_prefix(&carried.prefix)?,
        set: carried.set,
        from: time(carried.from)?,
        before: time(carried.before)?,
    };
    Some((selection, Position { phase: carried.phase, after: carried.after, cursor: carried.cursor }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_carries_its_list_and_a_forged_one_is_refused() {
        let selection = Selection {
            format: MetadataFormat::Native,
            set: Some("kind:qcvn".into()),
            from: DateTime::from_timestamp(1_764_547_200, 0).map(|t| t.naive_utc()),
            before: None,
        };
        let position = Position { phase: Phase::Deleted, after: 42, cursor: 300 };
        assert_eq!(decode(&encode(&selection, position)), Some((selection, position)));
        for forged in ["", "e30", "not base64!", &URL_SAFE_NO_PAD.encode(br#"{"v":1,"prefix":"marc"}"#)] {
            assert_eq!(decode(forged), None, "{forged}");
        }
        let negative = URL_SAFE_NO_PAD.encode(
            br#"{"v":1,"prefix":"oai_dc","set":null,"from":null,"before":null,"phase":"Live","after":-5,"cursor":0}"#,
        );
        assert_eq!(decode(&negative), None);
    }
}
