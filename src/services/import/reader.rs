//! Reading catalogue files: JSON Lines and CSV, each row with the line it came from.

use std::path::Path;

use serde_json::{Map, Value};

use super::record::{INTEGER_KEYS, ImportRecord, LIST_KEYS};

/// The formats `tieuchuan import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    JsonLines,
    Csv,
}

impl FileFormat {
    /// The format a file name implies: `.csv` is CSV, `.jsonl`, `.ndjson` and `.json` are JSON Lines.
    pub fn from_path(path: &Path) -> Option<FileFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(FileFormat::Csv),
            "jsonl" | "ndjson" | "json" => Some(FileFormat::JsonLines),
            _ => None,
        }
    }
}

/// A row of a file: the line it starts on, and the record or why it could not be read.
#[derive(Debug, Clone)]
pub struct SourceRow {
    pub line: u64,
    pub record: Result<ImportRecord, String>,
}

/// Reads every row of a file's text; a file without a single record is refused (it is the
/// wrong file, not an import of nothing).
pub fn read_rows(text: &str, format: FileFormat) -> Result<Vec<SourceRow>, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let rows = match format {
        FileFormat::JsonLines => read_json_lines(text),
        FileFormat::Csv => read_csv(text)?,
    };
    if rows.is_empty() {
        return Err("the file holds no records".into());
    }
    Ok(rows)
}

fn read_json_lines(text: &str) -> Vec<SourceRow> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| SourceRow {
            line: index as u64 + 1,
            record: serde_json::from_str::<ImportRecord>(line).map_err(|e| describe_json_error(&e)),
        })
        .collect()
}

fn read_csv(text: &str) -> Result<Vec<SourceRow>, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("the CSV header cannot be read: {e}"))?.clone();
    if headers.iter().all(|header| header.trim().is_empty()) {
        return Err("the file holds no records".into());
    }
    if !headers.iter().any(|header| header.trim() == "code") {
        let shown: Vec<&str> = headers.iter().take(8).collect();
        return Err(format!("the CSV header has no `code` column (it has: {})", shown.join(", ")));
    }
    let mut rows = Vec::new();
    for result in reader.records() {
        let row = match result {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                let object = csv_object(&headers, &record);
                SourceRow {
                    line,
                    record: serde_json::from_value::<ImportRecord>(Value::Object(object))
                        .map_err(|e| describe_json_error(&e)),
                }
            }
            Err(error) => SourceRow {
                line: error.position().map_or(0, |p| p.line()),
                record: Err(format!("malformed CSV: {error}")),
            },
        };
        rows.push(row);
    }
    Ok(rows)
}

/// Turns one CSV row into the same JSON object a JSON Lines file would hold.
fn csv_object(headers: &csv::StringRecord, record: &csv::StringRecord) -> Map<String, Value> {
    let mut object = Map::new();
    for (header, cell) in headers.iter().zip(record.iter()) {
        let key = header.trim().to_string();
        let value = if cell.is_empty() {
            if LIST_KEYS.contains(&key.as_str()) { Value::Array(Vec::new()) } else { Value::Null }
        } else if LIST_KEYS.contains(&key.as_str()) {
            Value::Array(cell.split(';').map(|s| Value::String(s.trim().to_string())).collect())
        } else if INTEGER_KEYS.contains(&key.as_str()) {
            cell.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(cell.to_string()))
        } else {
            Value::String(cell.to_string())
        };
        object.insert(key, value);
    }
    object
}

/// serde_json's message without its position, which is the row's and already reported.
fn describe_json_error(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(position) => message[..position].to_string(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lists_and_numbers_become_json_values() {
        let text = "code,title_vi,year,replaces\nTCVN 5574:2018,Kết cấu,2018,TCVN 5574:2012; TCVN 5574:1991\n";
        let rows = read_rows(text, FileFormat::Csv).expect("csv reads");
        let record = rows[0].record.clone().expect("row parses");
        assert_eq!(rows[0].line, 2);
        assert_eq!(record.year, Some(2018));
        assert_eq!(record.replaces, vec!["TCVN 5574:2012", "TCVN 5574:1991"]);
    }

    #[test]
    fn unknown_columns_and_bad_json_are_row_errors_with_lines() {
        let text = "{\"code\":\"TCVN 1:2000\",\"title_vi\":\"a\"}\n\n{\"code\": \n{\"cod\":\"x\"}\n";
        let rows = read_rows(text, FileFormat::JsonLines).expect("jsonl reads");
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![1, 3, 4]);
        assert!(rows[0].record.is_ok());
        assert!(rows[1].record.is_err());
        assert!(rows[2].record.as_ref().expect_err("unknown field").contains("cod"));
    }
}
