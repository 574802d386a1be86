//! The caller who may edit the catalogue, as an extractor: an upload or an import names it before
//! its body, so that a caller who may not edit is refused (401 or 403) before a byte of a file of
//! up to 64 MiB is read or held; on a mirror every caller is refused (409 `read_only_mirror`,
//! naming the upstream) first. The service methods still ask the policy themselves.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::Caller;
use super::policy::{Action, authorize};
use crate::error::AppError;
use crate::services::CatalogueWrites;

/// A caller the policy allows to edit the catalogue.
#[derive(Debug, Clone)]
pub struct Editor(pub Caller);

impl FromRequest for Editor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Editor, AppError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(request, payload);
        let writes = request.app_data::<web::Data<CatalogueWrites>>().cloned();
        Box::pin(async move {
            if let Some(writes) = writes {
                writes.refuse_on_mirror()?;
            }
            let caller = caller.await?;
            authorize(&caller, Action::EditCatalogue)?;
            Ok(Editor(caller))
        })
    }
}
