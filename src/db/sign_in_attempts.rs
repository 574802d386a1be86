//! Sign-in attempts per account and client address, counted before the password is checked: a
//! slot is taken by one conditional update (atomic on both backends), so parallel guesses cannot
//! all be checked before the failures are counted.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use super::DbConnection;
use super::schema::sign_in_attempts;

/// Whether an attempt may check its password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Checked; counted as a failure until `succeeded` clears it.
    Allowed,
    /// Locked until then, or `None` while `max` attempts are being checked at once.
    Refused(Option<NaiveDateTime>),
}

/// Takes an attempt for an account from an address: allowed while fewer than `max` failures
/// (and attempts in flight) were counted and no lock holds; a lock that has passed starts over.
pub fn begin(
    conn: &mut DbConnection,
    user_id: i64,
    address: &str,
    max: i32,
    now: NaiveDateTime,
) -> QueryResult<Attempt> {
    for _ in 0..3 {
        let taken = diesel::update(
            mine(user_id, address)
                .filter(sign_in_attempts::failures.lt(max))
                .filter(sign_in_attempts::locked_until.is_null().or(sign_in_attempts::locked_until.le(now))),
        )
        .set(sign_in_attempts::failures.eq(sign_in_attempts::failures + 1))
        .execute(conn)?;
        if taken == 1 {
            return Ok(Attempt::Allowed);
        }
        let restarted = diesel::update(mine(user_id, address).filter(sign_in_attempts::locked_until.le(now)))
            .set((sign_in_attempts::failures.eq(1), sign_in_attempts::locked_until.eq(None::<NaiveDateTime>)))
            .execute(conn)?;
        if restarted == 1 {
            return Ok(Attempt::Allowed);
        }
        let existing: Option<(i32, Option<NaiveDateTime>)> = mine(user_id, address)
            .select((sign_in_attempts::failures, sign_in_attempts::locked_until))
            .first(conn)
            .optional()?;
        match existing {
            Some((_, Some(locked_until))) if locked_until > now => return Ok(Attempt::Refused(Some(locked_until))),
            Some((failures, _)) if failures >= max => return Ok(Attempt::Refused(None)),
            // The row came (another first attempt) after the updates looked: try them again.
            Some(_) => continue,
            None => {}
        }
        let inserted = diesel::insert_into(sign_in_attempts::table)
            .values((
                sign_in_attempts::user_id.eq(user_id),
                sign_in_attempts::address.eq(address),
                sign_in_attempts::failures.eq(1),
                sign_in_attempts::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => return Ok(Attempt::Allowed),
            Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => continue,
            Err(error) => return Err(error),
        }
    }
    Ok(Attempt::Refused(None))
}

/// After a failed attempt: locks the address out of the account when `max` failures are counted;
/// whether it did.
pub fn failed(
    conn: &mut DbConnection,
    user_id: i64,
    address: &str,
    max: i32,
    lock_until: NaiveDateTime,
) -> QueryResult<bool> {
    let locked = diesel::update(
        mine(user_id, address)
            .filter(sign_in_attempts::failures.ge(max))
            .filter(sign_in_attempts::locked_until.is_null()),
    )
    .set(sign_in_attempts::locked_until.eq(Some(lock_until)))
    .execute(conn)?;
    Ok(locked == 1)
}

/// After a successful attempt: the address starts over.
pub fn succeeded(conn: &mut DbConnection, user_id: i64, address: &str) -> QueryResult<()> {
    diesel::delete(mine(user_id, address)).execute(conn)?;
    Ok(())
}

/// The row of one account and address.
#[diesel::dsl::auto_type(no_type_alias)]
fn mine<'a>(user_id: i64, address: &'a str) -> _ {
    sign_in_attempts::table.filter(sign_in_attempts::user_id.eq(user_id)).filter(sign_in_attempts::address.eq(address))
}
