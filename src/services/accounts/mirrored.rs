//! Sessions on a mirror: the official's sign-in goes to the upstream with their address (the
//! upstream decides, locks out and audits); an account the mirror does not know yet (approved a
//! moment ago) is fetched at once, so that the first page after signing in already knows it.

use std::sync::Arc;

use super::Origin;
use super::session::TokenPair;
use crate::db::{DbPool, users};
use crate::error::AppError;
use crate::mirror::accounts::MirrorAccounts;
use crate::mirror::wire::ForwardedSignIn;
use crate::services::with_connection;

/// Signs in at the upstream; returns the upstream's tokens.
pub async fn sign_in(
    pool: &DbPool,
    upstream: &Arc<MirrorAccounts>,
    username: String,
    password: String,
    origin: Origin,
) -> Result<TokenPair, AppError> {
    let forwarded = ForwardedSignIn { username, password, address: origin.ip };
    let pair = upstream.link.sign_in(&forwarded).await?;
    let id = pair.user.id;
    let known = with_connection(pool, move |conn| Ok(users::find_by_id(conn, id)?.is_some())).await?;
    if !known && let Err(error) = upstream.sync_once().await {
        tracing::warn!(%error, "a new account could not be fetched after its sign-in");
    }
    Ok(pair)
}
