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

/// Whether the text carries any Vietnamese diacritic (a mark or the letter đ).
pub fn has_diacritics(text: &str) -> bool {
    fold_diacritics(text) != normalize(text)
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
