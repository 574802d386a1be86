//! Tokens: short-lived EdDSA (Ed25519) access tokens (algorithm pinned, key chosen by `kid`,
//! issuer and audience checked, a per-user token version inside) and opaque refresh tokens stored
//! only as SHA-256 hashes. The national instance signs with a key derived from its feed signing
//! key and publishes the public half in its JWKS, so that a provincial mirror verifies the tokens
//! it issued without sharing any secret. The configured secret keys only the pages' CSRF tokens.

use std::collections::HashMap;
use std::path::Path;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDateTime};
use ed25519_dalek::SigningKey;
use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::feed::signing::PublicJwk;

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
/// The purpose the token key's seed is derived for.
pub const TOKEN_KEY_PURPOSE: &str = "tieuchuan access tokens";
/// The prefix of a token key's id in a key set.
pub const TOKEN_KEY_PREFIX: &str = "token-";
/// PKCS#8 v1 framing of an Ed25519 private key (RFC 8410), before its 32-byte seed.
const PKCS8_ED25519_PREFIX: [u8; 16] =
    [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

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
    #[error("this node does not issue access tokens; its upstream does")]
    NotIssuer,
    /// A mirror that has not yet heard its upstream's keys (it has just started and the upstream
    /// does not answer): the token may well be good, it cannot tell yet.
    #[error("this mirror has not yet heard its upstream's token keys; try again when the upstream answers")]
    KeysNotYetKnown,
}

/// Why the signing secret cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("TIEUCHUAN_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long")]
    TooShort,
    #[error("cannot read or create the signing secret {path}: {source}")]
    File { path: String, source: std::io::Error },
}

/// The key this node signs tokens with, and its public half.
struct TokenSigner {
    encoding: EncodingKey,
    jwk: PublicJwk,
}

/// The keys that sign and check access tokens.
pub struct TokenKeys {
    /// `None` on a mirror: its tokens come from the upstream.
    signer: Option<TokenSigner>,
    /// The keys whose tokens are accepted, by id: this node's own, or the upstream's.
    trusted: RwLock<HashMap<String, DecodingKey>>,
    /// Whether an upstream's key set was ever taken in (`trust`).
    heard: AtomicBool,
    validation: Validation,
    /// The MAC of the pages' CSRF tokens, keyed by a key derived from the secret.
    csrf: Hmac<Sha256>,
}

impl TokenKeys {
    /// Keys from a CSRF secret of at least 32 bytes and, on a node that issues tokens, the seed
    /// of its Ed25519 token key.
    pub fn new(secret: &[u8], signing_seed: Option<[u8; 32]>) -> Result<TokenKeys, SecretError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(SecretError::TooShort);
        }
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.algorithms = vec![Algorithm::EdDSA];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "sub", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        let csrf_key = Sha256::new().chain_update(b"tieuchuan csrf tokens\0").chain_update(secret).finalize();
        let csrf = <Hmac<Sha256> as KeyInit>::new_from_slice(&csrf_key).map_err(|_| SecretError::TooShort)?;
        let signer = signing_seed.map(|seed| signer_of(&seed));
        let heard = AtomicBool::new(false);
        let keys = TokenKeys { signer, trusted: RwLock::new(HashMap::new()), heard, validation, csrf };
        keys.trust(&keys.public_keys());
        keys.heard.store(false, Ordering::Relaxed);
        Ok(keys)
    }

    /// The public half of this node's token key, for its key set (none on a mirror).
    pub fn public_keys(&self) -> Vec<PublicJwk> {
        self.signer.iter().map(|signer| signer.jwk.clone()).collect()
    }

    /// Accepts the tokens of the token keys in `keys` (an upstream's key set), in place of the
    /// ones accepted before, this node's own key always kept; returns how many are accepted.
    pub fn trust(&self, keys: &[PublicJwk]) -> usize {
        let mut trusted: HashMap<String, DecodingKey> = (keys.iter().chain(self.signer.iter().map(|s| &s.jwk)))
            .filter(|k| k.kty == "OKP" && k.crv == "Ed25519" && k.alg == "EdDSA")
            .filter(|k| k.kid.starts_with(TOKEN_KEY_PREFIX))
            .filter_map(|k| {
                let bytes = URL_SAFE_NO_PAD.decode(k.x.as_bytes()).ok().filter(|b| b.len() == 32)?;
                Some((k.kid.clone(), DecodingKey::from_ed_der(&bytes)))
            })
            .collect();
        let count = trusted.len();
        if let Ok(mut current) = self.trusted.write() {
            std::mem::swap(&mut *current, &mut trusted);
        }
        self.heard.store(true, Ordering::Relaxed);
        count
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
        let signer = self.signer.as_ref().ok_or(TokenError::NotIssuer)?;
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
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(signer.jwk.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &signer.encoding).map_err(|_| TokenError::Invalid)?;
        Ok((token, ACCESS_TOKEN_MINUTES * 60))
    }

    /// Checks the key (by `kid`, among the trusted), signature, algorithm, issuer, audience and
    /// times.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        let kid = header.kid.ok_or(TokenError::Invalid)?;
        let Some(key) = self.trusted.read().ok().and_then(|keys| keys.get(&kid).cloned()) else {
            let heard = self.signer.is_some() || self.heard.load(Ordering::Relaxed);
            return Err(if heard { TokenError::Invalid } else { TokenError::KeysNotYetKnown });
        };
        jsonwebtoken::decode::<AccessClaims>(token, &key, &self.validation).map(|data| data.claims).map_err(|error| {
            match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                _ => TokenError::Invalid,
            }
        })
    }
}

