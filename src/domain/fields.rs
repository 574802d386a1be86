//! The fields of the catalogue (`fire_safety`, as records and filters spell them) and their names
//! in Vietnamese and English, as the pages show them.

/// Each field: its spelling, its Vietnamese name, its English name.
pub const FIELDS: &[(&str, &str, &str)] = &[
    ("construction", "Xây dựng", "Construction"),
    ("railway", "Đường sắt", "Railways"),
    ("agriculture_veterinary", "Nông nghiệp, thú y", "Agriculture and veterinary"),
    ("ict_telecom", "Công nghệ thông tin, viễn thông", "ICT and telecommunications"),
    ("fire_safety", "Phòng cháy, chữa cháy", "Fire safety"),
    ("maritime", "Hàng hải", "Maritime"),
    ("environment", "Môi trường", "Environment"),
    ("electrical", "Điện", "Electrical"),
    ("occupational_safety", "An toàn lao động", "Occupational safety"),
    ("health_water_food", "Y tế, nước, thực phẩm", "Health, water and food"),
    ("transport", "Giao thông vận tải", "Transport"),
    ("radiation_nuclear", "Bức xạ, hạt nhân", "Radiation and nuclear"),
    ("hydrometeorology_geodesy", "Khí tượng thủy văn, đo đạc", "Hydrometeorology and geodesy"),
    ("quality_management", "Quản lý chất lượng", "Quality management"),
    ("mining_explosives", "Khai khoáng, vật liệu nổ", "Mining and explosives"),
    ("metrology", "Đo lường", "Metrology"),
    ("energy_petroleum", "Năng lượng, dầu khí", "Energy and petroleum"),
    ("consumer_products", "Sản phẩm tiêu dùng", "Consumer products"),
    ("defense", "Quốc phòng", "Defence"),
];

/// The Vietnamese name of a field.
pub fn name_vi(field: &str) -> Option<&'static str> {
    FIELDS.iter().find(|(spelling, _, _)| *spelling == field).map(|(_, vi, _)| *vi)
}

/// The English name of a field.
pub fn name_en(field: &str) -> Option<&'static str> {
    FIELDS.iter().find(|(spelling, _, _)| *spelling == field).map(|(_, _, en)| *en)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_field_of_the_shipped_catalogue_has_names() {
        let catalogue = include_str!("../../standards-data/catalogue.jsonl");
        for line in catalogue.lines().filter(|l| !l.trim().is_empty()) {
            let record: serde_json::Value = serde_json::from_str(line).expect("a record");
            if let Some(field) = record["field"].as_str() {
                assert!(super::name_vi(field).is_some() && super::name_en(field).is_some(), "{field} has no name");
            }
        }
    }
}
