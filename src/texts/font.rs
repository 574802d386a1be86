//! Embedding a subset of DejaVu Sans into a PDF as a Type0/CIDFontType2 font (Identity-H, with
//! a ToUnicode map), so that Vietnamese text renders and can be copied or extracted again.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use subsetter::GlyphRemapper;

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts/DejaVu-LICENSE.txt`): every
/// Vietnamese letter.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BASE_FONT: &str = "TCSTMP+DejaVuSans";

/// Why a font could not be embedded.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("the embedded font cannot be read: {0}")]
    Parse(String),
    #[error("the font has no glyph for `{0}`")]
    MissingGlyph(char),
    #[error("the font cannot be subset: {0}")]
    Subset(String),
}

/// A font embedded in a document, able to encode the characters it was made for.
pub struct EmbeddedFont {
    pub font_id: ObjectId,
    glyphs: BTreeMap<char, u16>,
}

impl EmbeddedFont {
    /// The text as a hexadecimal PDF string of two-byte glyph ids, ready for `Tj` in a content
    /// stream (`<00120045>`). Characters the font was not made for are left out.
    pub fn encode(&self, text: &str) -> String {
        let hex: String = text.chars().filter_map(|c| self.glyphs.get(&c)).map(|gid| format!("{gid:04X}")).collect();
        format!("<{hex}>")
    }
}

/// Embeds the subset of the font needed for `text` into `doc`.
pub fn embed(doc: &mut Document, text: &str) -> Result<EmbeddedFont, FontError> {
    let face = ttf_parser::Face::parse(FONT, 0).map_err(|e| FontError::Parse(e.to_string()))?;
    let mut chars: Vec<char> = text.chars().collect();
    chars.sort_unstable();
    chars.dedup();
    let mut originals = BTreeMap::new();
    for c in &chars {
        let gid = face.glyph_index(*c).ok_or(FontError::MissingGlyph(*c))?;
        originals.insert(*c, gid.0);
    }
    let mut remapper = GlyphRemapper::new();
    let glyphs: BTreeMap<char, u16> = originals.iter().map(|(c, gid)| (*c, remapper.remap(*gid))).collect();
    let subset = subsetter::subset(FONT, 0, &remapper).map_err(|e| FontError::Subset(format!("{e:?}")))?;
    let scale = 1000.0 / f32::from(face.units_per_em());
    let width = |old: u16| face.glyph_hor_advance(ttf_parser::GlyphId(old)).map_or(500.0, |w| f32::from(w) * scale);
    let mut widths = Vec::new();
    for (c, new) in &glyphs {
        widths.push(Object::Integer(i64::from(*new)));
        widths.push(Object::Array(vec![Object::Real(width(originals[c]))]));
    }
    let bbox = face.global_bounding_box();
    let font_file =
        doc.add_object(Stream::new(Dictionary::from_iter([("Length1", Object::Integer(subset.len() as i64))]), subset));
    let descriptor = doc.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"FontDescriptor".to_vec())),
        ("FontName", Object::Name(BASE_FONT.as_bytes().to_vec())),
        ("Flags", Object::Integer(32)),
        (
            "FontBBox",
            Object::Array(
                [bbox.x_min, bbox.y_min, bbox.x_max, bbox.y_max]
                    .iter()
                    .map(|v| Object::Real(f32::from(*v) * scale))
                    .collect(),
            ),
        ),
        ("ItalicAngle", Object::Integer(0)),
        ("Ascent", Object::Real(f32::from(face.ascender()) * scale)),
        ("Descent", Object::Real(f32::from(face.descender()) * scale)),
        ("CapHeight", Object::Real(f32::from(face.capital_height().unwrap_or(face.ascender())) * scale)),
        ("StemV", Object::Integer(80)),
        ("FontFile2", Object::Reference(font_file)),
    ]));
    let cid_font = doc.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"CIDFontType2".to_vec())),
        ("BaseFont", Object::Name(BASE_FONT.as_bytes().to_vec())),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter([
                ("Registry", Object::string_literal("Adobe")),
                ("Ordering", Object::string_literal("Identity")),
                ("Supplement", Object::Integer(0)),
            ])),
        ),
        ("FontDescriptor", Object::Reference(descriptor)),
        ("W", Object::Array(widths)),
        ("CIDToGIDMap", Object::Name(b"Identity".to_vec())),
    ]));
    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), to_unicode_cmap(&glyphs).into_bytes()));
    let font_id = doc.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"Type0".to_vec())),
        ("BaseFont", Object::Name(BASE_FONT.as_bytes().to_vec())),
        ("Encoding", Object::Name(b"Identity-H".to_vec())),
        ("DescendantFonts", Object::Array(vec![Object::Reference(cid_font)])),
        ("ToUnicode", Object::Reference(to_unicode)),
    ]));
    Ok(EmbeddedFont { font_id, glyphs })
}

/// The map from glyph ids back to Unicode, so that readers can copy and search the text.
fn to_unicode_cmap(glyphs: &BTreeMap<char, u16>) -> String {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&char, &u16)> = glyphs.iter().collect();
    for chunk in entries.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (c, gid) in chunk {
            let utf16: String = c.encode_utf16(&mut [0u16; 2]).iter().map(|u| format!("{u:04X}")).collect();
            cmap.push_str(&format!("<{gid:04X}> <{utf16}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}
