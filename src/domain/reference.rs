//! A cited document: a Vietnamese code (catalogued or not) or an international one. What
//! references, adoptions and dossier checks name.

use std::fmt;

use super::code::{CanonicalCode, CodeError};
use super::international::InternationalCode;

/// A code a text cites, by the family it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// TCVN, QCVN, QCĐP, ĐLVN and the older national families: catalogue codes.
    National(CanonicalCode),
    /// ISO, IEC, EN, BS, ASTM, NFPA, …: recognised, never catalogued.
    International(InternationalCode),
}

impl Reference {
    /// Parses a national code, or else an international one; the error is the national
    /// parser's, which says what a code looks like.
    pub fn parse(input: &str) -> Result<Reference, CodeError> {
        match CanonicalCode::parse(input) {
            Ok(code) => Ok(Reference::National(code)),
            Err(error) => InternationalCode::parse(input).map(Reference::International).ok_or(error),
        }
    }

    /// The identity of the cited document (a national code's key, or an international key).
    pub fn key(&self) -> String {
        match self {
            Reference::National(code) => code.key(),
            Reference::International(code) => code.key(),
        }
    }

    /// The international document this reference names or adopts: `ISO 9001:2015` for
    /// `TCVN ISO 9001:2015` as for `ISO 9001:2015` itself.
    pub fn international(&self) -> Option<InternationalCode> {
        match self {
            Reference::National(code) => code.adopted_document(),
            Reference::International(code) => Some(code.clone()),
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::National(code) => code.fmt(f),
            Reference::International(code) => code.fmt(f),
        }
    }
}

#[cfg(test)]
#[path = "reference_tests.rs"]
pub(crate) mod tests;