/// The signer of a seed: its PKCS#8 form for `jsonwebtoken`, its public half as a JWK whose id is
/// `token-` and 16 hex digits of the public key's SHA-256.
fn signer_of(seed: &[u8; 32]) -> TokenSigner {
    let public = SigningKey::from_bytes(seed).verifying_key();
    let mut der = PKCS8_ED25519_PREFIX.to_vec();
    der.extend_from_slice(seed);
    let kid = format!("{TOKEN_KEY_PREFIX}{}", &crate::domain::digest::sha256_hex(public.as_bytes())[..16]);
    let jwk = PublicJwk {
        kty: "OKP".into(),
        crv: "Ed25519".into(),
        x: URL_SAFE_NO_PAD.encode(public.as_bytes()),
        kid,
        use_: "sig".into(),
        alg: "EdDSA".into(),
    };
    TokenSigner { encoding: EncodingKey::from_ed_der(&der), jwk }
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
    new_opaque_secret()
}

/// A new opaque secret (32 random bytes, URL-safe) and its SHA-256 to store: refresh tokens, the
/// secret in a private feed's address.
pub fn new_opaque_secret() -> (String, String) {
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
        TokenKeys::new(&[7u8; 32], Some([9u8; 32])).expect("keys")
    }

    #[test]
    fn a_token_round_trips_and_a_short_secret_is_refused() {
        let now = chrono::Utc::now().naive_utc();
        let (token, lifetime) = keys().issue(42, 3, now).expect("issues");
        let claims = keys().verify(&token).expect("verifies");
        assert_eq!((claims.sub.as_str(), claims.tv, lifetime), ("42", 3, 900));
        assert!(matches!(TokenKeys::new(b"short", None), Err(SecretError::TooShort)));
        let other = TokenKeys::new(&[7u8; 32], Some([10u8; 32])).expect("keys");
        assert_eq!(other.verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn a_mirror_verifies_with_the_published_half_only_and_issues_nothing() {
        let national = keys();
        let (token, _) = national.issue(42, 3, chrono::Utc::now().naive_utc()).expect("issues");
        let mirror = TokenKeys::new(&[1u8; 32], None).expect("keys");
        assert_eq!(mirror.verify(&token), Err(TokenError::KeysNotYetKnown), "before the first key set");
        assert_eq!(mirror.issue(1, 1, chrono::Utc::now().naive_utc()), Err(TokenError::NotIssuer));
        assert_eq!(mirror.trust(&national.public_keys()), 1);
        assert_eq!(mirror.verify(&token).expect("verifies").sub, "42");
        // A key set without a token key (a feed key only) withdraws the trust.
        let mut feed_key = national.public_keys()[0].clone();
        feed_key.kid = "feed-0123".into();
        assert_eq!(mirror.trust(&[feed_key]), 0);
        assert_eq!(mirror.verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn an_hs256_token_made_with_the_secret_or_the_public_key_is_refused() {
        let national = keys();
        let now = chrono::Utc::now().naive_utc().and_utc().timestamp();
        let claims = AccessClaims {
            sub: "1".into(),
            tv: 1,
            iat: now,
            nbf: now,
            exp: now + 60,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        let public = URL_SAFE_NO_PAD.decode(national.public_keys()[0].x.as_bytes()).expect("x");
        for secret in [vec![7u8; 32], public] {
            let mut header = Header::new(Algorithm::HS256);
            header.kid = Some(national.public_keys()[0].kid.clone());
            let forged = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&secret)).expect("encodes");
            assert_eq!(national.verify(&forged), Err(TokenError::Invalid));
        }
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
