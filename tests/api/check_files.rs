//! Checking a dossier's file (#16): `POST /api/v1/checks/files` reads a PDF, DOCX, XLSX or text
//! file, made here as such files are made, and refuses what it cannot read in the envelope.

use std::io::Write;

use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};
use crate::pdf_helpers::pdf_with_pages;

async fn check_file(app: &TestApp, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()))
        .text("as_of", "2026-12-01");
    let response =
        app.client.post(format!("{}/api/v1/checks/files", app.address)).multipart(form).send().await.expect("check");
    (response.status().as_u16(), response.json().await.unwrap_or_default())
}

fn checked(report: &Value) -> Vec<(String, String)> {
    report["checked"]
        .as_array()
        .expect("checked")
        .iter()
        .map(|c| {
            (c["code"].as_str().unwrap_or_default().to_string(), c["outcome"].as_str().unwrap_or_default().to_string())
        })
        .collect()
}

/// A ZIP archive of these files, as Office writes its documents.
fn archive(files: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).expect("entry");
        zip.write_all(content.as_bytes()).expect("write");
    }
    zip.finish().expect("archive").into_inner()
}

fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let body: String =
        paragraphs.iter().map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>")).collect();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    archive(&[
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>",
        ),
        ("word/document.xml", &document),
    ])
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let cells: String = rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let cells: String = row
                .iter()
                .enumerate()
                .map(|(c, v)| {
                    format!("<c r=\"{}{}\" t=\"inlineStr\"><is><t>{v}</t></is></c>", (b'A' + c as u8) as char, r + 1)
                })
                .collect();
            format!("<row r=\"{}\">{cells}</row>", r + 1)
        })
        .collect();
    let sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{cells}</sheetData></worksheet>"
    );
    archive(&[
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>",
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>",
        ),
        (
            "xl/workbook.xml",
            "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Danh mục\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
        ),
        (
            "xl/_rels/workbook.xml.rels",
            "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>",
        ),
        ("xl/worksheets/sheet1.xml", &sheet),
    ])
}

#[tokio::test]
async fn the_codes_in_a_docx_an_xlsx_a_pdf_and_a_text_file_are_checked() {
    let app = spawn_app().await;
    let (status, report) = check_file(
        &app,
        "thuyet-minh.docx",
        docx(&["Thiết kế tuân thủ QCVN 06:2021/BXD &amp; QCVN 10:2014/BXD.", "Kết cấu theo TCVN 5574:2018."]),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        checked(&report),
        vec![
            ("QCVN 06:2021/BXD".to_string(), "replaced".to_string()),
            ("QCVN 10:2014/BXD".to_string(), "replaced".to_string()),
            ("TCVN 5574:2018".to_string(), "unknown_status".to_string()),
        ]
    );

    let (status, report) = check_file(
        &app,
        "danh-muc.xlsx",
        xlsx(&[&["STT", "Mã hiệu"], &["1", "QCVN 01:2021/BXD"], &["2", "ISO 9001:2015"]]),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        checked(&report),
        vec![
            ("QCVN 01:2021/BXD".to_string(), "in_force".to_string()),
            ("ISO 9001:2015".to_string(), "international".to_string()),
        ]
    );

    let (status, report) = check_file(&app, "bao-cao.pdf", pdf_with_pages(&["Thu nghiem theo QCVN 06:2022/BXD"])).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(checked(&report)[0].0, "QCVN 06:2022/BXD");

    let (status, report) = check_file(&app, "list.txt", "QCVN 01, 02 và 03:2019/BYT".as_bytes().to_vec()).await;
    assert_eq!((status, report["codes"].as_u64()), (200, Some(3)), "{report}");
}

#[tokio::test]
async fn files_that_cannot_be_read_are_refused_and_nothing_is_kept() {
    let app = spawn_app().await;
    let other_archive = archive(&[("README.md", "QCVN 06:2022/BXD")]);
    let (status, answer) = check_file(&app, "archive.zip", other_archive).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (415, Some("unsupported_media_type")), "{answer}");
    let (status, answer) = check_file(&app, "broken.docx", b"PK\x03\x04 not really a zip".to_vec()).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (422, Some("unreadable_file")), "{answer}");
    let (status, answer) = check_file(&app, "binary.bin", vec![0, 159, 146, 150, 0, 1]).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (422, Some("unreadable_file")), "{answer}");
    let (status, answer) = check_file(&app, "broken.pdf", b"%PDF-1.7 nothing after".to_vec()).await;
    assert!((400..500).contains(&status), "{status} {answer}");
    // A document that unpacks far beyond what it weighs is measured, not opened.
    let bomb = {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", options).expect("entry");
        let block = vec![b' '; 1024 * 1024];
        for _ in 0..120 {
            zip.write_all(&block).expect("write");
        }
        zip.finish().expect("archive").into_inner()
    };
    assert!(bomb.len() < 1024 * 1024, "the bomb is small: {}", bomb.len());
    let (status, answer) = check_file(&app, "bomb.docx", bomb).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (422, Some("unreadable_file")), "{answer}");
    // Nothing checked is stored: the catalogue and its log are as they were.
    let (_, listed) = app.get_json("/api/v1/standards?per_page=1").await;
    assert_eq!(listed["total"].as_u64(), Some(crate::helpers::seed_records() as u64));
}
