//! A deterministic synthetic catalogue for benchmarks (`tieuchuan gen-corpus`): the 944 real
//! records, plus N standards whose titles recombine real titles and whose bodies (~30 KB) are
//! runs of the real QCVN 06:2022/BXD text; and a fixed mixed query set drawn from the same words.

mod queries;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use serde_json::{Map, Value, json};

use crate::domain::CanonicalCode;
use crate::services::import::SEED_CATALOGUE;

pub use queries::BenchQuery;

/// The real text bodies are drawn from (a published regulation, outside copyright).
pub const QCVN_06_TEXT: &str = include_str!("../../standards-data/texts/QCVN-06-2022-BXD.md");
const QCVN_06_CODE: &str = "QCVN 06:2022/BXD";

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct CorpusSpec {
    /// Synthetic standards, besides the real ones.
    pub docs: usize,
    pub seed: u64,
    /// The size each body grows to (it stops at the first block past it).
    pub body_bytes: usize,
    /// Queries in `queries.jsonl`.
    pub queries: usize,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct CorpusSummary {
    pub records: usize,
    pub texts: usize,
    pub text_bytes: u64,
    pub queries: usize,
}

/// A standard of the corpus as the query set needs it.
struct Entry {
    code: String,
    title: String,
}

/// Writes `catalogue.jsonl`, `texts/*.md` and `queries.jsonl` into `out`.
pub fn generate(spec: &CorpusSpec, out: &Path, progress: &mut dyn FnMut()) -> io::Result<CorpusSummary> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(spec.seed);
    let real = real_records()?;
    if real.is_empty() {
        return Err(io::Error::other("the embedded catalogue is empty: nothing to recombine"));
    }
    let blocks: Vec<&str> = QCVN_06_TEXT.split("\n\n").map(str::trim).filter(|b| !b.is_empty()).collect();
    fs::create_dir_all(out.join("texts"))?;
    let mut catalogue = BufWriter::new(File::create(out.join("catalogue.jsonl"))?);
    let mut summary = CorpusSummary::default();
    let mut entries = Vec::with_capacity(real.len() + spec.docs);
    for record in &real {
        let mut record = record.clone();
        let code = string(&record, "code");
        if code == QCVN_06_CODE {
            fs::write(out.join("texts/qcvn-06-2022-bxd.md"), QCVN_06_TEXT)?;
            record.insert("text_file".into(), json!("texts/qcvn-06-2022-bxd.md"));
            summary.texts += 1;
            summary.text_bytes += QCVN_06_TEXT.len() as u64;
        }
        entries.push(Entry { code, title: string(&record, "title_vi") });
        writeln!(catalogue, "{}", Value::Object(record))?;
    }
    let issuers: Vec<String> = real.iter().filter_map(|r| r.get("issuer_code")?.as_str().map(String::from)).collect();
    for i in 0..spec.docs {
        let record = synthetic_record(&mut rng, i, &real, &issuers, spec.seed);
        let code = string(&record, "code");
        let title = string(&record, "title_vi");
        let body = body(&mut rng, &title, &blocks, spec.body_bytes);
        fs::write(out.join(string(&record, "text_file")), &body)?;
        summary.texts += 1;
        summary.text_bytes += body.len() as u64;
        writeln!(catalogue, "{}", Value::Object(record))?;
        entries.push(Entry { code, title });
        progress();
    }
    catalogue.flush()?;
    summary.records = entries.len();
    let queries = queries::mixed(&mut rng, &entries, &blocks, spec.queries);
    let mut file = BufWriter::new(File::create(out.join("queries.jsonl"))?);
    for query in &queries {
        writeln!(file, "{}", serde_json::to_string(query).map_err(io::Error::other)?)?;
    }
    file.flush()?;
    summary.queries = queries.len();
    Ok(summary)
}

