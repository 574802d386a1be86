//! Daily allowances: what one account has used of a daily limit, granted one at a time by a
//! single conditional update, which both backends apply atomically (PostgreSQL re-checks the
//! condition on the row it waited for; SQLite has one writer).

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use super::DbConnection;
use super::schema::daily_allowances;

/// Grants one more use of `kind` to an account on `day` when fewer than `limit` were used;
/// whether it was granted.
pub fn grant(conn: &mut DbConnection, user_id: i64, day: &str, kind: &str, limit: i64) -> QueryResult<bool> {
    // A few times at most: a first use of the day may race with another first use, whose row can
    // appear between this use's update and its look at the row.
    for _ in 0..3 {
        let taken = diesel::update(mine(user_id, day, kind).filter(daily_allowances::used.lt(limit)))
            .set(daily_allowances::used.eq(daily_allowances::used + 1))
            .execute(conn)?;
        if taken == 1 {
            return Ok(true);
        }
        let used: Option<i64> = mine(user_id, day, kind).select(daily_allowances::used).first(conn).optional()?;
        match used {
            Some(used) if used >= limit => return Ok(false),
            // The row came after the update looked: try the update again.
            Some(_) => continue,
            None if limit <= 0 => return Ok(false),
            None => {}
        }
        let inserted = diesel::insert_into(daily_allowances::table)
            .values((
                daily_allowances::user_id.eq(user_id),
                daily_allowances::day.eq(day),
                daily_allowances::kind.eq(kind),
                daily_allowances::used.eq(1_i64),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => return Ok(true),
            Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => continue,
            Err(error) => return Err(error),
        }
    }
    Ok(false)
}

/// Gives back a use granted for a request that then failed.
pub fn refund(conn: &mut DbConnection, user_id: i64, day: &str, kind: &str) -> QueryResult<()> {
    diesel::update(mine(user_id, day, kind).filter(daily_allowances::used.gt(0_i64)))
        .set(daily_allowances::used.eq(daily_allowances::used - 1))
        .execute(conn)?;
    Ok(())
}

/// The row of one account, day and kind.
#[diesel::dsl::auto_type(no_type_alias)]
fn mine<'a>(user_id: i64, day: &'a str, kind: &'a str) -> _ {
    daily_allowances::table
        .filter(daily_allowances::user_id.eq(user_id))
        .filter(daily_allowances::day.eq(day))
        .filter(daily_allowances::kind.eq(kind))
}
