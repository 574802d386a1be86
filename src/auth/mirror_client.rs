//! The mirror extractor: a provincial mirror's calls to `/api/v1/mirror/…` carry its credential
//! as `Authorization: Bearer tcm_…`; it names the mirror and its province, or the call is 401.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::error::{AppError, ErrorCode};
use crate::services::mirror_links::{MirrorClient, MirrorLinks};

impl FromRequest for MirrorClient {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<MirrorClient, AppError>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let secret = (request.headers().get(actix_web::http::header::AUTHORIZATION))
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, secret)| secret.trim().to_string());
        let links = request.app_data::<web::Data<MirrorLinks>>().cloned();
        Box::pin(async move {
            let missing = || {
                AppError::unauthenticated(ErrorCode::InvalidMirrorCredential, "this address needs a mirror credential")
            };
            let (secret, links) = secret.zip(links).ok_or_else(missing)?;
            links.authenticate(secret).await
        })
    }
}
