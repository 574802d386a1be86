//! Dossiers an account asked to keep: the text that was checked (a file's text, never its bytes),
//! with a name and the date it was checked as of, to check again later, as of today or any date.

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{CheckReport, CheckRequest, Checks};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::kept_dossiers::{self, KeptRow, NewKept};
use crate::error::{AppError, ErrorCode};
use crate::services::with_connection;

/// The most dossiers an account keeps.
pub const MAX_KEPT: usize = 50;
/// The longest name of a kept dossier.
const MAX_NAME_CHARS: usize = 200;

/// A kept dossier.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KeptDossier {
    pub id: i64,
    pub name: String,
    /// The date it was checked as of when it was kept.
    pub as_of: NaiveDate,
    /// How many distinct codes it cites.
    pub codes: i32,
    pub created_at: chrono::DateTime<Utc>,
}

impl From<KeptRow> for KeptDossier {
    fn from(row: KeptRow) -> Self {
        KeptDossier {
            id: row.id,
            name: row.name,
            as_of: row.as_of,
            codes: row.codes,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// The name of a dossier kept without one.
pub fn default_name(as_of: NaiveDate) -> String {
    format!("Hồ sơ kiểm tra ngày {}", as_of.format("%d/%m/%Y"))
}

fn keeper(caller: &Caller) -> Result<i64, AppError> {
    policy::authorize(caller, Action::KeepOwnData)?;
    Ok(caller.require()?.id)
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound { code: ErrorCode::NotFound, message: format!("you keep no dossier {id}") }
}

/// A dossier to check, as a form or the API sends it: a file, or else pasted text; kept when asked.
#[derive(Debug, Clone)]
pub struct DossierCheck {
    pub file: Option<(Vec<u8>, String)>,
    pub text: String,
    pub as_of: NaiveDate,
    /// `Some` to keep it, with its name (a dated one when none is given).
    pub keep: Option<Option<String>>,
}

impl Checks {
    /// Checks a dossier: a file's text (read through the CPU gate, its bytes not kept) or the
    /// pasted text, kept for the caller when asked.
    pub async fn run(&self, caller: &Caller, dossier: DossierCheck) -> Result<CheckReport, AppError> {
        let text = match dossier.file {
            Some((bytes, name)) => self.text_of_file(bytes, name).await?,
            None => dossier.text,
        };
        let request = CheckRequest { text, as_of: dossier.as_of };
        match dossier.keep {
            Some(name) => self.check_and_keep(caller, request, name).await,
            None => self.check(request).await,
        }
    }

    /// Checks a text and keeps it for the caller under `name` (the report says its id).
    pub async fn check_and_keep(
        &self,
        caller: &Caller,
        request: CheckRequest,
        name: Option<String>,
    ) -> Result<CheckReport, AppError> {
        let user_id = keeper(caller)?;
        let name = name.map(|n| n.trim().chars().take(MAX_NAME_CHARS).collect::<String>()).filter(|n| !n.is_empty());
        let text = request.text.clone();
        let mut report = self.check(request).await?;
        let (as_of, codes) = (report.as_of, i32::try_from(report.codes).unwrap_or(i32::MAX));
        let name = name.unwrap_or_else(|| default_name(as_of));
        let id = with_connection(&self.pool, move |conn| {
            if kept_dossiers::of_user(conn, user_id)?.len() >= MAX_KEPT {
                return Err(AppError::invalid(format!(
                    "an account keeps at most {MAX_KEPT} dossiers; forget one first"
                )));
            }
            let kept = NewKept { user_id, name: &name, text: &text, as_of, codes, created_at: Utc::now().naive_utc() };
            Ok(kept_dossiers::keep(conn, &kept)?)
        })
        .await?;
        report.kept = Some(id);
        Ok(report)
    }

    /// The caller's kept dossiers, newest first.
    pub async fn kept(&self, caller: &Caller) -> Result<Vec<KeptDossier>, AppError> {
        let user_id = keeper(caller)?;
        with_connection(&self.pool, move |conn| {
            Ok(kept_dossiers::of_user(conn, user_id)?.into_iter().map(KeptDossier::from).collect())
        })
        .await
    }

    /// Checks a kept dossier again as of `as_of`; with its text.
    pub async fn recheck(
        &self,
        caller: &Caller,
        id: i64,
        as_of: NaiveDate,
    ) -> Result<(KeptDossier, String, CheckReport), AppError> {
        let user_id = keeper(caller)?;
        let (row, text) = with_connection(&self.pool, move |conn| {
            kept_dossiers::find(conn, user_id, id)?.ok_or_else(|| not_found(id))
        })
        .await?;
        let mut report = self.check(CheckRequest { text: text.clone(), as_of }).await?;
        report.kept = Some(row.id);
        Ok((row.into(), text, report))
    }

    /// Forgets one of the caller's kept dossiers.
    pub async fn forget(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        let user_id = keeper(caller)?;
        with_connection(&self.pool, move |conn| match kept_dossiers::forget(conn, user_id, id)? {
            true => Ok(()),
            false => Err(not_found(id)),
        })
        .await
    }
}
