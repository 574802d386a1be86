//! `Usage`: the usage reports and the overviews the management pages show (the Ministry's, a
//! province's, one's own reading), each one unit of work.

use chrono::Duration;

use super::{Grouping, UsageQuery, UsageReport, UsageRow, report};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::domain::time::vietnam_today;
use crate::error::AppError;
use crate::services::accounts::{self, Province, UserFilter, UserPage, UserView};
use crate::services::{DbPool, with_connection};

/// Days the overviews of the management pages cover.
const OVERVIEW_DAYS: i64 = 30;
/// Accounts an overview lists.
const OVERVIEW_ACCOUNTS: u32 = 100;

/// The Ministry's overview: national reading, every account, the provinces.
#[derive(Debug, Clone)]
pub struct NationalOverview {
    pub by_province: UsageReport,
    pub by_day: UsageReport,
    pub accounts: Vec<UserView>,
    pub provinces: Vec<Province>,
}

/// A province's overview: its accounts and its reading.
#[derive(Debug, Clone)]
pub struct ProvinceOverview {
    pub province_name: String,
    pub accounts: UserPage,
    pub by_day: UsageReport,
    pub by_unit: UsageReport,
}

/// Usage reports of one node.
#[derive(Clone)]
pub struct Usage {
    pool: DbPool,
}

impl Usage {
    /// The reports of the database in `pool`.
    pub fn new(pool: DbPool) -> Usage {
        Usage { pool }
    }

    /// The report the caller may see.
    pub async fn report(&self, caller: &Caller, query: UsageQuery) -> Result<UsageReport, AppError> {
        let caller = caller.clone();
        with_connection(&self.pool, move |conn| report(conn, &caller, &query)).await
    }

    /// One's profile and what one read over the last year, by standard.
    pub async fn own_history(&self, caller: &Caller) -> Result<(UserView, Vec<UsageRow>), AppError> {
        policy::authorize(caller, Action::ReadOwnProfile)?;
        let (caller, id) = (caller.clone(), caller.require()?.id);
        with_connection(&self.pool, move |conn| {
            let profile = accounts::profile(conn, id)?;
            let today = vietnam_today();
            let query = UsageQuery::new(Some(today - Duration::days(365)), Some(today), None, Grouping::Standard)?;
            Ok((profile, report(conn, &caller, &query)?.rows))
        })
        .await
    }

    /// The Ministry's overview (admins).
    pub async fn national_overview(&self, caller: &Caller) -> Result<NationalOverview, AppError> {
        policy::authorize(caller, Action::ChangeRole)?;
        let caller = caller.clone();
        with_connection(&self.pool, move |conn| {
            let by_province = report(conn, &caller, &recent(None, Grouping::Province)?)?;
            let by_day = report(conn, &caller, &recent(None, Grouping::Day)?)?;
            let listing = accounts::list(conn, &caller, UserFilter::default(), 1, OVERVIEW_ACCOUNTS)?;
            Ok(NationalOverview { by_province, by_day, accounts: listing.items, provinces: accounts::provinces(conn)? })
        })
        .await
    }

    /// A province's overview (its admins, and the Ministry).
    pub async fn province_overview(&self, caller: &Caller, province: String) -> Result<ProvinceOverview, AppError> {
        let caller = caller.clone();
        with_connection(&self.pool, move |conn| {
            let filter = UserFilter { province: Some(province.clone()), ..UserFilter::default() };
            let accounts = accounts::list(conn, &caller, filter, 1, OVERVIEW_ACCOUNTS)?;
            let by_day = report(conn, &caller, &recent(Some(&province), Grouping::Day)?)?;
            let by_unit = report(conn, &caller, &recent(Some(&province), Grouping::Unit)?)?;
            let province_name =
                accounts::provinces(conn)?.into_iter().find(|p| p.slug == province).map_or(province, |p| p.name);
            Ok(ProvinceOverview { province_name, accounts, by_day, by_unit })
        })
        .await
    }

    /// A province's reading by unit over the overview's days (the CSV of its page).
    pub async fn province_by_unit(&self, caller: &Caller, province: String) -> Result<UsageReport, AppError> {
        self.report(caller, recent(Some(&province), Grouping::Unit)?).await
    }
}

/// The last `OVERVIEW_DAYS` days in Vietnam, for a province or all.
fn recent(province: Option<&str>, grouping: Grouping) -> Result<UsageQuery, AppError> {
    let today = vietnam_today();
    UsageQuery::new(Some(today - Duration::days(OVERVIEW_DAYS)), Some(today), province.map(str::to_string), grouping)
}
