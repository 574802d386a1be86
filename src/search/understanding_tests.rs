//! Unit tests of query understanding.

use super::*;

fn understood(query: &str) -> UnderstoodQuery {
    let abbreviations = Abbreviations::parse("PCCC\tphòng cháy chữa cháy\nHTKT\thạ tầng kỹ thuật\n").expect("valid");
    understand(query, &abbreviations)
}

fn terms(query: &str) -> Vec<(String, ClueStrength)> {
    understood(query).codes.into_iter().map(|c| (c.term, c.strength)).collect()
}

#[test]
fn whole_codes_in_any_spelling_ask_for_one_edition_then_its_siblings() {
    for query in ["QCVN 06:2022/BXD", "qcvn 06 2022 bxd", "qcvn06 2022 bxd", "QCVN 6-2022 BXD"] {
        assert_eq!(
            terms(query),
            vec![("k:qcvn 6:2022/bxd".into(), ClueStrength::Exact), ("si:qcvn 6/bxd".into(), ClueStrength::Sibling)],
            "{query}"
        );
    }
    assert_eq!(terms("QCVN 26:2016/BLÐTBXH")[0].0, "k:qcvn 26:2016/bldtbxh");
}

#[test]
fn partial_codes_ask_for_a_series() {
    assert_eq!(terms("TCVN 5574"), vec![("s:tcvn 5574".into(), ClueStrength::Series)]);
    assert_eq!(terms("QCVN 14 BTNMT"), vec![("si:qcvn 14/btnmt".into(), ClueStrength::Series)]);
    assert_eq!(terms("DLVN 31"), vec![("s:dlvn 31".into(), ClueStrength::Series)]);
}

#[test]
fn fragments_without_a_kind_are_found() {
    assert_eq!(terms("5574:2018"), vec![("ny:5574:2018".into(), ClueStrength::Fragment)]);
    assert_eq!(terms("06/2022/BXD"), vec![("ny:6:2022/bxd".into(), ClueStrength::Fragment)]);
    assert_eq!(terms("iso 9001"), vec![("a:iso 9001".into(), ClueStrength::Fragment)]);
    assert_eq!(terms("iso/iec 27002"), vec![("a:iso/iec 27002".into(), ClueStrength::Fragment)]);
    assert_eq!(terms("17025"), vec![("n:17025".into(), ClueStrength::Number)]);
    assert_eq!(understood("17025").words, vec!["17025"], "a bare number is also a word");
}

#[test]
fn international_documents_ask_for_their_adoption() {
    assert_eq!(terms("ISO/IEC 17025:2017"), vec![("a:iso/iec 17025:2017".into(), ClueStrength::Fragment)]);
    assert_eq!(terms("ISO 6946-2017"), vec![("a:iso 6946:2017".into(), ClueStrength::Fragment)]);
    let query = understood("cửa ngăn cháy BS EN 1366-1 thử nghiệm");
    assert_eq!(query.codes, vec![clue("a:bs en 1366-1".into(), ClueStrength::Fragment)]);
    assert_eq!(query.words, vec!["cửa", "ngăn", "cháy", "thử", "nghiệm"]);
    assert!(understood("ISO 9001:2015").names_an_edition());
    assert!(!understood("ISO 9001").names_an_edition());
}

#[test]
fn the_older_national_families_are_codes_in_queries() {
    assert_eq!(terms("22 TCN 272-05")[0].0, "k:22 tcn 272:2005");
    assert_eq!(terms("tcxdvn 356"), vec![("s:tcxdvn 356".into(), ClueStrength::Series)]);
    let query = understood("thiết kế cầu 22tcn 272 05");
    assert_eq!(query.codes[0].term, "k:22 tcn 272:2005");
    assert_eq!(query.words, vec!["thiết", "kế", "cầu"]);
    let query = understood("QCXDVN 05:2008/BXD an toàn sinh mạng");
    assert_eq!(query.codes[0].term, "k:qcxdvn 5:2008/bxd");
    assert_eq!(query.words, vec!["an", "toàn", "sinh", "mạng"]);
}

#[test]
fn a_code_inside_words_is_separated_from_them() {
    let query = understood("QCVN 06 khoang cháy");
    assert_eq!(query.codes[0].term, "s:qcvn 6");
    assert_eq!(query.words, vec!["khoang", "cháy"]);
    assert!(query.has_diacritics);
}

#[test]
fn a_kind_alone_is_a_hint_not_a_word() {
    let query = understood("QCVN nhà chung cư");
    assert_eq!(query.kind_hint, Some(Kind::Qcvn));
    assert_eq!(query.words, vec!["nhà", "chung", "cư"]);
    assert!(query.codes.is_empty());
}

#[test]
fn words_that_look_like_an_issuer_are_not_swallowed() {
    let query = understood("TCVN 5574 be tong");
    assert_eq!(query.codes[0].term, "s:tcvn 5574");
    assert_eq!(query.words, vec!["be", "tong"]);
}

#[test]
fn abbreviations_expand_and_stay_as_words() {
    let query = understood("PCCC hệ thống báo cháy");
    assert_eq!(query.expansions, vec![("PCCC".to_string(), "phòng cháy chữa cháy".to_string())]);
    assert_eq!(query.words[0], "PCCC");
    assert_eq!(understood("htkt").expansions[0].1, "hạ tầng kỹ thuật");
}

#[test]
fn text_without_diacritics_is_flagged_so() {
    let query = understood("nuoc thai");
    assert!(!query.has_diacritics);
    assert_eq!(query.words, vec!["nuoc", "thai"]);
    assert!(understood("   ").is_empty());
}

#[test]
fn query_syntax_characters_are_just_text() {
    for query in ["title:nước", "\"quy chuẩn", "a AND (b OR", "*", "-x +y", "[1 TO 2]", "~2^3"] {
        let _ = understood(query);
    }
}
