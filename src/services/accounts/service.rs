//! `Accounts`: every use case of accounts and sessions, each one method. Password hashing and
//! checking (argon2) run between units of work through the CPU gate, never while a pooled
//! connection is held.

use std::sync::Arc;

use super::session::{self, TokenPair};
use super::validation::RegistrationBody;
use super::{
    AccountChange, Creation, Origin, Province, UserFilter, UserPage, UserView, hash_new_password, validate_registration,
};
use chrono::Utc;

use super::mirrored;
use crate::auth::caller::{self, Caller, Standing};
use crate::auth::password;
use crate::auth::policy::{self, Action};
use crate::auth::rate_limit::LoginLimiter;
use crate::auth::tokens::TokenKeys;
use crate::error::{AppError, ErrorCode};
use crate::mirror::accounts::MirrorAccounts;
use crate::mirror::wire::ForwardedRefresh;
use crate::services::gate::Gate;
use crate::services::{DbPool, with_connection};

/// Longest username and password a sign-in checks; longer ones are wrong credentials.
const MAX_USERNAME_CHARS: usize = 64;
const MAX_PASSWORD_CHARS: usize = 1024;

/// The accounts of one node, with the keys that sign their tokens and the limits on guessing.
#[derive(Clone)]
pub struct Accounts {
    pool: DbPool,
    keys: Arc<TokenKeys>,
    limiter: Arc<LoginLimiter>,
    cpu: Gate,
    /// On a mirror: the upstream, where accounts live and sessions are made.
    upstream: Option<Arc<MirrorAccounts>>,
}

impl Accounts {
    /// The accounts in `pool`; argon2 runs through `cpu`.
    pub fn new(pool: DbPool, keys: Arc<TokenKeys>, limiter: Arc<LoginLimiter>, cpu: Gate) -> Accounts {
        Accounts { pool, keys, limiter, cpu, upstream: None }
    }

    /// The same accounts on a mirror: kept from the upstream, which makes every session and every
    /// change; an account counts only while the upstream confirmed it lately.
    pub fn with_upstream(self, upstream: Arc<MirrorAccounts>) -> Accounts {
        Accounts { upstream: Some(upstream), ..self }
    }

    /// The caller a verified access token names, read afresh (a suspension or a new password
    /// takes effect at once).
    pub async fn caller(&self, id: i64, token_version: i32) -> Result<Caller, AppError> {
        let caller = with_connection(&self.pool, move |conn| caller::resolve(conn, id, token_version)).await?;
        Ok(match (caller, &self.upstream) {
            (Caller::Account(mut account), Some(upstream))
                if account.standing == Standing::Active && !upstream.sync.confirmed(Utc::now().naive_utc()) =>
            {
                account.standing = Standing::Unconfirmed;
                Caller::Account(account)
            }
            (caller, _) => caller,
        })
    }

    /// 409 on a mirror: accounts are registered and managed at its upstream.
    fn managed_here(&self) -> Result<(), AppError> {
        match &self.upstream {
            None => Ok(()),
            Some(upstream) => Err(AppError::conflict(
                ErrorCode::AccountsAtUpstream,
                format!("this node mirrors {}: accounts are registered and managed there", upstream.link.base()),
            )),
        }
    }

    /// Self-registration: a `pending` account that waits for its province.
    pub async fn register(&self, body: RegistrationBody, origin: Origin) -> Result<UserView, AppError> {
        self.managed_here()?;
        self.limiter.check_registration(origin.address)?;
        self.create_account(body, Creation::Registration, origin).await
    }

    /// An account of any role created by an admin, active at once.
    pub async fn create(&self, caller: &Caller, body: RegistrationBody, origin: Origin) -> Result<UserView, AppError> {
        policy::authorize(caller, Action::CreateAccount)?;
        self.managed_here()?;
        let creator = caller.require()?.id;
        self.create_account(body, Creation::ByAdmin(creator), origin).await
    }

    async fn create_account(
        &self,
        body: RegistrationBody,
        creation: Creation,
        origin: Origin,
    ) -> Result<UserView, AppError> {
        let registration = validate_registration(&body, creation != Creation::Registration)?;
        let username = registration.username.clone();
        let hash = self.cpu.run(move || hash_new_password(&body.password, &username)).await?;
        with_connection(&self.pool, move |conn| super::create(conn, registration, hash, creation, &origin)).await
    }

