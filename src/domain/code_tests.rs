//! Unit tests of the code parser: every spelling seen in real documents, and garbage.

use super::code::{CanonicalCode, CodeError, slugify};
use super::vocabulary::Kind;

fn canonical(input: &str) -> String {
    CanonicalCode::parse(input).unwrap_or_else(|e| panic!("{input:?} should parse: {e}")).to_string()
}

fn key(input: &str) -> String {
    CanonicalCode::parse(input).unwrap_or_else(|e| panic!("{input:?} should parse: {e}")).key()
}

#[test]
fn spellings_from_design_resolve_to_the_canonical_code() {
    for variant in
        ["qcvn 06 2022 bxd", "QCVN06:2022/BXD", "QCVN 06-2022 BXD", "QCVN 06:2022/BXD", "  qcvn 06:2022/bxd "]
    {
        assert_eq!(canonical(variant), "QCVN 06:2022/BXD", "{variant}");
    }
    assert_eq!(canonical("TCVN13187:2020"), "TCVN 13187:2020");
    assert_eq!(canonical("DLVN 31:2017"), "ĐLVN 31:2017");
    assert_eq!(canonical("dlvn 31:2017"), "ĐLVN 31:2017");
}

#[test]
fn leading_zeros_never_distinguish_two_codes() {
    assert_eq!(key("QCVN 5:2023/BTNMT"), key("QCVN 05:2023/BTNMT"));
    assert_eq!(key("qcvn 5 2023 btnmt"), "qcvn 5:2023/btnmt");
    assert_eq!(key("QCVN 01-1:2018/BYT"), key("QCVN 1-01:2018/BYT"));
    assert_ne!(key("QCVN 01-1:2018/BYT"), key("QCVN 01-1:2009/BNNPTNT"));
}

#[test]
fn icelandic_eth_and_plain_d_give_the_vietnamese_issuer() {
    assert_eq!(canonical("QCVN 26:2016/BLÐTBXH"), "QCVN 26:2016/BLĐTBXH");
    assert_eq!(canonical("QCVN 26:2016/BLDTBXH"), "QCVN 26:2016/BLĐTBXH");
    assert_eq!(key("QCVN 26:2016/BLÐTBXH"), key("QCVN 26:2016/BLĐTBXH"));
}

#[test]
fn codes_seen_in_real_documents_parse() {
    let cases = [
        ("QCVN: 01-2008/BLĐTBXH", "QCVN 01:2008/BLĐTBXH"),
        ("QCVN 7:2012/BLĐTBXH", "QCVN 7:2012/BLĐTBXH"),
        ("QCVN 01-190: 2020/BNNPTNT", "QCVN 01-190:2020/BNNPTNT"),
        ("QCVN 10-2008 BTNMT", "QCVN 10:2008/BTNMT"),
        ("TCVN13187:2020", "TCVN 13187:2020"),
        ("TCVN 4057-1985", "TCVN 4057:1985"),
        ("TCVN 7447-4-41:2010", "TCVN 7447-4-41:2010"),
        ("TCVN ISO/IEC 17025:2017", "TCVN ISO/IEC 17025:2017"),
        ("tcvn iso 9001 2015", "TCVN ISO 9001:2015"),
        ("QCVN 08-MT:2015/BTNMT", "QCVN 08-MT:2015/BTNMT"),
        ("TCVN 9311-1", "TCVN 9311-1"),
        ("QCVN 10 BXD", "QCVN 10/BXD"),
        ("QCĐP 01:2019/HN", "QCĐP 01:2019/HN"),
        ("QCVN 06 – 2022 / BXD", "QCVN 06:2022/BXD"),
    ];
    for (input, expected) in cases {
        assert_eq!(canonical(input), expected, "{input}");
    }
}

#[test]
fn the_electricity_sectors_series_is_a_code_of_its_own() {
    for spelling in ["QCVN QTĐ 8:2010/BCT", "qcvn qtd 8 2010 bct", "QCVN QTĐ-8:2010/BCT", "QCVN QTD 8:2010/BCT"] {
        assert_eq!(canonical(spelling), "QCVN QTĐ 8:2010/BCT", "{spelling}");
    }
    // QCVN 04:2021/BXD cites it as `QCVN QTĐ 08:2010/BCT`: the same document.
    assert_eq!(key("QCVN QTĐ 08:2010/BCT"), key("QCVN QTĐ 8:2010/BCT"));
    assert_eq!(key("QCVN QTĐ 8:2010/BCT"), "qcvn qtd 8:2010/bct");
    assert_eq!(CanonicalCode::parse("QCVN QTĐ 5:2009/BCT").expect("parses").slug(), "qcvn-qtd-5-2009-bct");
    assert_ne!(key("QCVN QTĐ 8:2010/BCT"), key("QCVN 8:2010/BCT"), "the series is part of the identity");
}

