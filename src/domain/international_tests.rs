//! Unit tests of international codes: the spellings the seven real QCVN texts use, keys, and garbage.

use super::InternationalCode;
use crate::domain::{CanonicalCode, Reference};

fn shown(input: &str) -> String {
    InternationalCode::parse(input).unwrap_or_else(|| panic!("{input:?} should parse")).to_string()
}

fn key(input: &str) -> String {
    InternationalCode::parse(input).unwrap_or_else(|| panic!("{input:?} should parse")).key()
}

#[test]
fn codes_cited_by_the_real_texts_parse() {
    let cases = [
        ("ISO 834-10", "ISO 834-10"),
        ("ISO/IEC 17025", "ISO/IEC 17025"),
        ("ISO/IEC 17025:2017", "ISO/IEC 17025:2017"),
        ("EN 15727", "EN 15727"),
        ("NFPA 5000", "NFPA 5000"),
        ("BS EN 1366-1:2014", "BS EN 1366-1:2014"),
        ("ASTM E119", "ASTM E119"),
        ("ASTM D 1557", "ASTM D 1557"),
        ("ISO 6946-2017", "ISO 6946:2017"),
        ("ISO 10456-2007", "ISO 10456:2007"),
        ("ISO 12759:2010", "ISO 12759:2010"),
        ("AMCA 205", "AMCA 205"),
        ("ANSI Z21.10.3", "ANSI Z21.10.3"),
        ("ARI 210/240", "ARI 210/240"),
        ("ARI 550 / 590", "ARI 550/590"),
        ("ARI 560-2000", "ARI 560:2000"),
        ("ASHRAE 90.1 - 2016", "ASHRAE 90.1:2016"),
        ("NEMA MG 1-2016", "NEMA MG 1:2016"),
        ("NFRC 200-2017", "NFRC 200:2017"),
        ("iec 60364-4-41:2005", "IEC 60364-4-41:2005"),
        ("ISO/TS 16949", "ISO/TS 16949"),
        ("ISO/IEC Guide 98-3", "ISO/IEC Guide 98-3"),
        ("CENELEC 50171", "CENELEC 50171"),
    ];
    for (input, expected) in cases {
        assert_eq!(shown(input), expected, "{input}");
    }
}

#[test]
fn spacing_case_and_the_years_separator_never_distinguish_two_codes() {
    assert_eq!(key("ISO 6946-2017"), key("ISO 6946:2017"));
    assert_eq!(key("iso 6946 : 2017"), "iso 6946:2017");
    assert_eq!(key("ARI 550 / 590"), key("ARI 550/590"));
    assert_eq!(key("NEMA MG 1-2016"), key("NEMA MG1:2016"));
    assert_eq!(key("ISO/IEC 17025"), key("iso / iec 17025"));
    assert_ne!(key("ISO 834-10"), key("ISO 834-1"));
    assert_ne!(key("ISO 9001:2015"), key("ISO 9001:2008"));
    assert_eq!(InternationalCode::parse("ISO 9001:2015").expect("parses").series_key(), "iso 9001");
}

#[test]
fn what_is_not_an_international_code_is_none() {
    for garbage in [
        "",
        "ISO",
        "9001",
        "ISO abc",
        "TCVN 5574:2018",
        "nước thải",
        "ISO 9001:1234",
        "ISO 9001:3000",
        "FOO 123",
        "🔥 123",
        "ISO\u{0} 9001",
    ] {
        assert!(InternationalCode::parse(garbage).is_none(), "{garbage:?} should not parse");
    }
    assert!(InternationalCode::parse(&"ISO 9001 ".repeat(30)).is_none());
}

#[test]
fn a_reference_is_national_first_then_international() {
    let national = Reference::parse("TCVN ISO 9001:2015").expect("parses");
    assert!(matches!(national, Reference::National(_)));
    assert_eq!(national.key(), "tcvn iso 9001:2015");
    let international = Reference::parse("ISO 9001:2015").expect("parses");
    assert!(matches!(international, Reference::International(_)));
    assert_eq!(international.key(), "iso 9001:2015");
    // The adoption link: a TCVN ISO names the ISO series it adopts, and the ISO code names the
    // series key its adoption has in the catalogue.
    let adopted = national.international().expect("adopts");
    assert_eq!(adopted.series_key(), international.international().expect("is one").series_key());
    let adoption = CanonicalCode::parse("TCVN ISO/IEC 17025:2017").expect("parses");
    assert_eq!(
        InternationalCode::parse("ISO/IEC 17025:2005").expect("parses").adoption_series_key(),
        adoption.series_key()
    );
    assert!(CanonicalCode::parse("TCVN 5574:2018").expect("parses").adopted_document().is_none());
    assert!(Reference::parse("nước thải").is_err());
}

mod properties {
    use proptest::prelude::*;

    use super::InternationalCode;

    proptest! {
        #[test]
        fn any_string_gives_a_value_or_none_never_a_panic(input in any::<String>()) {
            let _ = InternationalCode::parse(&input);
        }

        #[test]
        fn code_like_strings_reparse_to_the_same_key(
            body in prop::sample::select(vec!["ISO", "iso/iec", "BS EN", "EN", "NFPA", "ASTM", "IEC", "ASHRAE", "DIN EN ISO"]),
            letter in prop::option::of(prop::sample::select(vec!["E", "D ", "MG ", "Z"])),
            number in "[1-9][0-9]{0,4}(-[1-9][0-9]{0,1}){0,2}",
            separator in prop::sample::select(vec![":", "-", " : ", " - "]),
            year in prop::option::of(1950u32..2100),
        ) {
            let year_text = year.map(|y| format!("{separator}{y}")).unwrap_or_default();
            let input = format!("{body} {}{number}{year_text}", letter.unwrap_or(""));
            let parsed = InternationalCode::parse(&input).ok_or_else(|| TestCaseError::fail(input.clone()))?;
            prop_assert_eq!(parsed.year, year);
            let reparsed = InternationalCode::parse(&parsed.to_string()).ok_or_else(|| TestCaseError::fail(parsed.to_string()))?;
            prop_assert_eq!(reparsed.key(), parsed.key());
            prop_assert_eq!(reparsed.to_string(), parsed.to_string());
        }
    }
}
