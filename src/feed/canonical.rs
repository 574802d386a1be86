//! Canonical JSON (RFC 8785, JCS) and the hashes of the connection standard: a record's
//! `record_sha256` is the SHA-256 of its canonical form, and each entry's `chain` is
//! `SHA-256(previous chain ‖ "\n" ‖ canonical entry head)`, so that a follower detects a gap,
//! a rewrite or a reordering. Hashes are lowercase hex.

use serde::Serialize;

use crate::domain::FeedOp;
use crate::domain::digest::sha256_hex;

/// The part of an entry the chain covers: all of it but the record (covered by its hash) and
/// the chain itself.
#[derive(Debug, Clone, Serialize)]
pub struct EntryHead<'a> {
    pub seq: i64,
    pub epoch: &'a str,
    pub committed_at: &'a str,
    pub op: FeedOp,
    pub code: &'a str,
    pub slug: &'a str,
    pub version: i32,
    pub record_sha256: Option<&'a str>,
}

/// The canonical JSON text of a value (RFC 8785).
pub fn canonical<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    serde_jcs::to_string(value)
}

/// The chain value before an epoch's first entry.
pub fn genesis(epoch: &str) -> String {
    sha256_hex(format!("tieuchuan-feed\n{epoch}").as_bytes())
}

/// The chain value of an entry, from the one before it.
pub fn next_chain(previous: &str, head: &EntryHead<'_>) -> Result<String, serde_json::Error> {
    Ok(sha256_hex(format!("{previous}\n{}", canonical(head)?).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_and_drops_whitespace() {
        let value = serde_json::json!({"b": 1, "a": {"d": [true, null], "c": "Quy chuẩn"}});
        assert_eq!(canonical(&value).expect("json"), r#"{"a":{"c":"Quy chuẩn","d":[true,null]},"b":1}"#);
    }

    #[test]
    fn a_changed_field_or_order_changes_the_chain() {
        let head = EntryHead {
            seq: 7,
            epoch: "e1",
            committed_at: "2026-12-03T01:02:03Z",
            op: FeedOp::Upsert,
            code: "QCVN 06:2022/BXD",
            slug: "qcvn-06-2022-bxd",
            version: 2,
            record_sha256: Some("ab"),
        };
        let start = genesis("e1");
        let chain = next_chain(&start, &head).expect("chain");
        assert_eq!(chain.len(), 64);
        assert_ne!(chain, next_chain(&start, &EntryHead { version: 3, ..head.clone() }).expect("chain"));
        assert_ne!(chain, next_chain(&genesis("e2"), &head).expect("chain"));
        assert_eq!(chain, next_chain(&start, &head).expect("chain"), "the same entry, the same chain");
    }
}
