//! JSON bodies: the body must be one JSON object (serde would take `["user", "pass"]` for a
//! struct; the API does not), within the body limit, with errors in the envelope. `OptionalBody`
//! is for operations whose body may be left out: absent means the defaults, but a body that is
//! sent must be right.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// A JSON object body read into `T`.
pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<serde_json::Value>::from_request(request, payload);
        Box::pin(async move { Ok(Body(object(json.await?.into_inner())?)) })
    }
}

/// A JSON object body, or `None` when the request has no body at all.
pub struct OptionalBody<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalBody<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = request.headers();
        let chunked = headers.contains_key(TRANSFER_ENCODING);
        let length = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).map(str::trim);
        if !chunked && length.is_none_or(|l| l == "0") {
            return Box::pin(async { Ok(OptionalBody(None)) });
        }
        let body = Body::<T>::from_request(request, payload);
        Box::pin(async move { Ok(OptionalBody(Some(body.await?.0))) })
    }
}

fn object<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    if !value.is_object() {
        return Err(AppError::invalid("invalid JSON body: send one JSON object"));
    }
    serde_json::from_value(value).map_err(|e| AppError::invalid(format!("invalid JSON body: {e}")))
}
