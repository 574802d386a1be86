//! Rate limits of sign-in (per client address and per username) and of registration (per client
//! address: each one costs an argon2 hash), with the `governor` crate, answered with 429 and
//! `Retry-After`.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::domain::text::username_key;
use crate::error::{AppError, ErrorCode};

/// Sign-in attempts allowed per minute from one address.
pub const PER_ADDRESS_PER_MINUTE: u32 = 30;
/// Sign-in attempts allowed per minute for one username.
pub const PER_USERNAME_PER_MINUTE: u32 = 10;

/// Registrations allowed at once from one address, and per hour after that.
pub const REGISTRATIONS_BURST: u32 = 10;
pub const REGISTRATIONS_PER_HOUR: u32 = 30;

/// The limiters of one node.
pub struct LoginLimiter {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_username: DefaultKeyedRateLimiter<String>,
    registrations: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(PER_ADDRESS_PER_MINUTE, PER_USERNAME_PER_MINUTE)
    }
}

impl LoginLimiter {
    /// Limiters with the given per-minute quotas (at least 1).
    pub fn new(per_address: u32, per_username: u32) -> LoginLimiter {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        LoginLimiter {
            by_address: RateLimiter::keyed(quota(per_address)),
            by_username: RateLimiter::keyed(quota(per_username)),
            registrations: RateLimiter::keyed(
                Quota::per_hour(NonZeroU32::new(REGISTRATIONS_PER_HOUR).unwrap_or(NonZeroU32::MIN))
                    .allow_burst(NonZeroU32::new(REGISTRATIONS_BURST).unwrap_or(NonZeroU32::MIN)),
            ),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one attempt; 429 with the wait when either quota is spent.
    pub fn check(&self, address: Option<IpAddr>, username: &str) -> Result<(), AppError> {
        if let Some(address) = address
            && let Err(not_until) = self.by_address.check_key(&address)
        {
            return Err(too_many(not_until.wait_time_from(self.clock.now()).as_secs()));
        }
        if let Err(not_until) = self.by_username.check_key(&username_key(username)) {
            return Err(too_many(not_until.wait_time_from(self.clock.now()).as_secs()));
        }
        Ok(())
    }

    /// Counts one registration from an address; 429 with the wait when its quota is spent.
    pub fn check_registration(&self, address: Option<IpAddr>) -> Result<(), AppError> {
        if let Some(address) = address
            && let Err(not_until) = self.registrations.check_key(&address)
        {
            let retry_after = not_until.wait_time_from(self.clock.now()).as_secs().max(1);
            return Err(AppError::TooManyRequests {
                code: ErrorCode::TooManyRegistrations,
                message: format!("too many registrations from this address; try again in {retry_after} seconds"),
                retry_after,
            });
        }
        Ok(())
    }
}

fn too_many(wait_seconds: u64) -> AppError {
    let retry_after = wait_seconds.max(1);
    AppError::TooManyRequests {
        code: ErrorCode::TooManyAttempts,
        message: format!("too many sign-in attempts; try again in {retry_after} seconds"),
        retry_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_per_username_is_enforced_with_a_wait() {
        let limiter = LoginLimiter::new(100, 2);
        let address = Some(IpAddr::from([127, 0, 0, 1]));
        assert!(limiter.check(address, "An").is_ok());
        assert!(limiter.check(address, "an").is_ok());
        match limiter.check(address, "AN") {
            Err(AppError::TooManyRequests { retry_after, .. }) => assert!(retry_after >= 1),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(limiter.check(address, "binh").is_ok(), "other usernames are not affected");
    }
}
