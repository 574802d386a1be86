//! Usage reports: who read what, grouped by province, unit, standard, user or day, scoped by the
//! caller's role (the Ministry sees all, a province its own, an official their own reading).

mod service;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Utc};

use crate::domain::time::{vietnam_date, vietnam_today};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::policy::{self, Action};
use crate::auth::{Account, Caller};
use crate::db::DbConnection;
use crate::db::audit::{self, NewAccessEvent, UsageCount, UsageKey, UsageScope};
use crate::db::provinces;
use crate::domain::AccessAction;
use crate::error::{AppError, ErrorCode};

pub use service::{NationalOverview, ProvinceOverview, Usage};

/// The longest period one report may cover.
const MAX_DAYS: i64 = 3 * 366;

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    Province,
    Unit,
    Standard,
    User,
    Day,
}

impl std::str::FromStr for Grouping {
    type Err = AppError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "province" => Ok(Grouping::Province),
            "unit" => Ok(Grouping::Unit),
            "standard" => Ok(Grouping::Standard),
            "user" => Ok(Grouping::User),
            "day" => Ok(Grouping::Day),
            _ => Err(AppError::invalid("`group_by` is one of province, unit, standard, user, day")),
        }
    }
}

/// A report request, validated.
#[derive(Debug, Clone)]
pub struct UsageQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub province: Option<String>,
    pub grouping: Grouping,
}

impl UsageQuery {
    /// Checks the period (Vietnam days, both included): `from` before `to`, at most three years;
    /// defaults to the last 30 days.
    pub fn new(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        province: Option<String>,
        grouping: Grouping,
    ) -> Result<Self, AppError> {
        let to = to.unwrap_or_else(vietnam_today);
        let from = from.unwrap_or(to - Duration::days(30));
        if from > to {
            return Err(AppError::invalid("`from` is after `to`"));
        }
        if (to - from).num_days() > MAX_DAYS {
            return Err(AppError::invalid("a report covers at most three years"));
        }
        Ok(UsageQuery { from, to, province, grouping })
    }
}

/// One group of a report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UsageRow {
    pub key: String,
    pub label: String,
    pub views: u64,
    pub downloads: u64,
    pub total: u64,
}

/// A usage report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UsageReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: Grouping,
    /// `all`, `province:SLUG` or `user:ID`: what the caller was allowed to see.
    pub scope: String,
    pub rows: Vec<UsageRow>,
    pub total: u64,
}

/// Builds the report the caller may see.
pub fn report(conn: &mut DbConnection, caller: &Caller, query: &UsageQuery) -> Result<UsageReport, AppError> {
    let scope = match (&query.province, policy::default_usage_scope(caller)) {
        (_, None) => return Err(AppError::unauthenticated(ErrorCode::NotSignedIn, "sign in to see usage")),
        (Some(province), Some(_)) => UsageScope::Province(province.clone()),
        (None, Some(scope)) => scope,
    };
    policy::authorize(caller, Action::ViewUsage(&scope))?;
    let counts =
        audit::usage_counts(conn, &scope, &query.from.to_string(), &query.to.to_string(), usage_key(query.grouping))?;
    let province_names: BTreeMap<String, String> =
        provinces::all(conn)?.into_iter().map(|p| (p.slug, p.name)).collect();
    let rows = group(counts, query.grouping, &province_names);
    Ok(UsageReport {
        from: query.from,
        to: query.to,
        group_by: query.grouping,
        scope: match &scope {
            UsageScope::All => "all".into(),
            UsageScope::Province(p) => format!("province:{p}"),
            UsageScope::User(id) => format!("user:{id}"),
        },
        total: rows.iter().map(|r| r.total).sum(),
        rows,
    })
}

fn usage_key(grouping: Grouping) -> UsageKey {
    match grouping {
        Grouping::Province => UsageKey::Province,
        Grouping::Unit => UsageKey::Unit,
        Grouping::Standard => UsageKey::Standard,
        Grouping::User => UsageKey::User,
        Grouping::Day => UsageKey::Day,
    }
}

/// Folds the counts per group and action into rows of views and downloads, busiest first (days
/// in order).
fn group(counts: Vec<UsageCount>, grouping: Grouping, province_names: &BTreeMap<String, String>) -> Vec<UsageRow> {
    let mut groups: BTreeMap<String, UsageRow> = BTreeMap::new();
    for count in counts {
        let key = count.key.unwrap_or_default();
        let label = match grouping {
            Grouping::Province => province_names.get(&key).cloned().unwrap_or_else(|| key.clone()),
            _ => count.label.unwrap_or_default(),
        };
        let row = groups.entry(key.clone()).or_insert(UsageRow { key, label, views: 0, downloads: 0, total: 0 });
        let events = u64::try_from(count.events).unwrap_or(0);
        if count.action == AccessAction::Download {
            row.downloads += events;
        } else {
            row.views += events;
        }
        row.total += events;
    }
    let mut rows: Vec<UsageRow> = groups.into_values().collect();
    if grouping != Grouping::Day {
        rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.key.cmp(&b.key)));
    }
    rows
}

/// The report as CSV; cells that a spreadsheet would run as a formula are neutralised.
pub fn to_csv(report: &UsageReport) -> String {
    let mut out = String::from("key,label,views,downloads,total\n");
    for row in &report.rows {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            cell(&row.key),
            cell(&row.label),
            row.views,
            row.downloads,
            row.total
        ));
    }
    out
}

fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

/// Records that an account read or downloaded a text, with its province and unit at the time,
/// under an id of its own; on a mirror (`relay`) it is queued for the upstream with it.
pub fn record_access(
    conn: &mut DbConnection,
    account: &Account,
    standard_id: i64,
    document_id: Option<i64>,
    action: AccessAction,
    relay: bool,
) -> Result<(), AppError> {
    let now = Utc::now().naive_utc();
    audit::record_access_event(
        conn,
        &NewAccessEvent {
            user_id: account.id,
            standard_id,
            document_id,
            action,
            province: account.province.clone(),
            unit: account.unit.clone(),
            at: now,
            day: vietnam_date(now).to_string(),
            event_id: Some(new_event_id()),
        },
        relay,
    )?;
    Ok(())
}

/// A new access event id: 128 random bits, base64url.
fn new_event_id() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_cannot_smuggle_formulas_or_break_rows() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("Phòng QLĐT, xã A"), "\"Phòng QLĐT, xã A\"");
        assert_eq!(cell("plain"), "plain");
    }
}
