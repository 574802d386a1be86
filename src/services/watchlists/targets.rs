//! What a watch's target is, written once for both ends: the watch an official makes (a standard,
//! a series, a field, an issuer) and the targets a standard falls under when it changes. A series
//! is its kind and number (`tcvn 5574`), and for a regulation also its issuer (`qcvn 06|BXD`); an
//! amendment belongs to the series of the standard it amends.

use crate::domain::code::canonical_issuer;
use crate::domain::text::fold_diacritics;
use crate::domain::{CanonicalCode, WatchKind};

/// Every target a standard with this code, field and issuer falls under.
pub fn of_standard(code: &CanonicalCode, field: Option<&str>, issuer_code: Option<&str>) -> Vec<(WatchKind, String)> {
    let mut targets = vec![(WatchKind::Standard, code.key())];
    let base = code.amended_base().unwrap_or_else(|| code.clone());
    let series = base.series_key();
    if let Some(issuer) = &base.issuer {
        targets.push((WatchKind::Series, format!("{series}|{}", issuer_target(issuer))));
    }
    targets.push((WatchKind::Series, series));
    if let Some(field) = field.filter(|f| !f.is_empty()) {
        targets.push((WatchKind::Field, field.to_string()));
    }
    if let Some(issuer) = issuer_code.or(base.issuer.as_deref()) {
        targets.push((WatchKind::Issuer, issuer_target(issuer)));
    }
    targets.dedup();
    targets
}

/// The series target of a code, as a watch of its whole series stores it: with the issuer when
/// the code names one.
pub fn series_of(code: &CanonicalCode) -> String {
    let base = code.amended_base().unwrap_or_else(|| code.clone());
    match &base.issuer {
        Some(issuer) => format!("{}|{}", base.series_key(), issuer_target(issuer)),
        None => base.series_key(),
    }
}

/// An issuer as targets store it: its canonical spelling, folded to upper-case ASCII.
pub fn issuer_target(issuer: &str) -> String {
    fold_diacritics(&canonical_issuer(issuer.trim())).to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> CanonicalCode {
        CanonicalCode::parse(text).expect("a code")
    }

    #[test]
    fn a_regulation_falls_under_its_series_with_and_without_its_issuer() {
        let targets = of_standard(&code("QCVN 06:2022/BXD"), Some("fire_safety"), Some("BXD"));
        assert_eq!(
            targets,
            vec![
                (WatchKind::Standard, "qcvn 6:2022/bxd".to_string()),
                (WatchKind::Series, "qcvn 6|BXD".to_string()),
                (WatchKind::Series, "qcvn 6".to_string()),
                (WatchKind::Field, "fire_safety".to_string()),
                (WatchKind::Issuer, "BXD".to_string()),
            ],
        );
        assert_eq!(series_of(&code("qcvn 06 2021 bxd")), "qcvn 6|BXD", "the number's key: 06 is 6");
    }

    #[test]
    fn an_amendment_belongs_to_the_series_it_amends() {
        let amendment = code("Sửa đổi 1:2023 QCVN 06:2022/BXD");
        assert_eq!(series_of(&amendment), series_of(&code("QCVN 06:2022/BXD")));
        assert!(of_standard(&amendment, None, None).contains(&(WatchKind::Series, "qcvn 6|BXD".to_string())));
        assert_eq!(series_of(&code("TCVN 5574")), "tcvn 5574");
    }
}