#[test]
fn the_older_national_families_are_codes_of_their_own() {
    let cases = [
        // Construction regulations before QCVN, cited by QCVN 04:2021/BXD and QCVN 09:2017/BXD.
        ("QCXDVN 05:2008/BXD", "QCXDVN 05:2008/BXD"),
        ("qcxdvn 05 2008 bxd", "QCXDVN 05:2008/BXD"),
        ("QCXDVN 01:2002", "QCXDVN 01:2002"),
        // Construction standards before TCVN.
        ("TCXDVN 356:2005", "TCXDVN 356:2005"),
        ("TCXDVN 356-2005", "TCXDVN 356:2005"),
        ("tcxdvn356:2005", "TCXDVN 356:2005"),
        ("TCXD 229:1999", "TCXD 229:1999"),
        ("TCXD 45-78", "TCXD 45:1978"),
        ("TCXD 45:1978", "TCXD 45:1978"),
        // Sector standards: the sector's number first, the year often in two digits.
        ("22 TCN 272-05", "22 TCN 272:2005"),
        ("22TCN 272-05", "22 TCN 272:2005"),
        ("22 TCN 272-2005", "22 TCN 272:2005"),
        ("22 tcn 272:2005", "22 TCN 272:2005"),
        ("14 TCN 12-2002", "14 TCN 12:2002"),
        ("22 TCN 18-79", "22 TCN 18:1979"),
        ("TCN 68-176:2006", "TCN 68-176:2006"),
    ];
    for (input, expected) in cases {
        assert_eq!(canonical(input), expected, "{input}");
    }
    assert_eq!(CanonicalCode::parse("QCXDVN 05:2008/BXD").expect("parses").kind, Kind::Qcxdvn);
    assert_eq!(CanonicalCode::parse("TCXD 229:1999").expect("parses").kind, Kind::Tcxd);
    assert_eq!(key("22 TCN 272-05"), "22 tcn 272:2005");
    assert_eq!(key("22 TCN 272-05"), key("22TCN 272-2005"));
    assert_ne!(key("22 TCN 272-05"), key("14 TCN 272-05"), "the sector is part of the identity");
    assert_ne!(key("TCXDVN 356:2005"), key("TCVN 356:2005"));
    assert_ne!(key("QCXDVN 05:2008/BXD"), key("QCVN 05:2008/BXD"));
    assert_eq!(CanonicalCode::parse("22 TCN 272-05").expect("parses").slug(), "22-tcn-272-2005");
    assert_eq!(CanonicalCode::parse("QCXDVN 05:2008/BXD").expect("parses").slug(), "qcxdvn-05-2008-bxd");
    // A part number is never read as a two-digit year where the family does not write them so.
    assert_eq!(canonical("TCVN 7447-4-41:2010"), "TCVN 7447-4-41:2010");
    assert_eq!(canonical("TCVN 9311-10"), "TCVN 9311-10");
    assert_eq!(canonical("TCN 68-17"), "TCN 68-17");
    // A sector number belongs to sector standards only.
    assert_eq!(CanonicalCode::parse("22 TCVN 272:2005"), Err(CodeError::SectorOutsideTcn("22 TCVN 272:2005".into())));
    assert!(CanonicalCode::parse("22 QCVN 06:2022/BXD").is_err());
}

#[test]
fn decomposed_diacritics_are_composed_first() {
    use unicode_normalization::UnicodeNormalization;
    let nfd: String = "ĐLVN 31:2017".nfd().collect();
    assert_eq!(canonical(&nfd), "ĐLVN 31:2017");
    let nfd_issuer: String = "QCVN 26:2016/BLĐTBXH".nfd().collect();
    assert_eq!(canonical(&nfd_issuer), "QCVN 26:2016/BLĐTBXH");
}

#[test]
fn amendments_written_before_or_after_the_base_code() {
    let amendment = CanonicalCode::parse("Sửa đổi 1:2023 QCVN 06:2022/BXD").expect("amendment parses");
    assert_eq!(amendment.to_string(), "Sửa đổi 1:2023 QCVN 06:2022/BXD");
    assert_eq!(amendment.key(), "sd1:2023 qcvn 6:2022/bxd");
    assert_eq!(key("SĐ 01:2023 QCVN 06:2022/BXD"), amendment.key());
    assert_eq!(key("sua doi 1 2023 qcvn 06 2022 bxd"), amendment.key());
    assert_eq!(key("QCVN 06:2022/BXD Sửa đổi 1:2023"), amendment.key());
    assert_ne!(amendment.key(), key("QCVN 06:2022/BXD"));
}

#[test]
fn partial_codes_name_a_series() {
    let series = CanonicalCode::parse("TCVN 5574").expect("series parses");
    assert!(!series.is_dated());
    assert_eq!(series.kind, Kind::Tcvn);
    assert_eq!(series.series_key(), CanonicalCode::parse("TCVN 5574:2018").expect("edition").series_key());
}

