//! `results.svg`: for the large corpus, queries per second (log scale) and p50 latency of every
//! engine at each client count, as horizontal bars.

use std::fmt::Write as _;

use crate::run::Results;

const WIDTH: f64 = 760.0;
const LABEL: f64 = 230.0;
const BAR: f64 = 18.0;

/// The chart, or a note that there is nothing to draw.
pub fn svg(r: &Results) -> String {
    let Some(large) = r.sizes.last() else {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".into();
    };
    let mut rows: Vec<(String, f64, f64)> = Vec::new();
    for f in &large.service.http {
        rows.push((format!("tieuchuan HTTP, {} client(s)", f.concurrency), f.per_second, f.p50_ms));
    }
    for peer in &large.peers {
        for f in &peer.load {
            rows.push((format!("{}, {} client(s)", peer.engine, f.concurrency), f.per_second, f.p50_ms));
        }
    }
    let panel = rows.len() as f64 * (BAR + 6.0) + 40.0;
    let height = panel * 2.0 + 20.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    let panels = [
        (format!("Queries per second, {} standards (log scale, higher is better)", large.standards), true),
        (format!("p50 latency in ms, {} standards (log scale, lower is better)", large.standards), false),
    ];
    for (index, (title, throughput)) in panels.iter().enumerate() {
        let top = index as f64 * panel + 10.0;
        let _ = writeln!(svg, "<text x=\"10\" y=\"{}\" font-weight=\"bold\">{title}</text>", top + 14.0);
        let values: Vec<f64> = rows.iter().map(|(_, qps, p50)| if *throughput { *qps } else { *p50 }).collect();
        let max = values.iter().copied().fold(1.0_f64, f64::max);
        let min = values.iter().copied().filter(|v| *v > 0.0).fold(max, f64::min).min(1.0);
        let span = (max / min).log10().max(1e-9);
        for (i, ((label, _, _), value)) in rows.iter().zip(&values).enumerate() {
            let y = top + 28.0 + i as f64 * (BAR + 6.0);
            let width = ((value / min).log10() / span * (WIDTH - LABEL - 90.0)).max(2.0);
            let colour = if label.starts_with("tieuchuan") { "#1f6f43" } else { "#8a8f98" };
            let _ = writeln!(
                svg,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>\
                 <rect x=\"{LABEL}\" y=\"{y}\" width=\"{width:.1}\" height=\"{BAR}\" fill=\"{colour}\"/>\
                 <text x=\"{:.1}\" y=\"{}\">{value:.2}</text>",
                LABEL - 8.0,
                y + 13.0,
                LABEL + width + 6.0,
                y + 13.0
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}
