//! Texts on a mirror: a restricted text the mirror has not kept yet is fetched from the upstream
//! with the mirror's credential the first time an entitled official reads it (entitlement decided
//! here first, by the policy, so that nobody else makes the mirror fetch), checked against the
//! hash the upstream gives, extracted and kept like a public one.

use super::{Texts, entitled};
use crate::auth::Caller;
use crate::error::AppError;
use crate::services::{catalogue, with_connection};

impl Texts {
    /// On a mirror, makes sure the text's bytes are here before it is read; elsewhere nothing.
    pub(super) async fn ensure_kept(&self, caller: &Caller, reference: &str, document_id: i64) -> Result<(), AppError> {
        let Some(link) = &self.upstream else { return Ok(()) };
        let (reference, who, store) = (reference.to_string(), caller.clone(), self.storage.store.clone());
        let missing = with_connection(&self.pool, move |conn| {
            let standard = catalogue::resolve(conn, &reference)?;
            let document = entitled(conn, &who, &standard, document_id)?;
            let kept = store.has(conn, &document.sha256).map_err(|e| AppError::NotReady(e.to_string()))?;
            Ok((!kept).then_some(document))
        })
        .await?;
        let Some(document) = missing else { return Ok(()) };
        let fetched = link.text(document.id).await?;
        tracing::info!(text = document.id, "a text was fetched from the upstream for an official's first read");
        if !crate::mirror::texts::keep(&self.pool, &self.storage, document, fetched.sha256, fetched.bytes).await? {
            return Err(AppError::unprocessable(
                crate::error::ErrorCode::UnreadableText,
                "the national library's file of this text cannot be read on this mirror",
            ));
        }
        Ok(())
    }
}
