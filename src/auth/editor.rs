//! The caller who may edit the catalogue, as an extractor: an upload or an import names it before
//! its body, so that a caller who may not edit is refused (401 or 403) before a byte of a file of
//! up to 64 MiB is read or held. The service methods still ask the policy themselves.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload};

use super::Caller;
use super::policy::{Action, authorize};
use crate::error::AppError;

/// A caller the policy allows to edit the catalogue.
#[derive(Debug, Clone)]
pub struct Editor(pub Caller);

impl FromRequest for Editor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Editor, AppError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(request, payload);
        Box::pin(async move {
            let caller = caller.await?;
            authorize(&caller, Action::EditCatalogue)?;
            Ok(Editor(caller))
        })
    }
}