#[test]
fn slugs_are_lowercase_ascii_words() {
    assert_eq!(CanonicalCode::parse("QCVN 06:2022/BXD").expect("parses").slug(), "qcvn-06-2022-bxd");
    assert_eq!(CanonicalCode::parse("ĐLVN 31:2017").expect("parses").slug(), "dlvn-31-2017");
    assert_eq!(CanonicalCode::parse("QCVN 26:2016/BLÐTBXH").expect("parses").slug(), "qcvn-26-2016-bldtbxh");
    assert_eq!(slugify("TCVN ISO/IEC 17025:2017"), "tcvn-iso-iec-17025-2017");
}

#[test]
fn garbage_is_an_error_value_never_a_panic() {
    assert_eq!(CanonicalCode::parse(""), Err(CodeError::Empty));
    assert_eq!(CanonicalCode::parse("   \t "), Err(CodeError::Empty));
    assert_eq!(CanonicalCode::parse(&"QCVN 06 ".repeat(1300)), Err(CodeError::TooLong));
    assert_eq!(CanonicalCode::parse("QCVN\u{0} 06:2022/BXD"), Err(CodeError::ControlCharacter));
    assert_eq!(CanonicalCode::parse("QCVN 06:2022/BXD\u{7}"), Err(CodeError::ControlCharacter));
    for garbage in ["🔥🔥", "QCVN 🔥", "nước thải", "ISO 9001", "QCVN", "QCVN ::://", "TCVN 5574:1234", "<script>"]
    {
        assert!(CanonicalCode::parse(garbage).is_err(), "{garbage:?} should not parse");
    }
    assert_eq!(CanonicalCode::parse("TCVN 5574:3000"), Err(CodeError::ImplausibleYear(3000)));
}

#[test]
fn every_code_of_the_seed_catalogue_round_trips() {
    let catalogue = include_str!("../../standards-data/catalogue.jsonl");
    let mut keys = std::collections::HashSet::new();
    for line in catalogue.lines().filter(|l| !l.trim().is_empty()) {
        let record: serde_json::Value = serde_json::from_str(line).expect("seed line is JSON");
        let code = record["code"].as_str().expect("seed record has a code");
        let parsed = CanonicalCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(parsed.to_string(), code, "the published code is already canonical");
        assert_eq!(CanonicalCode::parse(&parsed.to_string()).expect("reparses").key(), parsed.key());
        assert!(keys.insert(parsed.key()), "{code} collides with another code");
    }
    assert_eq!(keys.len(), 944);
}

mod properties {
    use proptest::prelude::*;

    use super::CanonicalCode;

    proptest! {
        #[test]
        fn any_string_gives_a_value_or_an_error_never_a_panic(input in any::<String>()) {
            let _ = CanonicalCode::parse(&input);
        }

        #[test]
        fn code_like_strings_reparse_to_the_same_key(
            kind in prop::sample::select(vec![
                "TCVN", "qcvn", "QCĐP", "dlvn", "ĐLVN", "QCXDVN", "tcxdvn", "TCXD", "22 TCN", "14TCN", "QCVN QTĐ",
            ]),
            number in "[0-9]{1,5}(-[0-9]{1,3}){0,2}",
            separator in prop::sample::select(vec![":", " ", "-", " : "]),
            year in 1950u32..2100,
            issuer in prop::option::of(prop::sample::select(vec!["BXD", "BLDTBXH", "BLÐTBXH", "btnmt"])),
        ) {
            let issuer = issuer.map(|i| format!("/{i}")).unwrap_or_default();
            let input = format!("{kind} {number}{separator}{year}{issuer}");
            let parsed = CanonicalCode::parse(&input).map_err(|e| TestCaseError::fail(format!("{input}: {e}")))?;
            prop_assert_eq!(parsed.year, Some(year));
            let reparsed = CanonicalCode::parse(&parsed.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(reparsed.key(), parsed.key());
            prop_assert_eq!(reparsed.to_string(), parsed.to_string());
        }

        #[test]
        fn a_two_digit_year_is_the_same_edition_as_its_four_digits(
            kind in prop::sample::select(vec!["TCXD", "tcxd", "22 TCN", "14TCN", "10 tcn"]),
            number in "[0-9]{1,4}(-[0-9]{3}){0,1}",
            year in 1950u32..2030,
        ) {
            let short = format!("{kind} {number}-{:02}", year % 100);
            let full = format!("{kind} {number}-{year}");
            let parsed = CanonicalCode::parse(&short).map_err(|e| TestCaseError::fail(format!("{short}: {e}")))?;
            prop_assert_eq!(parsed.year, Some(year));
            let full = CanonicalCode::parse(&full).map_err(|e| TestCaseError::fail(format!("{full}: {e}")))?;
            prop_assert_eq!(parsed.key(), full.key());
            prop_assert_eq!(CanonicalCode::parse(&parsed.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?, parsed);
        }
    }
}