    /// Signs in. Unknown usernames and wrong passwords give the same answer in the same time.
    pub async fn sign_in(&self, username: String, password: String, origin: Origin) -> Result<TokenPair, AppError> {
        if username.chars().count() > MAX_USERNAME_CHARS || password.chars().count() > MAX_PASSWORD_CHARS {
            return Err(AppError::unauthenticated(ErrorCode::InvalidCredentials, "wrong username or password"));
        }
        self.limiter.check(origin.address, &username)?;
        if let Some(upstream) = &self.upstream {
            return mirrored::sign_in(&self.pool, upstream, username, password, origin).await;
        }
        let (name, at) = (username.clone(), origin.clone());
        let user = with_connection(&self.pool, move |conn| session::begin_sign_in(conn, &name, &at)).await?;
        let hash = user.as_ref().map(|u| u.password_hash.clone());
        let matches = self.cpu.run(move || Ok(password::verify(&password, hash.as_deref()))).await?;
        let keys = Arc::clone(&self.keys);
        with_connection(&self.pool, move |conn| session::finish_sign_in(conn, &keys, &username, user, matches, &origin))
            .await
    }

    /// Trades a refresh token for a new pair (a reused one closes its whole family).
    pub async fn refresh(&self, refresh_token: String, origin: Origin) -> Result<TokenPair, AppError> {
        if let Some(upstream) = &self.upstream {
            let forwarded = ForwardedRefresh { refresh_token, address: origin.ip };
            return Ok(upstream.link.refresh(&forwarded).await?);
        }
        let keys = Arc::clone(&self.keys);
        with_connection(&self.pool, move |conn| session::refresh(conn, &keys, &refresh_token, &origin)).await
    }

    /// Signs out: the refresh token's family stops working.
    pub async fn sign_out(&self, refresh_token: String) -> Result<(), AppError> {
        if let Some(upstream) = &self.upstream {
            return Ok(upstream.link.sign_out(&refresh_token).await?);
        }
        with_connection(&self.pool, move |conn| session::logout(conn, &refresh_token)).await
    }

    /// The caller's own profile.
    pub async fn profile(&self, caller: &Caller) -> Result<UserView, AppError> {
        policy::authorize(caller, Action::ReadOwnProfile)?;
        let id = caller.require()?.id;
        with_connection(&self.pool, move |conn| super::profile(conn, id)).await
    }

    /// Changes the caller's password; every token issued before stops working.
    pub async fn change_password(
        &self,
        caller: &Caller,
        current: String,
        new: String,
        origin: Origin,
    ) -> Result<(), AppError> {
        policy::authorize(caller, Action::ChangeOwnPassword)?;
        self.managed_here()?;
        let (account, at) = (caller.require()?.clone(), origin.clone());
        let user = with_connection(&self.pool, move |conn| session::begin_password_change(conn, &account, &at)).await?;
        let checking = user.clone();
        let checked = self.cpu.run(move || Ok(session::check_password_change(&checking, &current, &new))).await?;
        with_connection(&self.pool, move |conn| session::finish_password_change(conn, &user, checked, &origin)).await
    }

    /// Accounts under the filter (a provincial admin sees their own province only).
    pub async fn list(
        &self,
        caller: &Caller,
        filter: UserFilter,
        page: u32,
        per_page: u32,
    ) -> Result<UserPage, AppError> {
        let caller = caller.clone();
        with_connection(&self.pool, move |conn| super::list(conn, &caller, filter, page, per_page)).await
    }

    /// One account, if the caller may see it.
    pub async fn view(&self, caller: &Caller, id: i64) -> Result<UserView, AppError> {
        let caller = caller.clone();
        with_connection(&self.pool, move |conn| super::view(conn, &caller, id)).await
    }

    /// Approves, suspends, renews or changes the role of an account, as the caller may.
    pub async fn change(
        &self,
        caller: &Caller,
        id: i64,
        change: AccountChange,
        origin: Origin,
    ) -> Result<UserView, AppError> {
        self.managed_here()?;
        let caller = caller.clone();
        with_connection(&self.pool, move |conn| super::change(conn, &caller, id, change, &origin)).await
    }

    /// The 34 provinces, in their order.
    pub async fn provinces(&self) -> Result<Vec<Province>, AppError> {
        with_connection(&self.pool, super::provinces).await
    }
}
