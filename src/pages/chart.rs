//! Bar charts as server-rendered SVG: no JavaScript, no external library, readable by screen
//! readers through a title and a description of every bar.

use crate::search::highlight::escape;

/// A horizontal bar chart of labelled values; `empty` says so when there is nothing to draw.
pub fn bars(title: &str, rows: &[(String, u64)], empty: &str) -> String {
    if rows.is_empty() {
        return format!(r#"<p class="reason">{}</p>"#, escape(empty));
    }
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let (bar_height, gap, label_width, width) = (18u64, 6u64, 220u64, 640u64);
    let height = (rows.len() as u64).max(1) * (bar_height + gap) + gap;
    let mut svg = format!(
        r#"<svg role="img" viewBox="0 0 {width} {height}" width="100%" aria-labelledby="chart-title"><title id="chart-title">{}</title>"#,
        escape(title)
    );
    for (index, (label, value)) in rows.iter().enumerate() {
        let y = gap + index as u64 * (bar_height + gap);
        let length = (width - label_width - 60) * value / max;
        svg.push_str(&format!(
            r##"<g><title>{label}: {value}</title><text x="{lx}" y="{ty}" font-size="12" text-anchor="end" fill="#1b1b1b">{label}</text><rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" fill="#0b4f8a"/><text x="{vx}" y="{ty}" font-size="12" fill="#1b1b1b">{value}</text></g>"##,
            label = escape(&truncate(label, 32)),
            lx = label_width - 6,
            ty = y + 13,
            vx = label_width + length + 6,
        ));
    }
    svg.push_str("</svg>");
    svg
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let svg = bars("Đọc theo ngày", &[("<b>x</b>".into(), 10), ("2026-11-02".into(), 5)], "—");
        assert!(svg.starts_with("<svg") && svg.contains("&lt;b&gt;x&lt;/b&gt;") && !svg.contains("<b>"));
        assert!(svg.contains(r#"width="360""#) && svg.contains(r#"width="180""#), "{svg}");
        assert_eq!(bars("x", &[], "Chưa có"), r#"<p class="reason">Chưa có</p>"#);
    }
}
