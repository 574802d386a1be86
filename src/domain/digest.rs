//! SHA-256 digests as lowercase hex: the names of texts, the hashes of the feed, the stored form
//! of refresh tokens.

use sha2::{Digest, Sha256};

/// The lowercase hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The lowercase hex of a finished digest (of bytes hashed as they streamed past).
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
