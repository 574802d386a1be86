//! `MirrorLinks`: the national side of provincial mirrors. An admin issues a mirror its credential
//! (shown once, kept as SHA-256, scoped to one province, revocable); with it a mirror reads the
//! accounts of its province, fetches restricted texts the first time one of its officials reads
//! them, relays its access events (each stored once, by its id) and forwards its officials'
//! sign-ins and refreshes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::validation::check_province;
use super::accounts::{Accounts, Origin, session::TokenPair};
use super::documents::TextStorage;
use super::{DbPool, with_connection};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::audit::NewAccessEvent;
use crate::db::mirror_links::{self, CredentialRow, NewCredential};
use crate::db::{DbConnection, documents, standards, users, write_transaction};
use crate::domain::digest::sha256_hex;
use crate::domain::time::vietnam_date;
use crate::domain::{CanonicalCode, TextFormat};
use crate::error::{AppError, ErrorCode};
use crate::mirror::wire::{
    ForwardedRefresh, ForwardedSignIn, MAX_RELAY_EVENTS, RejectedEvent, RelayOutcome, RelayedEvent, ReplicaAccount,
    ReplicaAccounts,
};

/// The prefix of every mirror credential, so that one found in a log is recognised.
pub const CREDENTIAL_PREFIX: &str = "tcm_";
const MAX_NAME_CHARS: usize = 100;

/// What an admin asks for: a name for the mirror and its province.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CredentialRequest {
    #[schema(max_length = 100)]
    pub name: String,
    /// The province's slug.
    #[schema(max_length = 64)]
    pub province: String,
}

/// A credential as listed (never its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialView {
    pub id: i64,
    pub name: String,
    pub province: String,
    #[serde(serialize_with = "crate::domain::time::utc_instant")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::time::optional_utc_instant")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::domain::time::optional_utc_instant")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<NaiveDateTime>,
}

impl From<CredentialRow> for CredentialView {
    fn from(row: CredentialRow) -> Self {
        CredentialView {
            id: row.id,
            name: row.name,
            province: row.province,
            created_at: row.created_at,
            revoked_at: row.revoked_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// A new credential and its secret, which is shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedCredential {
    #[serde(flatten)]
    pub credential: CredentialView,
    /// `tcm_…`: the mirror's `upstream_credential`. Only its hash is kept.
    pub secret: String,
}

/// A mirror, as its credential identifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorClient {
    pub id: i64,
    pub province: String,
}

/// A text as a mirror receives it.
#[derive(Debug, Clone)]
pub struct MirroredText {
    pub bytes: Vec<u8>,
    pub format: TextFormat,
    pub sha256: String,
}

/// The national side of the mirrors.
#[derive(Clone)]
pub struct MirrorLinks {
    pool: DbPool,
    accounts: Accounts,
    storage: TextStorage,
}

impl MirrorLinks {
    pub fn new(pool: DbPool, accounts: Accounts, storage: TextStorage) -> MirrorLinks {
        MirrorLinks { pool, accounts, storage }
    }

