//! `tieuchuan create-admin USERNAME`: the first admin. The password comes from
//! `TIEUCHUAN_ADMIN_PASSWORD` or a prompt; there is no default password anywhere.

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::config::Settings;
use crate::db::users;
use crate::services::accounts::validation::RegistrationBody;
use crate::services::accounts::{self, Creation, Origin, validate_registration};
use crate::services::seed;
use crate::startup;

/// Creates the admin account, or says it exists (idempotent: nothing is changed then).
pub fn create_admin(
    settings: &Settings,
    username: &str,
    email: Option<String>,
    full_name: Option<String>,
) -> Result<ExitCode, String> {
    let pool = startup::open_database(settings).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| format!("cannot open the database: {e}"))?;
    seed::seed_for(&mut conn, settings).map_err(|e| e.to_string())?;
    let username = username.trim().to_lowercase();
    if let Some(existing) = users::find_by_username(&mut conn, &username).map_err(|e| e.to_string())? {
        println!(
            "the account `{}` exists already (role {}, status {}); nothing changed",
            existing.username, existing.role, existing.status
        );
        return Ok(ExitCode::SUCCESS);
    }
    let password = match std::env::var("TIEUCHUAN_ADMIN_PASSWORD") {
        Ok(password) if !password.is_empty() => password,
        _ => prompt()?,
    };
    let body = RegistrationBody {
        username: username.clone(),
        password,
        full_name: full_name.unwrap_or_else(|| "Quản trị hệ thống".to_string()),
        email: email.unwrap_or_else(|| format!("{username}@tieuchuan.invalid")),
        province: None,
        commune: None,
        unit: None,
        role: "admin".into(),
        expires_at: None,
    };
    let registration = validate_registration(&body, true).map_err(|e| e.to_string())?;
    let hash = accounts::hash_new_password(&body.password, &registration.username).map_err(|e| e.to_string())?;
    let view = accounts::create(&mut conn, registration, hash, Creation::Bootstrap, &Origin::default())
        .map_err(|e| e.to_string())?;
    println!("created the admin account `{}` (id {})", view.username, view.id);
    Ok(ExitCode::SUCCESS)
}

fn prompt() -> Result<String, String> {
    if !std::io::stdin().is_terminal() {
        return Err("no password: set TIEUCHUAN_ADMIN_PASSWORD, or run on a terminal to be asked".into());
    }
    let first = rpassword::prompt_password("Password for the new admin: ")
        .map_err(|e| format!("no password: set TIEUCHUAN_ADMIN_PASSWORD or run on a terminal ({e})"))?;
    let second = rpassword::prompt_password("Repeat it: ").map_err(|e| e.to_string())?;
    if first != second {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}
