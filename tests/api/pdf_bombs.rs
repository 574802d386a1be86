//! PDFs built to exhaust the service: streams that inflate far beyond their size, pages whose
//! text is megabytes, forms that draw themselves. Each is refused with 422 and leaves nothing.

use crate::helpers::spawn_app;
use crate::pdf_helpers::{pdf_repeating, pdf_with_a_form_that_draws_itself, pdf_with_compressed_content};
use crate::texts::{admin, upload};

#[tokio::test]
async fn pdfs_that_inflate_beyond_the_limits_are_refused_and_leave_nothing() {
    let app = spawn_app().await;
    let token = admin(&app);
    // 48 MiB of spaces in one stream, about 50 KB compressed.
    let spaces = pdf_with_compressed_content(&vec![b' '; 48 << 20]);
    assert!(spaces.len() < 200_000, "{} bytes", spaces.len());
    // Two megabytes of text on one page, a few kilobytes compressed.
    let wordy = pdf_repeating("Bê tông cốt thép ", 120_000);
    assert!(wordy.len() < 100_000, "{} bytes", wordy.len());
    let looping = pdf_with_a_form_that_draws_itself();
    for (name, bytes) in [("spaces.pdf", spaces), ("wordy.pdf", wordy), ("looping.pdf", looping)] {
        let (status, body) = upload(&app, &token, "TCVN 5574:2018", name, bytes, None).await;
        assert_eq!(status, 422, "{name}: {body}");
        assert_eq!(body["error"]["code"], "pdf_over_limits", "{name}: {body}");
    }
    let (_, detail) = app.get_standard("tcvn-5574-2018").await;
    assert_eq!(detail["documents"], serde_json::json!([]), "nothing was stored");
    assert_eq!(app.get_json("/healthz").await.0, 200, "the service is still up");
}
