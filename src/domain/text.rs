//! Vietnamese text normalisation: NFC, the Icelandic-Ð confusion, and diacritic folding.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Composes text to NFC and replaces look-alike letters that real documents contain:
/// the Icelandic `Ð`/`ð` (U+00D0/U+00F0) typed for the Vietnamese `Đ`/`đ` (U+0110/U+0111).
pub fn normalize(text: &str) -> String {
    text.nfc()
        .map(|c| match c {
            '\u{00D0}' => 'Đ',
            '\u{00F0}' => 'đ',
            other => other,
        })
        .collect()
}

/// What a person typed, made plain before it is understood: compatibility forms folded (NFKC:
/// fullwidth `ＱＣＶＮ０６` is `QCVN06`, ligatures are letters), invisible format characters
/// removed (bidirectional controls such as U+202E, zero-width spaces and joiners, soft hyphens,
/// byte-order marks), then `normalize`.
pub fn normalize_typed(text: &str) -> String {
    let plain: String = text.nfkc().filter(|c| !is_format_character(*c)).collect();
    normalize(&plain)
}

/// Unicode format characters (category Cf) that can appear in pasted text.
fn is_format_character(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// Removes Vietnamese diacritics (`nước thải` → `nuoc thai`, `Đ` → `D`) and keeps case.
pub fn fold_diacritics(text: &str) -> String {
    normalize(text)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'Đ' => 'D',
            'đ' => 'd',
            other => other,
        })
        .collect()
}

/// Lowercase and without diacritics, one character for each character of the input, so that
/// character positions in the result are positions in the input (`Nước` → `nuoc`).
pub fn fold_char_for_char(text: &str) -> String {
    text.chars()
        .map(|c| {
            let base = match c {
                'Đ' | 'đ' | '\u{00D0}' | '\u{00F0}' => 'd',
                c if c.is_ascii() => c,
                c => {
                    let mut first = None;
                    unicode_normalization::char::decompose_canonical(c, |d| {
                        first.get_or_insert(d);
                    });
                    first.unwrap_or(c)
                }
            };
            base.to_lowercase().next().unwrap_or(base)
        })
        .collect()
}

/// Whether the text carries any Vietnamese diacritic (a mark or the letter đ).
pub fn has_diacritics(text: &str) -> bool {
    fold_diacritics(text) != normalize(text)
}

/// How usernames are compared, stored and counted: trimmed and lowercased, so that ` Victim`
/// is `victim` for sign-in, registration and the sign-in limits alike.
pub fn username_key(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// A text with its control characters escaped (`\n`, `\u{1b}`), for logs, stored events and
/// error messages that repeat what a client sent.
pub fn escape_controls(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

#[cfg(test)]
mod typed_tests {
    use super::normalize_typed;

    #[test]
    fn fullwidth_and_invisible_characters_are_made_plain() {
        assert_eq!(normalize_typed("ＱＣＶＮ　０６：２０２２／ＢＸＤ"), "QCVN 06:2022/BXD");
        assert_eq!(normalize_typed("\u{202E}QCVN 06\u{200B}:2022"), "QCVN 06:2022");
        assert_eq!(normalize_typed("nước\u{00AD}thải"), "nướcthải");
        assert_eq!(normalize_typed("Phòng cháy"), "Phòng cháy");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_every_vietnamese_letter_to_ascii() {
        assert_eq!(fold_diacritics("Nước thải Đường sắt ưởng"), "Nuoc thai Duong sat uong");
        assert_eq!(fold_diacritics("BLÐTBXH"), "BLDTBXH");
    }

    #[test]
    fn folding_char_for_char_keeps_positions() {
        let text = "Chiều cao PCCC của Nhà";
        let folded = fold_char_for_char(text);
        assert_eq!(folded, "chieu cao pccc cua nha");
        assert_eq!(folded.chars().count(), text.chars().count());
    }

    #[test]
    fn decomposed_input_is_composed() {
        let nfd: String = "nước".nfd().collect();
        assert_ne!(nfd, "nước");
        assert_eq!(normalize(&nfd), "nước");
    }

    #[test]
    fn icelandic_eth_becomes_vietnamese_d_with_stroke() {
        assert_eq!(normalize("BLÐTBXH"), "BLĐTBXH");
        assert!(has_diacritics("cấp"));
        assert!(!has_diacritics("cap"));
    }
}
