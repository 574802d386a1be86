//! A pointer to a standard by its code, resolved (slug, title, status) when the catalogue holds it.

use serde::Serialize;
use utoipa::ToSchema;

use super::Status;

/// A pointer to a standard, resolved when the catalogue holds it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StandardLink {
    pub code: String,
    pub slug: Option<String>,
    pub title_vi: Option<String>,
    pub status: Option<Status>,
}
