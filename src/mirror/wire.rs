//! What a mirror and its upstream say to each other with the mirror's credential
//! (`/api/v1/mirror/…`): the accounts of the mirror's province, relayed access events and what
//! became of them, and sign-ins and refreshes forwarded with the official's address.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::users::UserRow;
use crate::domain::{AccessAction, AccountStatus, Role};

/// Most events one relay carries.
pub const MAX_RELAY_EVENTS: usize = 500;

/// An account as a mirror keeps it: everything its access decisions read, never a password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReplicaAccount {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub province: Option<String>,
    pub commune: Option<String>,
    pub unit: Option<String>,
    pub status: AccountStatus,
    #[serde(
        serialize_with = "crate::domain::time::optional_utc_instant",
        deserialize_with = "crate::domain::time::optional_instant"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<NaiveDateTime>,
    /// Bumped when every token of the account is revoked (a new password, a suspension).
    pub token_version: i32,
    #[serde(serialize_with = "crate::domain::time::utc_instant", deserialize_with = "crate::domain::time::instant")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::time::utc_instant", deserialize_with = "crate::domain::time::instant")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: NaiveDateTime,
}

impl From<&UserRow> for ReplicaAccount {
    fn from(row: &UserRow) -> Self {
        ReplicaAccount {
            id: row.id,
            username: row.username.clone(),
            email: row.email.clone(),
            full_name: row.full_name.clone(),
            role: row.role,
            province: row.province.clone(),
            commune: row.commune.clone(),
            unit: row.unit.clone(),
            status: row.status,
            expires_at: row.expires_at,
            token_version: row.token_version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// The accounts of the mirror's province.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReplicaAccounts {
    pub province: String,
    pub accounts: Vec<ReplicaAccount>,
}

/// One access event recorded on a mirror.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RelayedEvent {
    /// The event's id on the mirror: the upstream stores an id once.
    #[schema(max_length = 64)]
    pub event_id: String,
    pub user_id: i64,
    /// The standard's code (ids differ between nodes).
    pub code: String,
    /// The text's id (the same on every node).
    pub document_id: Option<i64>,
    pub action: AccessAction,
    pub province: Option<String>,
    pub unit: Option<String>,
    #[serde(serialize_with = "crate::domain::time::utc_instant", deserialize_with = "crate::domain::time::instant")]
    #[schema(value_type = String, format = DateTime)]
    pub at: NaiveDateTime,
}

/// A batch of relayed events (at most 500).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RelayBatch {
    pub events: Vec<RelayedEvent>,
}

/// An event the upstream will never store, and why: the mirror stops relaying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RejectedEvent {
    pub event_id: String,
    pub reason: String,
}

/// What became of a batch: every event is stored, already stored, or rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RelayOutcome {
    pub stored: usize,
    pub duplicates: usize,
    pub rejected: Vec<RejectedEvent>,
}

/// A sign-in made on a mirror's page or API, forwarded with the official's address (for the
/// upstream's limits on guessing and its audit trail).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ForwardedSignIn {
    pub username: String,
    pub password: String,
    /// The client's address as the mirror saw it.
    pub address: Option<String>,
}

/// A refresh made on a mirror, forwarded likewise.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ForwardedRefresh {
    pub refresh_token: String,
    pub address: Option<String>,
}
