//! Unit tests of the citation finder: the seven real texts' normative references, running text,
//! ranges, and garbage.

use super::{Citation, find};
use crate::domain::reference::tests::{references_clause, shipped_text};

fn written(text: &str) -> Vec<String> {
    find(text).into_iter().map(|c| c.reference.to_string()).collect()
}

#[test]
fn codes_in_running_text_are_found_as_written_and_where_they_stand() {
    let text =
        "Theo QCVN 06:2022/BXD và TCVN 5574:2018, cửa thử theo ISO 834-10 hoặc EN 15727; xem thêm 22 TCN 272-05.";
    let found = find(text);
    let shown: Vec<&str> = found.iter().map(|c| c.written.as_str()).collect();
    assert_eq!(shown, vec!["QCVN 06:2022/BXD", "TCVN 5574:2018", "ISO 834-10", "EN 15727", "22 TCN 272-05"]);
    for citation in &found {
        assert_eq!(&text[citation.start..citation.end], citation.written);
    }
    assert_eq!(found[4].reference.to_string(), "22 TCN 272:2005");
}

#[test]
fn a_title_glued_to_the_code_is_not_part_of_it() {
    assert_eq!(written("QCVN 01-1:2018/BYT-Quy chuẩn kỹ thuật quốc gia"), vec!["QCVN 01-1:2018/BYT"]);
    assert_eq!(written("TCVN 6396-72:2010,Yêu cầu an toàn"), vec!["TCVN 6396-72:2010"]);
    assert_eq!(written("QCVN 10:2025/BCA Quy chuẩn kỹ thuật"), vec!["QCVN 10:2025/BCA"]);
    assert_eq!(written("| ASHRAE 90.1 - 2016 | Energy standard"), vec!["ASHRAE 90.1:2016"]);
    assert_eq!(written("(xem QCVN 10 về nhà)"), vec!["QCVN 10"], "`về` is a word, not an issuer");
}

#[test]
fn amendments_and_the_older_families_are_whole_codes() {
    assert_eq!(written("Sửa đổi 1:2023 QCVN 06:2022/BXD có hiệu lực"), vec!["Sửa đổi 1:2023 QCVN 06:2022/BXD"]);
    assert_eq!(written("QCXDVN 05:2008/BXD. Yêu cầu"), vec!["QCXDVN 05:2008/BXD"]);
    assert_eq!(written("thay TCXDVN 356:2005 bằng"), vec!["TCXDVN 356:2005"]);
}

#[test]
fn a_range_of_parts_names_each_part() {
    let found = find("Thử nghiệm theo TCVN 9311-1 ÷ 8 và TCVN 9310-4.");
    let codes: Vec<String> = found.iter().map(|c| c.reference.to_string()).collect();
    let mut expected: Vec<String> = (1..=8).map(|part| format!("TCVN 9311-{part}")).collect();
    expected.push("TCVN 9310-4".into());
    assert_eq!(codes, expected);
    assert!(!found[0].from_list && found[1].from_list && !found[8].from_list);
    assert_eq!(written("TCVN 9311-3 ÷ 2"), vec!["TCVN 9311-3"], "a backwards range is not read");
    assert_eq!(written("TCVN 9311-1 đến 4").len(), 4);
}

#[test]
fn a_list_sharing_its_last_members_year_and_issuer_names_each_member() {
    assert_eq!(
        written("theo QCVN 01, 02 và 03:2019/BYT về nước"),
        vec!["QCVN 01:2019/BYT", "QCVN 02:2019/BYT", "QCVN 03:2019/BYT"]
    );
    assert_eq!(
        written("TCVN 7447-4-41, 7447-4-42 và 7447-4-43:2010"),
        vec!["TCVN 7447-4-41:2010", "TCVN 7447-4-42:2010", "TCVN 7447-4-43:2010"]
    );
    // A dated first member is its own code; what follows is not read as its list.
    assert_eq!(written("QCVN 06:2022/BXD, 02 và 03:2019/BYT"), vec!["QCVN 06:2022/BXD"]);
    // An unknown issuer makes the list unreadable: the first code stays as written.
    assert_eq!(written("QCVN 01, 02 và 03:2019/XYZ"), vec!["QCVN 01"]);
}

#[test]
fn words_that_only_look_like_codes_are_not_citations() {
    for text in ["", "nước thải sinh hoạt", "ISO", "TCVN", "tcvn là tiêu chuẩn quốc gia", "ASA 123", "the iso 9001 way"]
    {
        assert_eq!(find(text), Vec::<Citation>::new(), "{text:?}");
    }
}

#[test]
fn the_seven_texts_normative_references_are_all_found() {
    let mut counts = Vec::new();
    for name in [
        "QCVN-01-2021-BXD",
        "QCVN-04-2021-BXD",
        "QCVN-06-2022-BXD",
        "QCVN-09-2017-BXD",
        "QCVN-10-2024-BXD",
        "QCVN-13-2018-BXD",
        "QCVN-32-2026-BXD",
    ] {
        let text = shipped_text(name);
        counts.push(find(&references_clause(&text).join("\n")).len());
    }
    // The same 75 codes `reference_tests` cuts out of each entry by hand: the finder needs no layout
    // (lists, `-Quy` glued titles, table cells, codes in parentheses and inside titles).
    assert_eq!(counts, vec![12, 15, 16, 28, 3, 0, 1]);
}

mod properties {
    use proptest::prelude::*;

    use super::find;

    proptest! {
        #[test]
        fn any_text_gives_citations_that_stand_where_they_say(text in any::<String>()) {
            for citation in find(&text) {
                prop_assert_eq!(&text[citation.start..citation.end], citation.written.as_str());
            }
        }

        #[test]
        fn a_code_between_words_is_found_as_itself(
            before in "[a-zà-ỹ ]{0,20}",
            code in prop::sample::select(vec!["QCVN 06:2022/BXD", "TCVN 5574:2018", "ISO/IEC 17025:2017", "22 TCN 272:2005", "QCXDVN 05:2008/BXD"]),
            after in prop::sample::select(vec!["", ", quy định", " về nhà", ". Tiếp", ";"]),
        ) {
            let text = format!("{before} {code}{after}");
            let found = find(&text);
            prop_assert_eq!(found.len(), 1, "{}", text);
            prop_assert_eq!(found[0].reference.to_string(), code);
        }
    }
}

#[test]
fn the_bodies_cite_what_their_readers_look_for() {
    let cited =
        |name: &str| -> Vec<String> { find(&shipped_text(name)).into_iter().map(|c| c.reference.key()).collect() };
    let fire = cited("QCVN-06-2022-BXD");
    for key in ["iso 834-10", "en 15727", "nfpa 5000", "iso 1182", "tcvn 5574:2018"] {
        assert!(fire.iter().any(|k| k == key), "QCVN 06:2022/BXD cites {key}");
    }
    // QCVN 04:2021/BXD cites an edition of QCVN 06 since replaced, and spells QTĐ 8 two ways.
    let flats = cited("QCVN-04-2021-BXD");
    assert!(flats.iter().any(|k| k == "qcvn 6:2021/bxd"));
    assert!(flats.iter().filter(|k| *k == "qcvn qtd 8:2010/bct").count() >= 2);
    // A code split by a stray space (`QCVN 07- 1:2016/BXD`) is still one code.
    assert!(cited("QCVN-01-2021-BXD").iter().any(|k| k == "qcvn 7-1:2016/bxd"));
}
