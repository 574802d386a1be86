//! Tokens: short-lived HS256 access tokens (algorithm pinned, issuer and audience checked, a
//! per-user token version inside) and opaque refresh tokens stored only as SHA-256 hashes.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDateTime};
use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long an access token lives.
pub const ACCESS_TOKEN_MINUTES: i64 = 15;
/// How long a refresh token lives (each use replaces it).
pub const REFRESH_TOKEN_DAYS: i64 = 30;
/// Shortest signing secret accepted.
pub const MIN_SECRET_BYTES: usize = 32;
const ISSUER: &str = "tieuchuan";
const AUDIENCE: &str = "tieuchuan-api";
/// Where the generated secret is kept when none is configured.
pub const SECRET_FILE: &str = "jwt-secret";

/// The claims of an access token. Role and status are not in it: they are read from the
/// database on every request, so that a change takes effect at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    /// The account's token version when issued; a bump revokes every token issued before.
    pub tv: i32,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the access token has expired; refresh it")]
    Expired,
    #[error("the access token is not valid yet")]
    NotYetValid,
    #[error("the access token is invalid")]
    Invalid,
}

/// Why the signing secret cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("TIEUCHUAN_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long")]
    TooShort,
    #[error("cannot read or create the signing secret {path}: {source}")]
    File { path: String, source: std::io::Error },
}

/// The keys that sign and check access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// The MAC of the pages' CSRF tokens, keyed by a key derived from the secret.
    csrf: Hmac<Sha256>,
}

impl TokenKeys {
    /// Keys from a secret of at least 32 bytes.
    pub fn new(secret: &[u8]) -> Result<TokenKeys, SecretError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(SecretError::TooShort);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "sub", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        let csrf_key = Sha256::new().chain_update(b"tieuchuan csrf tokens\0").chain_update(secret).finalize();
        let csrf = <Hmac<Sha256> as KeyInit>::new_from_slice(&csrf_key).map_err(|_| SecretError::TooShort)?;
        Ok(TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            csrf,
        })
    }

    /// The CSRF token of a browser's CSRF cookie for a session subject: HMAC-SHA256 with a key
    /// derived from the secret, so that only this service can make one.
    pub fn csrf_token(&self, cookie: &str, subject: &str) -> String {
        let mut mac = self.csrf.clone();
        mac.update(cookie.as_bytes());
        mac.update(b"|");
        mac.update(subject.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Signs an access token for an account; returns it and its lifetime in seconds.
    pub fn issue(&self, user_id: i64, token_version: i32, now: NaiveDateTime) -> Result<(String, i64), TokenError> {
        let issued = now.and_utc().timestamp();
        let claims = AccessClaims {
            sub: user_id.to_string(),
            tv: token_version,
            iat: issued,
            nbf: issued,
            exp: issued + ACCESS_TOKEN_MINUTES * 60,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| TokenError::Invalid)?;
        Ok((token, ACCESS_TOKEN_MINUTES * 60))
    }

    /// Checks signature, algorithm, issuer, audience and times.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(
            |error| match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                _ => TokenError::Invalid,
            },
        )
    }
}

/// The configured secret, or the one kept in the data dir (created on first start with
/// owner-only permissions). Several nodes must share one configured secret.
pub fn load_secret(configured: Option<&str>, data_dir: &Path) -> Result<Vec<u8>, SecretError> {
    if let Some(secret) = configured {
        return if secret.len() < MIN_SECRET_BYTES {
            Err(SecretError::TooShort)
        } else {
            Ok(secret.as_bytes().to_vec())
        };
    }
    let path = data_dir.join(SECRET_FILE);
    let stored = crate::secret_file::read_or_create(&path, || URL_SAFE_NO_PAD.encode(rand::random::<[u8; 48]>()))
        .map_err(|source| SecretError::File { path: path.display().to_string(), source })?;
    if stored.len() < MIN_SECRET_BYTES {
        return Err(SecretError::TooShort);
    }
    Ok(stored.into_bytes())
}

/// A new opaque refresh token and the hash to store.
pub fn new_refresh_token() -> (String, String) {
    let token = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let hash = hash_refresh_token(&token);
    (token, hash)
}

/// A new family id for a chain of refresh tokens.
pub fn new_family() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

/// The stored form of a refresh token: SHA-256, hex.
pub fn hash_refresh_token(token: &str) -> String {
    crate::domain::digest::sha256_hex(token.as_bytes())
}

/// When a refresh token issued now expires.
pub fn refresh_expiry(now: NaiveDateTime) -> NaiveDateTime {
    now + Duration::days(REFRESH_TOKEN_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 32]).expect("keys")
    }

    #[test]
    fn a_token_round_trips_and_a_short_secret_is_refused() {
        let now = chrono::Utc::now().naive_utc();
        let (token, lifetime) = keys().issue(42, 3, now).expect("issues");
        let claims = keys().verify(&token).expect("verifies");
        assert_eq!((claims.sub.as_str(), claims.tv, lifetime), ("42", 3, 900));
        assert!(matches!(TokenKeys::new(b"short"), Err(SecretError::TooShort)));
        assert_eq!(TokenKeys::new(&[8u8; 32]).expect("keys").verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn the_generated_secret_is_kept_with_owner_only_permissions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = load_secret(None, dir.path()).expect("creates");
        assert_eq!(load_secret(None, dir.path()).expect("reads"), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(SECRET_FILE)).expect("file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(matches!(load_secret(Some("too short"), dir.path()), Err(SecretError::TooShort)));
    }

    #[test]
    fn refresh_tokens_are_stored_hashed() {
        let (token, hash) = new_refresh_token();
        assert_eq!(hash, hash_refresh_token(&token));
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&token));
    }
}