fn real_records() -> io::Result<Vec<Map<String, Value>>> {
    SEED_CATALOGUE
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| match serde_json::from_str(line) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(io::Error::other("the embedded catalogue has a line that is not an object")),
        })
        .collect()
}

fn string(record: &Map<String, Value>, key: &str) -> String {
    record.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// A standard numbered above every real one (TCVN 20000 + i, parts of TCVN 20000 + i/4,
/// QCVN 200 + i), with a recombined title and the field, ICS and issuer of a real standard.
fn synthetic_record(
    rng: &mut Xoshiro256PlusPlus,
    i: usize,
    real: &[Map<String, Value>],
    issuers: &[String],
    seed: u64,
) -> Map<String, Value> {
    let (first, second) = (real.choose(rng), real.choose(rng));
    let (Some(first), Some(second)) = (first, second) else {
        return Map::new();
    };
    let title = recombined_title(&string(first, "title_vi"), &string(second, "title_vi"));
    let code = if rng.random_bool(0.25) {
        let issuer = issuers.choose(rng).map_or("BKHCN", String::as_str);
        format!("QCVN {}:{}/{issuer}", 200 + i, rng.random_range(2008..=2025))
    } else if rng.random_bool(0.3) {
        format!("TCVN {}-{}:{}", 20_000 + i / 4, i % 4 + 1, rng.random_range(1995..=2025))
    } else {
        format!("TCVN {}:{}", 20_000 + i, rng.random_range(1995..=2025))
    };
    let slug = CanonicalCode::parse(&code).map(|c| c.slug()).unwrap_or_else(|_| format!("synthetic-{i}"));
    let status = *["in_force", "in_force", "in_force", "in_force", "replaced", "expired", "unknown", "amended"]
        .choose(rng)
        .unwrap_or(&"in_force");
    let mut record = Map::new();
    record.insert("code".into(), json!(code));
    record.insert("title_vi".into(), json!(title));
    record.insert("status".into(), json!(status));
    for key in ["field", "ics"] {
        if let Some(value) = first.get(key).filter(|v| !v.is_null()) {
            record.insert(key.into(), value.clone());
        }
    }
    record.insert("source".into(), json!(format!("synthetic: tieuchuan gen-corpus --seed {seed}")));
    record.insert("note".into(), json!("Bản ghi tổng hợp để đo hiệu năng, không phải tiêu chuẩn thật."));
    record.insert("text_file".into(), json!(format!("texts/{slug}.md")));
    // Public, so that an anonymous benchmark client searches every body, as its peers do.
    record.insert("access_level".into(), json!("public"));
    record
}

/// The head of one real title with the tail of another, split at a dash when both have one,
/// otherwise at the middle word.
fn recombined_title(first: &str, second: &str) -> String {
    fn split(title: &str) -> Option<(&str, &str)> {
        title.split_once(" - ").or_else(|| title.split_once(" – ")).map(|(h, t)| (h.trim(), t.trim()))
    }
    if let (Some((head, _)), Some((_, tail))) = (split(first), split(second)) {
        return format!("{head} - {tail}");
    }
    let a: Vec<&str> = first.split_whitespace().collect();
    let b: Vec<&str> = second.split_whitespace().collect();
    let mut words: Vec<&str> = a[..a.len().div_ceil(2)].to_vec();
    words.extend_from_slice(&b[b.len() / 2..]);
    words.join(" ")
}

/// A title heading, then runs of consecutive blocks of the real text from random places.
fn body(rng: &mut Xoshiro256PlusPlus, title: &str, blocks: &[&str], size: usize) -> String {
    let mut body = format!("# {title}\n\n");
    while body.len() < size && !blocks.is_empty() {
        let start = rng.random_range(0..blocks.len());
        let run = rng.random_range(5..40);
        for block in blocks.iter().skip(start).take(run) {
            body.push_str(block);
            body.push_str("\n\n");
            if body.len() >= size {
                break;
            }
        }
    }
    body
}
