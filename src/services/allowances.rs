//! Daily allowances of restricted texts (DESIGN §5: a per-user daily quota stops bulk copying):
//! PDF downloads and reader requests per account and Vietnam day, each granted before the work it
//! pays for, in one atomic step, and given back when that work fails.

use chrono::Utc;

use crate::auth::Account;
use crate::db::{DbConnection, allowances};
use crate::domain::time::{vietnam_date, vietnam_day_bounds};
use crate::error::{AppError, ErrorCode};

/// What an allowance pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    /// A stamped PDF of a non-public text.
    Download,
    /// A reader request (a whole text or one section) of a non-public text.
    Read,
}

impl Allowance {
    fn kind(self) -> &'static str {
        match self {
            Allowance::Download => "download",
            Allowance::Read => "read",
        }
    }
}

/// The limits per account and day.
#[derive(Debug, Clone, Copy)]
pub struct DailyLimits {
    pub downloads: i64,
    pub reads: i64,
}

/// A use granted to an account on a day, to give back if the request fails after all.
#[derive(Debug, Clone)]
pub struct Grant {
    user_id: i64,
    day: String,
    allowance: Allowance,
}

impl DailyLimits {
    /// Grants one use to the account today, or refuses with 429 and the seconds until midnight in
    /// Vietnam.
    pub fn take(&self, conn: &mut DbConnection, account: &Account, allowance: Allowance) -> Result<Grant, AppError> {
        let now = Utc::now().naive_utc();
        let (_, tomorrow) = vietnam_day_bounds(now);
        let day = vietnam_date(now).to_string();
        let limit = match allowance {
            Allowance::Download => self.downloads,
            Allowance::Read => self.reads,
        };
        if allowances::grant(conn, account.id, &day, allowance.kind(), limit)? {
            return Ok(Grant { user_id: account.id, day, allowance });
        }
        let (code, message) = match allowance {
            Allowance::Download => (
                ErrorCode::DownloadQuota,
                format!(
                    "you have downloaded {limit} texts today, the daily limit; downloads resume at midnight (Vietnam time)"
                ),
            ),
            Allowance::Read => (
                ErrorCode::ReadQuota,
                format!(
                    "you have opened restricted texts {limit} times today, the daily limit; reading resumes at midnight (Vietnam time)"
                ),
            ),
        };
        let wait = (tomorrow - now).num_seconds().max(1);
        Err(AppError::TooManyRequests { code, message, retry_after: u64::try_from(wait).unwrap_or(1) })
    }

    /// Gives a use back (the request it was granted for failed).
    pub fn give_back(&self, conn: &mut DbConnection, grant: &Grant) -> Result<(), AppError> {
        Ok(allowances::refund(conn, grant.user_id, &grant.day, grant.allowance.kind())?)
    }
}
