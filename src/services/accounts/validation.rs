//! Checking what a registration or an account creation sends.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::schema::provinces;
use crate::domain::Role;
use crate::domain::text::normalize;
use crate::error::{AppError, ErrorCode};

/// What `POST /api/v1/auth/register` and `POST /api/v1/users` accept.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationBody {
    /// Letters, digits, dots, dashes or underscores (read in lowercase).
    #[schema(min_length = 3, max_length = 32, pattern = "^[A-Za-z0-9._-]+$")]
    pub username: String,
    #[schema(min_length = 12, max_length = 256)]
    pub password: String,
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// Province slug (`ha-noi`, `phu-tho`); required except for admins.
    #[schema(max_length = 64)]
    pub province: Option<String>,
    /// Commune or ward.
    #[schema(max_length = 200)]
    pub commune: Option<String>,
    /// Unit or office.
    #[schema(max_length = 200)]
    pub unit: Option<String>,
    /// `official` or `inspector` at registration; any role when an admin creates the account.
    #[schema(value_type = Role)]
    pub role: String,
    /// Only when an admin creates the account: RFC 3339 with an offset, or a date.
    #[serde(default, deserialize_with = "crate::domain::time::optional_instant")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<NaiveDateTime>,
}

/// A registration whose fields passed the checks (the password is checked and hashed apart).
#[derive(Debug, Clone)]
pub struct Registration {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub province: Option<String>,
    pub commune: Option<String>,
    pub unit: Option<String>,
    pub role: Role,
    pub expires_at: Option<NaiveDateTime>,
}

/// Checks the fields; `by_admin` allows every role and an expiry.
pub fn validate_registration(body: &RegistrationBody, by_admin: bool) -> Result<Registration, AppError> {
    let username = crate::domain::text::username_key(&body.username);
    let username_ok = (3..=32).contains(&username.chars().count())
        && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !username_ok {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidUsername,
            "a username has 3 to 32 letters, digits, dots, dashes or underscores",
        ));
    }
    let email = body.email.trim().to_lowercase();
    let email_ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.'));
    if !email_ok {
        return Err(AppError::unprocessable(ErrorCode::InvalidEmail, "give a valid email address"));
    }
    let role: Role = body
        .role
        .parse()
        .map_err(|e: crate::domain::UnknownTerm| AppError::unprocessable(ErrorCode::InvalidRole, e.to_string()))?;
    if !by_admin && !matches!(role, Role::Official | Role::Inspector) {
        return Err(AppError::unprocessable(ErrorCode::InvalidRole, "register as `official` or `inspector`"));
    }
    let province = text(body.province.as_deref(), 64, "province")?;
    if province.is_none() && role != Role::Admin {
        return Err(AppError::unprocessable(ErrorCode::ProvinceRequired, "choose your province"));
    }
    if !by_admin && body.expires_at.is_some() {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidExpiry,
            "the expiry is set when the account is approved",
        ));
    }
    Ok(Registration {
        username,
        full_name: text(Some(&body.full_name), 200, "full_name")?
            .ok_or_else(|| AppError::unprocessable(ErrorCode::InvalidFullName, "give your full name"))?,
        email,
        province,
        commune: text(body.commune.as_deref(), 200, "commune")?,
        unit: text(body.unit.as_deref(), 200, "unit")?,
        role,
        expires_at: body.expires_at,
    })
}

/// The province must be one of the 34.
pub fn check_province(conn: &mut DbConnection, province: Option<&str>) -> Result<(), AppError> {
    let Some(province) = province else { return Ok(()) };
    let known: bool =
        diesel::select(diesel::dsl::exists(provinces::table.filter(provinces::slug.eq(province)))).get_result(conn)?;
    if known {
        Ok(())
    } else {
        Err(AppError::unprocessable(ErrorCode::UnknownProvince, format!("`{province}` is not one of the 34 provinces")))
    }
}

fn text(value: Option<&str>, max: usize, name: &str) -> Result<Option<String>, AppError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidField,
            format!("`{name}` must be at most {max} characters of text"),
        ));
    }
    Ok(Some(normalize(value)))
}
