//! Passwords: argon2id with OWASP's parameters, a strength policy, and a dummy hash so that an
//! unknown username costs the same time as a wrong password. Hashing is slow on purpose: call
//! these from the blocking pool, never on an async worker.

use std::sync::LazyLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (hashing a megabyte would be a denial of service).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Passwords people pick first; refused whatever their length.
/// Words Vietnamese passwords are made of that the strength estimator's English dictionaries do
/// not know: it treats them as guessable words, as it does the username.
const VIETNAMESE_WORDS: &[&str] = &[
    "matkhau",
    "mat khau",
    "mậtkhẩu",
    "mật khẩu",
    "tieuchuan",
    "tiêu chuẩn",
    "quychuan",
    "quy chuẩn",
    "vietnam",
    "việt nam",
    "hanoi",
    "hà nội",
    "saigon",
    "hochiminh",
    "anhyeuem",
    "em yêu anh",
    "yeuem",
    "canbo",
    "cán bộ",
    "ubnd",
    "xaphuong",
    "nguyen",
    "tran",
    "le",
    "pham",
    "hoang",
    "huynh",
    "phan",
    "vu",
    "dang",
    "bui",
    "do",
];
/// The least zxcvbn score accepted (0 to 4): "safely unguessable" by an online attacker, and
/// then some (ASVS 2.1.7 asks for a strength check).
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password must have at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("the password must not be the username")]
    SameAsUsername,
    #[error("this password is easy to guess; choose a longer phrase of unrelated words")]
    Common,
}

/// A failure of the hashing machinery itself (not a wrong password).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashingError(String);

impl From<HashingError> for crate::error::AppError {
    fn from(error: HashingError) -> Self {
        crate::error::AppError::Internal(error.to_string())
    }
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the policy: length, not the username, and hard to guess by the zxcvbn estimator (which
/// knows common passwords, keyboard walks, repeats, sequences, dates and the words above).
pub fn check_strength(password: &str, username: &str) -> Result<(), WeakPassword> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(WeakPassword::TooShort);
    }
    if length > MAX_PASSWORD_CHARS {
        return Err(WeakPassword::TooLong);
    }
    let lowered = password.to_lowercase();
    if lowered == username.to_lowercase() {
        return Err(WeakPassword::SameAsUsername);
    }
    let mut inputs: Vec<&str> = VIETNAMESE_WORDS.to_vec();
    inputs.push(username);
    if zxcvbn::zxcvbn(password, &inputs).score() < MIN_SCORE {
        return Err(WeakPassword::Common);
    }
    Ok(())
}

/// Hashes a password (random salt) into a PHC string.
pub fn hash(password: &str) -> Result<String, HashingError> {
    debug_assert!(!crate::db::holding_connection(), "argon2 runs while a pooled connection is held");
    hasher().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| HashingError(e.to_string()))
}

/// A hash of a random password, verified against when the username is unknown.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random: [u8; 24] = rand::random();
    hash(&format!("{random:?}")).unwrap_or_default()
});

/// Whether the password matches the stored hash; with `None` (unknown user) it checks against
/// the dummy hash and returns false, taking the same time.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    debug_assert!(!crate::db::holding_connection(), "argon2 runs while a pooled connection is held");
    let candidate = stored.unwrap_or(DUMMY_HASH.as_str());
    let matches = PasswordHash::new(candidate)
        .map(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false);
    matches && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let stored = hash("một mật khẩu đủ dài").expect("hashes");
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("một mật khẩu đủ dài", Some(&stored)));
        assert!(!verify("một mật khẩu sai", Some(&stored)));
        assert!(!verify("một mật khẩu đủ dài", None), "an unknown user never verifies");
        assert_ne!(hash("một mật khẩu đủ dài").expect("hashes"), stored, "salted");
    }

    #[test]
    fn weak_passwords_are_refused_with_the_reason() {
        assert_eq!(check_strength("short", "an"), Err(WeakPassword::TooShort));
        assert_eq!(check_strength("nguyenvanan12", "NguyenVanAn12"), Err(WeakPassword::SameAsUsername));
        assert_eq!(check_strength("Password1234", "an"), Err(WeakPassword::Common));
        assert_eq!(check_strength("aaaaaaaaaaaaaa", "an"), Err(WeakPassword::Common));
        assert_eq!(check_strength(&"x1".repeat(200), "an"), Err(WeakPassword::TooLong));
        assert_eq!(check_strength("cán bộ xã Tân Lập 2026", "an"), Ok(()));
    }
}