    /// Issues a credential for a mirror of one province (admins).
    pub async fn issue(&self, caller: &Caller, request: CredentialRequest) -> Result<IssuedCredential, AppError> {
        policy::authorize(caller, Action::ManageMirrors)?;
        let created_by = caller.require()?.id;
        let name = request.name.trim().to_string();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(AppError::unprocessable(
                ErrorCode::InvalidField,
                format!("`name` is 1 to {MAX_NAME_CHARS} characters, without control characters"),
            ));
        }
        let province = request.province.trim().to_string();
        let secret = format!("{CREDENTIAL_PREFIX}{}", URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()));
        let credential = NewCredential {
            name,
            province,
            secret_hash: sha256_hex(secret.as_bytes()),
            created_at: Utc::now().naive_utc(),
            created_by,
        };
        let row = with_connection(&self.pool, move |conn| {
            check_province(conn, Some(&credential.province))?;
            Ok(mirror_links::insert_credential(conn, &credential)?)
        })
        .await?;
        tracing::info!(credential = row.id, province = %row.province, "a mirror credential was issued");
        Ok(IssuedCredential { credential: row.into(), secret })
    }

    /// Every credential, newest first (admins).
    pub async fn list(&self, caller: &Caller) -> Result<Vec<CredentialView>, AppError> {
        policy::authorize(caller, Action::ManageMirrors)?;
        let rows = with_connection(&self.pool, |conn| Ok(mirror_links::credentials(conn)?)).await?;
        Ok(rows.into_iter().map(CredentialView::from).collect())
    }

    /// Revokes a credential (admins): the mirror's next call is refused.
    pub async fn revoke(&self, caller: &Caller, id: i64) -> Result<CredentialView, AppError> {
        policy::authorize(caller, Action::ManageMirrors)?;
        let row = with_connection(&self.pool, move |conn| {
            if !mirror_links::revoke(conn, id, Utc::now().naive_utc())? {
                return Err(not_found());
            }
            mirror_links::credential(conn, id)?.ok_or_else(not_found)
        })
        .await?;
        tracing::info!(credential = id, "a mirror credential was revoked");
        Ok(row.into())
    }

    /// The mirror a presented credential names, if it is known and not revoked.
    pub async fn authenticate(&self, secret: String) -> Result<MirrorClient, AppError> {
        if !secret.starts_with(CREDENTIAL_PREFIX) || secret.len() > 128 {
            return Err(invalid_credential());
        }
        let hash = sha256_hex(secret.as_bytes());
        let row = with_connection(&self.pool, move |conn| {
            Ok(mirror_links::active_by_hash(conn, &hash, Utc::now().naive_utc())?)
        })
        .await?;
        row.map(|row| MirrorClient { id: row.id, province: row.province }).ok_or_else(invalid_credential)
    }

    /// The accounts of the mirror's province, as it keeps them.
    pub async fn accounts(&self, client: &MirrorClient) -> Result<ReplicaAccounts, AppError> {
        let province = client.province.clone();
        with_connection(&self.pool, move |conn| {
            let accounts = mirror_links::accounts_of(conn, &province)?.iter().map(ReplicaAccount::from).collect();
            Ok(ReplicaAccounts { province, accounts })
        })
        .await
    }

    /// A text's bytes (restricted ones too: the mirror serves them to its entitled officials).
    pub async fn text(&self, id: i64) -> Result<MirroredText, AppError> {
        let store = self.storage.store.clone();
        with_connection(&self.pool, move |conn| {
            let not_found =
                || AppError::NotFound { code: ErrorCode::DocumentNotFound, message: format!("no text has id {id}") };
            let document = documents::by_id(conn, id)?.ok_or_else(not_found)?;
            let bytes = (store.get(conn, &document.sha256).map_err(|e| AppError::NotReady(e.to_string()))?)
                .ok_or_else(|| AppError::NotReady("the file of this text is missing from the store".into()))?;
            Ok(MirroredText { bytes, format: document.format, sha256: document.sha256 })
        })
        .await
    }

    /// Stores a batch of the mirror's access events, each once by its id, in one transaction.
    pub async fn relay(&self, client: &MirrorClient, events: Vec<RelayedEvent>) -> Result<RelayOutcome, AppError> {
        if events.len() > MAX_RELAY_EVENTS {
            return Err(AppError::invalid(format!("a relay carries at most {MAX_RELAY_EVENTS} events")));
        }
        let client = client.clone();
        with_connection(&self.pool, move |conn| {
            write_transaction(conn, |conn| {
                let mut outcome = RelayOutcome::default();
                for event in &events {
                    match admit(conn, &client, event)? {
                        Err(reason) => {
                            outcome.rejected.push(RejectedEvent { event_id: event.event_id.clone(), reason })
                        }
                        Ok(row) if mirror_links::insert_relayed(conn, &row, client.id)? => outcome.stored += 1,
                        Ok(_) => outcome.duplicates += 1,
                    }
                }
                Ok(outcome)
            })
        })
        .await
    }

    /// A sign-in on the mirror, made here with the official's address; accounts of another
    /// province are refused (the mirror would not know them).
    pub async fn sign_in(&self, client: &MirrorClient, forwarded: ForwardedSignIn) -> Result<TokenPair, AppError> {
        let origin = Origin::new(forwarded.address.as_deref().and_then(|a| a.parse().ok()));
        let pair = self.accounts.sign_in(forwarded.username, forwarded.password, origin).await?;
        self.own_province(client, pair).await
    }

    /// A refresh on the mirror, made here likewise.
    pub async fn refresh(&self, client: &MirrorClient, forwarded: ForwardedRefresh) -> Result<TokenPair, AppError> {
        let origin = Origin::new(forwarded.address.as_deref().and_then(|a| a.parse().ok()));
        let pair = self.accounts.refresh(forwarded.refresh_token, origin).await?;
        self.own_province(client, pair).await
    }

    async fn own_province(&self, client: &MirrorClient, pair: TokenPair) -> Result<TokenPair, AppError> {
        if pair.user.province.as_deref() == Some(client.province.as_str()) {
            return Ok(pair);
        }
        self.accounts.sign_out(pair.refresh_token).await?;
        Err(AppError::forbidden(
            ErrorCode::Forbidden,
            "this account is not of this mirror's province: sign in at the national library or your province's mirror",
        ))
    }
}

/// The event as it will be stored, or why it never will be.
fn admit(
    conn: &mut DbConnection,
    client: &MirrorClient,
    event: &RelayedEvent,
) -> Result<Result<NewAccessEvent, String>, AppError> {
    let id = event.event_id.as_str();
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Ok(Err("an event id is 1 to 64 letters, digits, `-` or `_`".into()));
    }
    let Some(user) = users::find_by_id(conn, event.user_id)? else {
        return Ok(Err(format!("no account has id {}", event.user_id)));
    };
    if user.province.as_deref() != Some(client.province.as_str()) || event.province != user.province {
        return Ok(Err("the account is not of this mirror's province".into()));
    }
    let standard = match CanonicalCode::parse(&event.code) {
        Ok(code) => standards::find_by_key(conn, &code.key())?,
        Err(_) => None,
    };
    let Some(standard) = standard else { return Ok(Err(format!("no standard has the code {}", event.code))) };
    if let Some(document) = event.document_id
        && documents::find(conn, standard.id, document)?.is_none()
    {
        return Ok(Err(format!("{} has no text {document}", event.code)));
    }
    Ok(Ok(NewAccessEvent {
        user_id: user.id,
        standard_id: standard.id,
        document_id: event.document_id,
        action: event.action,
        province: event.province.clone(),
        unit: event.unit.clone(),
        at: event.at,
        day: vietnam_date(event.at).to_string(),
        event_id: Some(event.event_id.clone()),
    }))
}

fn not_found() -> AppError {
    AppError::NotFound { code: ErrorCode::NotFound, message: "no mirror credential has this id".into() }
}

fn invalid_credential() -> AppError {
    AppError::unauthenticated(ErrorCode::InvalidMirrorCredential, "the mirror credential is unknown or revoked")
}
