//! The feed's signing key (Ed25519): it signs checkpoints, so that a follower can check that the
//! chain it replayed is the one the national catalogue published. The key is configured
//! (`feed_signing_key`, the 32-byte seed in base64url; several national nodes share one) or kept
//! in the data dir (`feed-signing.key`, created once, mode 0600). The public half is published as
//! a JSON Web Key Set (RFC 7517, RFC 8037) at `/.well-known/jwks.json`.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::digest::sha256_hex;

/// The file the key is kept in when none is configured.
pub const KEY_FILE: &str = "feed-signing.key";

/// A key that cannot be read or made.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the feed signing key must be 32 bytes in base64url")]
    Malformed,
    #[error("cannot read or create the feed signing key {path}: {source}")]
    File { path: String, source: std::io::Error },
}

/// The feed's signing key and its id.
pub struct FeedKey {
    signing: SigningKey,
    key_id: String,
}

impl std::fmt::Debug for FeedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedKey").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

/// One public key of a JSON Web Key Set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicJwk {
    /// `OKP`.
    pub kty: String,
    /// `Ed25519`.
    pub crv: String,
    /// The public key, base64url without padding.
    pub x: String,
    pub kid: String,
    /// `sig`.
    #[serde(rename = "use")]
    pub use_: String,
    /// `EdDSA`.
    pub alg: String,
}

/// A JSON Web Key Set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KeySet {
    pub keys: Vec<PublicJwk>,
}

impl FeedKey {
    /// The configured seed, or the one kept in the data dir (made on first start).
    pub fn load(configured: Option<&str>, data_dir: &Path) -> Result<FeedKey, KeyError> {
        let seed = match configured {
            Some(seed) => seed.trim().to_string(),
            None => {
                let path = data_dir.join(KEY_FILE);
                crate::secret_file::read_or_create(&path, || URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()))
                    .map_err(|source| KeyError::File { path: path.display().to_string(), source })?
            }
        };
        let bytes: [u8; 32] = URL_SAFE_NO_PAD
            .decode(seed.as_bytes())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(KeyError::Malformed)?;
        Ok(FeedKey::from_seed(&bytes))
    }

    /// The key of a 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> FeedKey {
        let signing = SigningKey::from_bytes(seed);
        let key_id = format!("feed-{}", &sha256_hex(signing.verifying_key().as_bytes())[..16]);
        FeedKey { signing, key_id }
    }

    /// The key's id (`kid`): `feed-` and 16 hex digits of the public key's SHA-256.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// A seed for another key of this node, derived from this key's seed for one purpose
    /// (SHA-256 of the purpose, a zero byte and the seed): one configured secret, a distinct key
    /// per use.
    pub fn derived_seed(&self, purpose: &str) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let digest =
            Sha256::new().chain_update(purpose.as_bytes()).chain_update([0]).chain_update(self.signing.as_bytes());
        digest.finalize().into()
    }

    /// The signature of `message`, base64url without padding.
    pub fn sign(&self, message: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.signing.sign(message).to_bytes())
    }

    /// The public half as a key set.
    pub fn key_set(&self) -> KeySet {
        KeySet {
            keys: vec![PublicJwk {
                kty: "OKP".into(),
                crv: "Ed25519".into(),
                x: URL_SAFE_NO_PAD.encode(self.signing.verifying_key().as_bytes()),
                kid: self.key_id.clone(),
                use_: "sig".into(),
                alg: "EdDSA".into(),
            }],
        }
    }
}

/// Whether `signature` (base64url) is the signature of `message` by the key `jwk`.
pub fn verify(jwk: &PublicJwk, message: &[u8], signature: &str) -> bool {
    let Some(public) = URL_SAFE_NO_PAD.decode(jwk.x.as_bytes()).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()) else {
        return false;
    };
    let Some(signature) = URL_SAFE_NO_PAD.decode(signature.as_bytes()).ok().and_then(|b| <[u8; 64]>::try_from(b).ok())
    else {
        return false;
    };
    VerifyingKey::from_bytes(&public).is_ok_and(|key| key.verify(message, &Signature::from_bytes(&signature)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_with_the_published_key_only() {
        let key = FeedKey::from_seed(&[7; 32]);
        let other = FeedKey::from_seed(&[8; 32]);
        let signature = key.sign(b"checkpoint");
        assert!(verify(&key.key_set().keys[0], b"checkpoint", &signature));
        assert!(!verify(&key.key_set().keys[0], b"checkpoint!", &signature));
        assert!(!verify(&other.key_set().keys[0], b"checkpoint", &signature));
        assert!(!verify(&key.key_set().keys[0], b"checkpoint", "not base64"));
    }

    #[test]
    fn a_key_is_kept_in_the_data_dir_once_and_owner_only() {
        let dir = tempfile::tempdir().expect("dir");
        let first = FeedKey::load(None, dir.path()).expect("made");
        let again = FeedKey::load(None, dir.path()).expect("read");
        assert_eq!(first.key_id(), again.key_id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE)).expect("file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(matches!(FeedKey::load(Some("short"), dir.path()), Err(KeyError::Malformed)));
    }
}
